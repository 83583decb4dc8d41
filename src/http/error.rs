//! The one place where domain errors become HTTP statuses and error pages.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use super::pages;
use crate::core::Error;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Core(#[from] Error),
    #[error("{0}")]
    BadRequest(String),
    #[error("This form has expired or did not come from this site. Go back, reload the page and try again.")]
    Csrf,
    #[error("The request is too large.")]
    PayloadTooLarge,
    #[error("Send the form as application/x-www-form-urlencoded.")]
    UnsupportedMediaType,
}

/// The status for a domain error: the one mapping, used by error pages and by pages that re-render a form.
pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Invalid(_) | Error::InvalidLink => StatusCode::BAD_REQUEST,
        Error::InvalidCredentials | Error::WrongCode(_) => StatusCode::UNAUTHORIZED,
        Error::TooManyAttempts { .. } | Error::FactorLocked { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::AccountDisabled | Error::ReauthenticationRequired | Error::NotAllowed(_) => StatusCode::FORBIDDEN,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Unavailable(_) | Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// How long clients are asked to wait while the store is unavailable.
pub const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 5;

/// When to come back, where the error says.
fn retry_after_of(error: &Error) -> Option<u64> {
    match error {
        Error::Unavailable(_) => Some(RETRY_AFTER_UNAVAILABLE_SECS),
        Error::TooManyAttempts { retry_after_secs } | Error::Busy { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    }
}

/// Adds `Retry-After` where the error says when to come back.
pub fn with_retry_after(mut response: HttpResponse, error: &Error) -> HttpResponse {
    if let Some(seconds) = retry_after_of(error) {
        response
            .headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, seconds.into());
    }
    response
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::Core(e) => status_of(e),
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let WebError::Core(Error::Internal(detail)) = self {
            tracing::error!(%detail, "internal error");
        }
        let response = pages::error_page(status, &self.to_string());
        match self {
            WebError::Core(e) => with_retry_after(response, e),
            _ => response,
        }
    }
}

/// An error of a JSON endpoint, answered as an RFC 9457 problem document (`application/problem+json`): `title`
/// (the status's reason), `status`, `detail` (the message a person can read), `Retry-After` where the error says
/// when to come back — from the same mapping as the pages. `error` repeats `detail` for the page scripts, and
/// `reauth` says where to sign in again when a fresh sign-in is what is missing.
#[derive(Debug)]
pub struct JsonError {
    status: StatusCode,
    message: String,
    reauth: bool,
    retry_after: Option<u64>,
}

impl JsonError {
    pub fn new(status: StatusCode, message: &str) -> Self {
        JsonError {
            status,
            message: message.to_string(),
            reauth: false,
            retry_after: None,
        }
    }
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ResponseError for JsonError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut body = serde_json::json!({
            "type": "about:blank", "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(), "detail": self.message, "error": self.message,
        });
        if self.reauth {
            body["reauth"] = "/login?reauth=1&return_to=%2Faccount%2Fsecurity".into();
        }
        let mut response = HttpResponse::build(self.status);
        response.content_type("application/problem+json");
        if let Some(seconds) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds));
        }
        response.body(body.to_string())
    }
}

impl From<Error> for JsonError {
    fn from(e: Error) -> Self {
        if let Error::Internal(detail) = &e {
            tracing::error!(%detail, "internal error");
        }
        JsonError {
            status: status_of(&e),
            // Shown by the page scripts: in the request's language where the catalogue has it.
            message: crate::i18n::describe(&e),
            reauth: matches!(e, Error::ReauthenticationRequired),
            retry_after: retry_after_of(&e),
        }
    }
}

impl From<WebError> for JsonError {
    fn from(e: WebError) -> Self {
        match e {
            WebError::Core(e) => e.into(),
            other => JsonError::new(other.status_code(), &crate::i18n::core_text(&other.to_string())),
        }
    }
}
