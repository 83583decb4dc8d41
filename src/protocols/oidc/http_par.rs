//! `POST /par`, the pushed authorization request endpoint (RFC 9126 §2): a form body (bounded, valid UTF-8, no
//! repeated parameter, as every form), client authentication as at the token endpoint, then `par::push`. Answers
//! are JSON with `Cache-Control: no-store`: `201` with the `request_uri`, or an error as the token endpoint
//! answers one (`invalid_client` 401, `temporarily_unavailable` 503, the verdicts on the request 400). A `DPoP`
//! proof, when sent, is checked as at the token endpoint and binds the request's code to its key.
use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::authorize::AuthorizeParams;
use super::http::{basic_credentials, ctx, token_error};
use super::par::{self, PushError};
use super::tokens::{Presented, TokenError, TokenRequest};
use super::{Provider, issuer};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::session;

/// The body read twice: its client authentication (as the token endpoint reads it) and its authorization
/// parameters. Neither keeps what the other reads, so no secret or assertion is ever stored with the request.
fn split(fields: BTreeMap<String, String>) -> Result<(TokenRequest, AuthorizeParams), TokenError> {
    let value = json!(fields);
    let malformed = |_| TokenError::InvalidRequest("The form could not be read.".into());
    Ok((
        serde_json::from_value(value.clone()).map_err(malformed)?,
        serde_json::from_value(value).map_err(malformed)?,
    ))
}

pub(super) async fn par(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    form: Result<Form<BTreeMap<String, String>>, WebError>,
) -> HttpResponse {
    let Ok(Form(fields)) = form else {
        return token_error(TokenError::InvalidRequest(
            "The request must be a well-formed application/x-www-form-urlencoded body without repeated parameters."
                .into(),
        ));
    };
    let (request, params) = match split(fields) {
        Ok(found) => found,
        Err(e) => return token_error(e),
    };
    let presented = match basic_credentials(&req) {
        Ok(basic) => Presented { basic, dpop: None },
        Err(e) => return token_error(e),
    };
    // A proof at /par binds the code to its key, as `dpop_jkt` does (RFC 9449 §10.1).
    let dpop = match super::http_dpop::token_proof(&req, &state, "/par", "par").await {
        Ok(dpop) => dpop,
        Err(e) => {
            let asked = e == TokenError::UseDpopNonce;
            return super::http_dpop::with_nonce(&req, &state, token_error(e), asked);
        }
    };
    let (iss, origin) = (issuer(&state.config.public_url), session::origin(&req));
    let ctx = ctx(&state, &op, &iss, &origin);
    let pushed = match super::client_auth::authenticate_client(&ctx, &presented, &request).await {
        Ok(client) => par::push(&ctx, &client, params, dpop.as_deref()).await,
        Err(e) => Err(PushError::Token(e)),
    };
    let response = match pushed {
        Ok(body) => HttpResponse::Created()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(body),
        Err(PushError::Token(e)) => token_error(e),
        Err(PushError::Refused { error, description }) => HttpResponse::BadRequest()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(json!({ "error": error, "error_description": description })),
    };
    super::http_dpop::with_nonce(&req, &state, response, false)
}
