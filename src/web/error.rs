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

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::Core(e) => match e {
                Error::Invalid(_) | Error::InvalidLink => StatusCode::BAD_REQUEST,
                Error::InvalidCredentials => StatusCode::UNAUTHORIZED,
                Error::AccountDisabled => StatusCode::FORBIDDEN,
                Error::NotFound(_) => StatusCode::NOT_FOUND,
                Error::Conflict(_) => StatusCode::CONFLICT,
                Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
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
        let mut response = pages::error_page(status, &self.to_string());
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("5"),
            );
        }
        response
    }
}
