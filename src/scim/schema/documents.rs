//! The discovery documents (RFC 7644 §4, RFC 7643 §5–§7): `/ServiceProviderConfig`, `/ResourceTypes` and
//! `/Schemas`, rendered from the attribute table so a client's schema discovery (Entra ID's, Okta's, scim2-tester's)
//! sees exactly what Gatehouse keeps and returns. `base` is the service's URL, e.g. `https://id.example.com/scim/v2`.
use serde_json::{Value, json};

use super::{Attribute, Kind, Schema, Type};
use crate::scim::LIST_SCHEMA;

/// The most resources one list answer holds (`count` is capped to it), advertised as `filter.maxResults`.
pub const MAX_RESULTS: u64 = 200;

const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SERVICE_PROVIDER_CONFIG_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

const KINDS: [Kind; 2] = [Kind::User, Kind::Group];

fn list(resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": resources.len(),
        "itemsPerPage": resources.len(),
        "startIndex": 1,
        "Resources": resources,
    })
}

fn all_schemas() -> impl Iterator<Item = &'static Schema> {
    KINDS
        .iter()
        .flat_map(|kind| std::iter::once(kind.core()).chain(kind.extensions().iter().copied()))
}

/// `GET /Schemas`: a ListResponse of every schema.
pub fn schemas_document(base: &str) -> Value {
    list(all_schemas().map(|s| render_schema(s, base)).collect())
}

/// `GET /Schemas/{id}`; `None` for a URN that is not ours.
pub fn schema_resource(id: &str, base: &str) -> Option<Value> {
    all_schemas()
        .find(|s| s.id.eq_ignore_ascii_case(id))
        .map(|s| render_schema(s, base))
}

fn render_schema(schema: &Schema, base: &str) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": schema.id,
        "name": schema.name,
        "description": schema.description,
        "attributes": schema.attributes.iter().filter(|a| a.stored).map(render_attribute).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{}", schema.id)},
    })
}

fn render_attribute(attr: &Attribute) -> Value {
    let mut out = json!({
        "name": attr.name,
        "type": attr.ty.as_str(),
        "multiValued": attr.multi_valued,
        "description": attr.description,
        "required": attr.required,
        "caseExact": attr.case_exact,
        "mutability": attr.mutability.as_str(),
        "returned": attr.returned.as_str(),
        "uniqueness": attr.uniqueness.as_str(),
    });
    if !attr.canonical_values.is_empty() {
        out["canonicalValues"] = json!(attr.canonical_values);
    }
    if attr.ty == Type::Reference {
        out["referenceTypes"] = json!(attr.reference_types);
    }
    if attr.ty == Type::Complex {
        out["subAttributes"] = Value::Array(
            attr.sub_attributes
                .iter()
                .filter(|a| a.stored)
                .map(render_attribute)
                .collect(),
        );
    }
    out
}

/// `GET /ResourceTypes`: User (with the Enterprise extension) and Group.
pub fn resource_types(base: &str) -> Value {
    list(KINDS.iter().map(|kind| render_resource_type(*kind, base)).collect())
}

/// `GET /ResourceTypes/{name}` (`User` or `Group`, any case); `None` otherwise.
pub fn resource_type(name: &str, base: &str) -> Option<Value> {
    KINDS
        .iter()
        .find(|kind| kind.name().eq_ignore_ascii_case(name))
        .map(|kind| render_resource_type(*kind, base))
}

fn render_resource_type(kind: Kind, base: &str) -> Value {
    let description = match kind {
        Kind::User => "A Gatehouse user: signs in, holds factors, gets roles from groups.",
        Kind::Group => "A directory group; mapped to Gatehouse roles by its displayName.",
    };
    json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": kind.name(),
        "name": kind.name(),
        "endpoint": kind.endpoint(),
        "description": description,
        "schema": kind.core().id,
        "schemaExtensions": kind.extensions().iter()
            .map(|s| json!({"schema": s.id, "required": false}))
            .collect::<Vec<_>>(),
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", kind.name())},
    })
}

/// `GET /ServiceProviderConfig`: PATCH, filtering (at most [`MAX_RESULTS`] per page), sorting and ETags are
/// supported; bulk and the password-change operation are not; clients authenticate with an OAuth bearer token.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "documentationUri": "https://www.rfc-editor.org/rfc/rfc7644",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A token from Gatehouse's /token for a client with the scim service role, \
                            or a static SCIM token (gatehouse scim token create).",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    })
}
