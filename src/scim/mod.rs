//! The SCIM 2.0 service provider at `/scim/v2` (RFC 7643, RFC 7644): HR systems and directories (Entra ID,
//! Okta, Workday, …) create, update and deprovision Gatehouse users and groups here. Handlers parse and answer
//! SCIM; what a change means for an account (roles from groups, the manager, the phone-change rules,
//! invitations, deprovisioning) is `core::provisioning`'s. `docs/integrate/scim.md` says how to connect.
//!
//! - `auth`: who may provision (static tokens, `client_credentials` tokens of `--service-role scim` clients).
//! - `resource`: accounts and groups as SCIM resources, and SCIM bodies read back; `directory` loads them.
//! - `filter`, `patch`, `query`, `schema`: the protocol's pure parts (filters, PATCH operations, list
//!   parameters and projection, the schemas and discovery documents); `discovery` serves the latter.
//! - `users`, `groups`: the resource endpoints.
use actix_web::http::StatusCode;
use actix_web::http::header::{IF_MATCH, IF_NONE_MATCH};
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde_json::Value;

use crate::http::AppState;
use error::ScimError;

pub mod auth;
pub mod directory;
pub mod discovery;
pub mod error;
pub mod filter;
#[cfg(test)]
pub(crate) mod fixtures;
mod groups;
pub mod patch;
pub mod query;
pub mod resource;
pub mod schema;
mod users;

pub use schema::Kind;

/// The core User schema, the Enterprise User extension, the Group schema, and the protocol's messages.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// The largest request body: a group of several thousand members fits; more is refused before it is parsed.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Nesting deeper than any SCIM resource needs is refused (serde_json stops at 128 anyway).
const MAX_DEPTH: usize = 32;

/// `/scim/v2` under the configured public URL, as resource locations name it.
pub fn base_url(state: &AppState) -> String {
    format!("{}/scim/v2", state.config.public_url.as_str().trim_end_matches('/'))
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The request body as JSON: at most `MAX_BODY_BYTES`, valid UTF-8 JSON, not absurdly deep.
pub async fn read_json(mut payload: web::Payload) -> Result<Value, ScimError> {
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ScimError::invalid_syntax("The request body could not be read."))?;
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ScimError::payload_too_large(format!(
                "The request body is larger than {MAX_BODY_BYTES} bytes."
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ScimError::invalid_syntax(format!("The request body is not valid JSON: {e}.")))?;
    if depth(&value) > MAX_DEPTH {
        return Err(ScimError::invalid_syntax("The request body is nested too deeply."));
    }
    Ok(value)
}

fn tags(req: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<Vec<String>> {
    let text = req.headers().get(name)?.to_str().ok()?;
    Some(
        text.split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
    )
}

fn same_version(tag: &str, version: &str) -> bool {
    // Weak comparison (RFC 9110 §8.8.3.2): `W/"x"` and `"x"` name the same version.
    tag == "*" || tag.trim_start_matches("W/") == version.trim_start_matches("W/")
}

/// RFC 7644 §3.14: a change with `If-Match` applies only to the version it names (412 otherwise).
pub fn check_if_match(req: &HttpRequest, resource: &Value) -> Result<(), ScimError> {
    let Some(wanted) = tags(req, IF_MATCH) else {
        return Ok(());
    };
    let version = resource["meta"]["version"].as_str().unwrap_or_default();
    if wanted.iter().any(|t| same_version(t, version)) {
        Ok(())
    } else {
        Err(ScimError::precondition_failed(
            "The resource changed since it was read (If-Match names another version): read it again.",
        ))
    }
}

/// A read with `If-None-Match` naming the current version: answer 304.
pub fn not_modified(req: &HttpRequest, resource: &Value) -> bool {
    let version = resource["meta"]["version"].as_str().unwrap_or_default();
    tags(req, IF_NONE_MATCH).is_some_and(|tags| tags.iter().any(|t| same_version(t, version)))
}

/// A resource answer, projected as the query's `attributes`/`excludedAttributes` ask (RFC 7644 §3.9).
pub fn answer(
    req: &HttpRequest,
    kind: Kind,
    status: actix_web::http::StatusCode,
    resource: &Value,
    created: bool,
) -> Result<actix_web::HttpResponse, ScimError> {
    let params = query::ListParams::from_query(kind, req.query_string())?;
    let shown = query::project(kind, resource, &params.attributes, &params.excluded_attributes);
    Ok(error::resource_response(status, resource, &shown, created))
}

/// A list answer (a `ListResponse` body).
pub fn list_answer(body: &Value) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(error::CONTENT_TYPE)
        .body(body.to_string())
}

async fn unknown(_req: HttpRequest) -> Result<actix_web::HttpResponse, ScimError> {
    Err(ScimError::not_found("No such SCIM endpoint."))
}

/// A method the endpoint does not have (a POST to `/Schemas`, a DELETE of `/Users`): 405 with a SCIM error, not the
/// 404 of an unknown path (RFC 7644 §3.12; scim2-tester checks it on the discovery endpoints).
async fn method_not_allowed(req: HttpRequest) -> Result<actix_web::HttpResponse, ScimError> {
    Err(ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        format!("{} is not a method of this SCIM endpoint.", req.method()),
    ))
}

/// What the ServiceProviderConfig says Gatehouse does not offer is answered 501, as RFC 7644 asks of a service
/// provider that does not support it (§3.11 for /Me, §3.12), so a client tells "not offered" from "wrong URL".
async fn not_implemented(req: HttpRequest) -> Result<actix_web::HttpResponse, ScimError> {
    let detail = match req.path().trim_end_matches('/').rsplit('/').next().unwrap_or_default() {
        "Bulk" => "Bulk operations are not supported (ServiceProviderConfig: bulk.supported is false).",
        "Me" => "/Me is not supported: a provisioning client is not a user.",
        _ => "Searching several resource types at once is not supported: POST /Users/.search or /Groups/.search.",
    };
    Err(ScimError::new(StatusCode::NOT_IMPLEMENTED, None, detail))
}

/// One endpoint: its path, whose other methods answer 405.
fn endpoint(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// Registers `/scim/v2`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/scim/v2")
            .service(endpoint("/ServiceProviderConfig").route(web::get().to(discovery::service_provider_config)))
            .service(endpoint("/ResourceTypes").route(web::get().to(discovery::resource_types)))
            .service(endpoint("/ResourceTypes/{id}").route(web::get().to(discovery::resource_type)))
            .service(endpoint("/Schemas").route(web::get().to(discovery::schemas)))
            .service(endpoint("/Schemas/{id}").route(web::get().to(discovery::schema)))
            .service(
                endpoint("/Users")
                    .route(web::get().to(users::list))
                    .route(web::post().to(users::create)),
            )
            .service(endpoint("/Users/.search").route(web::post().to(users::search)))
            .service(
                endpoint("/Users/{id}")
                    .route(web::get().to(users::show))
                    .route(web::put().to(users::replace))
                    .route(web::patch().to(users::patch))
                    .route(web::delete().to(users::delete)),
            )
            .service(
                endpoint("/Groups")
                    .route(web::get().to(groups::list))
                    .route(web::post().to(groups::create)),
            )
            .service(endpoint("/Groups/.search").route(web::post().to(groups::search)))
            .service(
                endpoint("/Groups/{id}")
                    .route(web::get().to(groups::show))
                    .route(web::put().to(groups::replace))
                    .route(web::patch().to(groups::patch))
                    .route(web::delete().to(groups::delete)),
            )
            .service(endpoint("/.search").route(web::post().to(not_implemented)))
            .service(web::resource(["/Bulk", "/Me", "/Me/{rest:.*}"]).to(not_implemented))
            .app_data(web::PathConfig::default().error_handler(|_, _| ScimError::not_found("No such resource.").into()))
            .default_service(web::to(unknown)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_strong_tags_compare_alike() {
        assert!(same_version(r#"W/"abc""#, r#"W/"abc""#));
        assert!(same_version(r#""abc""#, r#"W/"abc""#));
        assert!(same_version("*", r#"W/"abc""#));
        assert!(!same_version(r#"W/"abd""#, r#"W/"abc""#));
    }

    #[test]
    fn depth_counts_nesting() {
        assert_eq!(depth(&serde_json::json!({"a": [{"b": 1}]})), 3);
    }
}
