//! SCIM's error responses (RFC 7644 §3.12): `{"schemas": [Error], "status": "400", "scimType": …, "detail": …}`
//! served as `application/scim+json`. The status follows the same mapping as the pages and the admin API
//! (`http::error::status_of`); `scimType` says which of the RFC's error kinds it is, so an HR system's connector
//! can tell a bad filter from a duplicate userName from a value it may not change.
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::core::Error;
use crate::http::error::{RETRY_AFTER_UNAVAILABLE_SECS, status_of};

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const CONTENT_TYPE: &str = "application/scim+json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: StatusCode,
    /// One of RFC 7644's `scimType` values (`invalidFilter`, `tooMany`, `uniqueness`, `mutability`,
    /// `invalidSyntax`, `invalidPath`, `noTarget`, `invalidValue`, `invalidVers`, `sensitive`), or none.
    pub scim_type: Option<&'static str>,
    pub detail: String,
    challenge: Option<&'static str>,
    retry_after: Option<u64>,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
            challenge: None,
            retry_after: None,
        }
    }

    fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        ScimError::bad("invalidFilter", detail)
    }
    pub fn too_many(detail: impl Into<String>) -> Self {
        ScimError::bad("tooMany", detail)
    }
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        ScimError::bad("invalidSyntax", detail)
    }
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        ScimError::bad("invalidPath", detail)
    }
    pub fn no_target(detail: impl Into<String>) -> Self {
        ScimError::bad("noTarget", detail)
    }
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        ScimError::bad("invalidValue", detail)
    }
    pub fn mutability(detail: impl Into<String>) -> Self {
        ScimError::bad("mutability", detail)
    }
    pub fn invalid_version(detail: impl Into<String>) -> Self {
        ScimError::bad("invalidVers", detail)
    }
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::NOT_FOUND, None, detail)
    }
    /// `If-Match` named a version that is no longer the resource's (RFC 7644 §3.14).
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::PRECONDITION_FAILED, None, detail)
    }
    pub fn payload_too_large(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::PAYLOAD_TOO_LARGE, None, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::FORBIDDEN, None, detail)
    }
    /// 401 with RFC 6750's challenge; `invalid_token` when a token was sent but is not (or no longer) good.
    pub fn unauthorized(invalid_token: bool, detail: impl Into<String>) -> Self {
        let mut e = ScimError::new(StatusCode::UNAUTHORIZED, None, detail);
        e.challenge = Some(if invalid_token {
            r#"Bearer realm="scim", error="invalid_token""#
        } else {
            r#"Bearer realm="scim""#
        });
        e
    }

    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        body
    }
}

impl std::fmt::Display for ScimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.detail)
    }
}

impl From<Error> for ScimError {
    fn from(error: Error) -> Self {
        let status = status_of(&error);
        let mut e = match &error {
            Error::Invalid(message) => ScimError::invalid_value(message.clone()),
            Error::Conflict(message) => ScimError::uniqueness(message.clone()),
            Error::NotAllowed(message) => ScimError::forbidden(message.clone()),
            Error::NotFound(what) => ScimError::not_found(format!("{what} not found")),
            Error::Internal(detail) => {
                tracing::error!(error = %detail, "SCIM request failed");
                ScimError::new(status, None, "internal error")
            }
            other => ScimError::new(status, None, other.to_string()),
        };
        e.retry_after = match &error {
            Error::Unavailable(_) => Some(RETRY_AFTER_UNAVAILABLE_SECS),
            Error::Busy { retry_after_secs } | Error::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        e
    }
}

impl ResponseError for ScimError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(CONTENT_TYPE);
        if let Some(challenge) = self.challenge {
            response.insert_header((WWW_AUTHENTICATE, challenge));
        }
        if let Some(secs) = self.retry_after {
            response.insert_header((RETRY_AFTER, secs.to_string()));
        }
        response.body(self.body().to_string())
    }
}

/// A resource answer: `application/scim+json` with `shown` (the resource as projected) as the body; the whole
/// `resource`'s `meta.version` as the ETag and, when created, its `meta.location` as `Location` — whatever the
/// projection left out.
pub fn resource_response(
    status: StatusCode,
    resource: &serde_json::Value,
    shown: &serde_json::Value,
    created: bool,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.content_type(CONTENT_TYPE);
    if let Some(version) = resource["meta"]["version"].as_str() {
        response.insert_header((ETAG, version.to_string()));
    }
    if created && let Some(location) = resource["meta"]["location"].as_str() {
        response.insert_header((actix_web::http::header::LOCATION, location.to_string()));
    }
    response.body(shown.to_string())
}
