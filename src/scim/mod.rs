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

async fn unknown(_req: HttpRequest) -> Result<actix_web::HttpResponse, ScimError> {
    Err(ScimError::not_found("No such SCIM endpoint."))
}

/// Registers `/scim/v2`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/scim/v2")
            .route(
                "/ServiceProviderConfig",
                web::get().to(discovery::service_provider_config),
            )
            .route("/ResourceTypes", web::get().to(discovery::resource_types))
            .route("/ResourceTypes/{id}", web::get().to(discovery::resource_type))
            .route("/Schemas", web::get().to(discovery::schemas))
            .route("/Schemas/{id}", web::get().to(discovery::schema))
            .route("/Users", web::get().to(users::list))
            .route("/Users", web::post().to(users::create))
            .route("/Users/.search", web::post().to(users::search))
            .route("/Users/{id}", web::get().to(users::show))
            .route("/Users/{id}", web::put().to(users::replace))
            .route("/Users/{id}", web::patch().to(users::patch))
            .route("/Users/{id}", web::delete().to(users::delete))
            .route("/Groups", web::get().to(groups::list))
            .route("/Groups", web::post().to(groups::create))
            .route("/Groups/.search", web::post().to(groups::search))
            .route("/Groups/{id}", web::get().to(groups::show))
            .route("/Groups/{id}", web::put().to(groups::replace))
            .route("/Groups/{id}", web::patch().to(groups::patch))
            .route("/Groups/{id}", web::delete().to(groups::delete))
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
