//! The session cookie and who is asking: reading the signed-in session, and the audit origin of a request.
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest};

use super::error::WebError;
use crate::app::AppState;
use crate::core::audit::Origin;
use crate::core::model::{Session, SessionState, User};
use crate::core::sessions;

pub fn cookie_name(state: &AppState) -> &'static str {
    // The __Host- prefix pins the cookie to this host, path / and https.
    if state.config.is_https() {
        "__Host-gatehouse_session"
    } else {
        "gatehouse_session"
    }
}

pub fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(cookie_name(state), token.to_string())
        .path("/")
        .http_only(true)
        .secure(state.config.is_https())
        .same_site(SameSite::Lax)
        .finish()
}

pub fn clear_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, "");
    cookie.make_removal();
    cookie
}

/// The per-browser trusted-device cookie: a random 256-bit value (its digest keys the server-side trust
/// records of every account trusted in this browser). Long-lived; the records carry the real expiry.
pub fn device_cookie_name(state: &AppState) -> &'static str {
    if state.config.is_https() {
        "__Host-gatehouse_device"
    } else {
        "gatehouse_device"
    }
}

/// About 400 days, the longest lifetime browsers keep a cookie.
const DEVICE_COOKIE_DAYS: i64 = 400;

pub fn device_cookie(state: &AppState, value: &str) -> Cookie<'static> {
    Cookie::build(device_cookie_name(state), value.to_string())
        .path("/")
        .http_only(true)
        .secure(state.config.is_https())
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(DEVICE_COOKIE_DAYS))
        .finish()
}

pub fn device_token(req: &HttpRequest, state: &AppState) -> Option<String> {
    req.cookie(device_cookie_name(state)).map(|c| c.value().to_string())
}

pub fn token(req: &HttpRequest, state: &AppState) -> Option<String> {
    req.cookie(cookie_name(state)).map(|c| c.value().to_string())
}

/// The signed-in session and its user, if the request carries a live one.
pub async fn current(req: &HttpRequest, state: &AppState) -> Result<Option<(Session, User)>, WebError> {
    let Some(token) = token(req, state) else {
        return Ok(None);
    };
    Ok(sessions::resolve(state.store.as_ref(), state.clock.now(), state.limits, &token).await?)
}

/// The session behind the cookie if it is in one of `states` (e.g. waiting for a second factor).
pub async fn in_state(
    req: &HttpRequest,
    state: &AppState,
    states: &[SessionState],
) -> Result<Option<(Session, User)>, WebError> {
    let Some(token) = token(req, state) else {
        return Ok(None);
    };
    let found = sessions::resolve_any(state.store.as_ref(), state.clock.now(), state.limits, &token).await?;
    Ok(found.filter(|(session, _)| states.contains(&session.state)))
}

/// Where the request came from, for audit events. The address is the socket peer's: forwarded headers
/// are not trusted until a trusted-proxy list exists.
pub fn origin(req: &HttpRequest) -> Origin {
    Origin {
        actor: "anonymous".into(),
        ip: req.peer_addr().map(|a| a.ip().to_string()),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        request_id: req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string()),
    }
}
