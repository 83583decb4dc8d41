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

/// Adds `Retry-After` where the error says when to come back.
pub fn with_retry_after(mut response: HttpResponse, error: &Error) -> HttpResponse {
    let seconds = match error {
        Error::Unavailable(_) => Some(5),
        Error::TooManyAttempts { retry_after_secs } | Error::Busy { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    if let Some(seconds) = seconds {
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
