//! The admin API's errors: RFC 9457 problem documents (`application/problem+json`), from the same status mapping
//! as the pages (`http::error::status_of`). A validation error names the field in `errors[].field`; an
//! authentication error carries RFC 6750's `WWW-Authenticate` challenge.
use actix_web::http::StatusCode;
use actix_web::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::core::Error;
use crate::http::error::{RETRY_AFTER_UNAVAILABLE_SECS, status_of};

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemBody {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The status's reason phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person to read.
    pub detail: String,
    /// For validation errors: the request fields at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name as in the request (a JSON member or query parameter).
    pub field: String,
    pub detail: String,
}

#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    detail: String,
    errors: Vec<FieldError>,
    challenge: Option<String>,
    retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            status,
            detail: detail.into(),
            errors: Vec::new(),
            challenge: None,
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    /// A 400 naming the field at fault.
    pub fn field(field: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut problem = Problem::bad_request(format!("{field}: {detail}"));
        problem.errors.push(FieldError {
            field: field.to_string(),
            detail,
        });
        problem
    }

    pub fn not_found(what: &str) -> Self {
        Problem::new(StatusCode::NOT_FOUND, format!("Not found: {what}."))
    }

    /// 401 with a Bearer challenge (RFC 6750 §3): `error` is absent when no token was sent.
    pub fn unauthorized(error: Option<&str>, detail: &str, extra: &str) -> Self {
        let mut challenge = r#"Bearer realm="gatehouse""#.to_string();
        if let Some(error) = error {
            challenge.push_str(&format!(r#", error="{error}", error_description="{detail}""#));
        }
        challenge.push_str(extra);
        Problem {
            challenge: Some(challenge),
            ..Problem::new(StatusCode::UNAUTHORIZED, detail)
        }
    }

    /// 403 for a token without the scope the API needs (RFC 6750 §3.1 `insufficient_scope`).
    pub fn insufficient_scope(scope: &str, detail: &str) -> Self {
        Problem {
            challenge: Some(format!(
                r#"Bearer realm="gatehouse", error="insufficient_scope", scope="{scope}""#
            )),
            ..Problem::new(StatusCode::FORBIDDEN, detail)
        }
    }

    /// For a validation error of the domain, the field it concerns; other errors pass unchanged.
    pub fn at(field: &'static str) -> impl Fn(Error) -> Problem {
        move |error| match error {
            Error::Invalid(detail) => {
                // Domain messages may already name the field ("email: …").
                let detail = detail
                    .strip_prefix(&format!("{field}: "))
                    .map(str::to_string)
                    .unwrap_or(detail);
                Problem::field(field, detail)
            }
            other => other.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        if let Error::Internal(detail) = &error {
            tracing::error!(%detail, "internal error");
        }
        let retry_after = match &error {
            Error::Unavailable(_) => Some(RETRY_AFTER_UNAVAILABLE_SECS),
            Error::TooManyAttempts { retry_after_secs } | Error::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let mut problem = Problem::new(status_of(&error), error.to_string());
        problem.retry_after = retry_after;
        if let Error::Invalid(detail) = &error
            && let Some((field, rest)) = detail.split_once(": ")
            && !field.is_empty()
            && field.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            problem.errors.push(FieldError {
                field: field.to_string(),
                detail: rest.to_string(),
            });
        }
        problem
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = ProblemBody {
            kind: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        };
        let mut response = HttpResponse::build(self.status);
        response.content_type("application/problem+json");
        if let Some(challenge) = &self.challenge {
            response.insert_header((WWW_AUTHENTICATE, challenge.clone()));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header((RETRY_AFTER, seconds));
        }
        response.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

/// A body that is not JSON, or not the JSON this resource takes: 400, naming the member at fault where serde says
/// which (`path` is serde_path_to_error's, `.` for the body itself).
pub fn unusable_json(path: &str, error: &serde_json::Error) -> Problem {
    let message = error.to_string();
    let at = |field: &str| {
        if path == "." {
            field.to_string()
        } else {
            format!("{path}.{field}")
        }
    };
    if let Some(field) = unknown_field(&message) {
        // The path already ends at the unknown member.
        let field = if path == "." { field } else { path.to_string() };
        return Problem::field(&field, "unknown field: this resource has no such member");
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        return Problem::field(&at(field), "required");
    }
    if error.is_data() && path != "." {
        // serde's own words, without its position (the field names the place).
        return Problem::field(path, message.split(" at line ").next().unwrap_or_default());
    }
    Problem::bad_request(format!("The JSON body is not usable: {error}"))
}

/// 413: the body, or one member of it, is larger than this resource takes.
pub fn too_large(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, detail)
}

/// serde's "unknown field `x`, expected …" names the member.
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// Malformed query strings: 400.
pub fn query_error(error: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    Problem::bad_request(format!("The query string is not usable: {error}")).into()
}

/// Malformed path segments: 404 (no such resource).
pub fn path_error(_error: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    Problem::not_found("no such resource").into()
}

/// Anything under `/api/v1` that is not a route.
pub async fn not_found() -> HttpResponse {
    Problem::not_found("no such route in the admin API").error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_validation_error_that_names_its_field_is_reported_at_that_field() {
        let problem = Problem::from(Error::invalid("email: not an e-mail address"));
        assert_eq!(problem.status, StatusCode::BAD_REQUEST);
        assert_eq!(problem.errors[0].field, "email");
        let problem = Problem::at("display_name")(Error::invalid("Too long."));
        assert_eq!(problem.errors[0].field, "display_name");
        assert_eq!(problem.errors[0].detail, "Too long.");
        let problem = Problem::from(Error::invalid("A sentence: with a colon"));
        assert!(problem.errors.is_empty());
    }

    #[test]
    fn serde_names_the_unknown_member() {
        assert_eq!(
            unknown_field("unknown field `colour`, expected one of `email`, `phone` at line 1 column 9"),
            Some("colour".into())
        );
        assert_eq!(unknown_field("missing field `email`"), None);
    }
}
