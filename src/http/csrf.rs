//! CSRF protection for every state-changing form: a random per-browser cookie, and in each form an HMAC
//! of that cookie bound to the current session. A forged cross-site post has neither; a token from
//! before sign-in stops working after it. Browsers that send `Origin` must send ours.
use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::WebError;
use super::session;
use crate::core::secrets::{constant_time_eq, hmac, random_token};
use crate::http::AppState;

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.is_https() {
        "__Host-gatehouse_csrf"
    } else {
        "gatehouse_csrf"
    }
}

fn expected(state: &AppState, req: &HttpRequest, cookie_value: &str) -> String {
    let binding = session::token(req, state).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(hmac(&state.keys.csrf, &[cookie_value.as_bytes(), binding.as_bytes()]))
}

fn cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(state), value)
        .path("/")
        .http_only(true)
        .secure(state.config.is_https())
        .same_site(SameSite::Strict)
        .finish()
}

/// The token to embed in a form, and the cookie to set when the browser has none yet.
pub fn issue(req: &HttpRequest, state: &AppState) -> (String, Option<Cookie<'static>>) {
    match req.cookie(cookie_name(state)) {
        Some(c) if c.value().len() == 43 => (expected(state, req, c.value()), None),
        _ => {
            let value = random_token();
            let token = expected(state, req, &value);
            (token, Some(cookie(state, value)))
        }
    }
}

pub fn verify(req: &HttpRequest, state: &AppState, submitted: Option<&str>) -> Result<(), WebError> {
    if let Some(origin) = req.headers().get(actix_web::http::header::ORIGIN) {
        let ours = state.config.public_url.origin().ascii_serialization();
        if origin.as_bytes() != ours.as_bytes() {
            return Err(WebError::Csrf);
        }
    }
    let cookie = req.cookie(cookie_name(state)).ok_or(WebError::Csrf)?;
    let submitted = submitted.ok_or(WebError::Csrf)?;
    if constant_time_eq(expected(state, req, cookie.value()).as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}
