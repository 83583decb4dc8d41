//! The session cookie and who is asking: reading the signed-in session, and the audit origin of a request.
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest};

use super::error::WebError;
use crate::core::audit::Origin;
use crate::core::model::{Session, SessionState, User};
use crate::core::policy::RolePolicy;
use crate::core::policy::enforcement::{self, Standing};
use crate::core::signin::sessions::{self, Resolved};
use crate::http::AppState;

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
    in_state(req, state, &[SessionState::Authenticated]).await
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
    let Some(Resolved {
        session,
        user,
        policies,
    }) = found.filter(|r| states.contains(&r.session.state))
    else {
        return Ok(None);
    };
    req.extensions_mut().insert(ReadPolicies {
        user_id: user.id.clone(),
        policies,
    });
    Ok(Some((session, user)))
}

/// The role policies the session was judged on in this request, kept for `standing`.
struct ReadPolicies {
    user_id: String,
    policies: Vec<RolePolicy>,
}

/// The user's standing (`enforcement::Standing`): from the role policies this request's session was judged on
/// (`current`, `in_state`) when there are some, so a page reads them once; read afresh otherwise.
pub async fn standing(req: &HttpRequest, state: &AppState, user: &User) -> Result<Standing, WebError> {
    let (store, now) = (state.store.as_ref(), state.clock.now());
    let read = req
        .extensions_mut()
        .remove::<ReadPolicies>()
        .filter(|read| read.user_id == user.id);
    Ok(match read {
        Some(read) => enforcement::standing_with(store, now, user, read.policies).await?,
        None => enforcement::standing(store, now, user).await?,
    })
}

/// The client's address: the socket peer's, or — only when the peer is one of the configured
/// `trusted_proxies` — the right-most `X-Forwarded-For` entry that is not a trusted proxy (`core::signin::ip_rules`).
pub fn client_ip(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    let Some(state) = req.app_data::<actix_web::web::Data<AppState>>() else {
        return peer;
    };
    if state.config.trusted_proxies.is_empty() {
        return peer;
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    crate::core::signin::ip_rules::client_ip(peer, &forwarded, &state.config.trusted_proxies())
}

/// Where the request came from, for audit events and IP rules (see [`client_ip`]).
pub fn origin(req: &HttpRequest) -> Origin {
    Origin {
        actor: "anonymous".into(),
        ip: client_ip(req).map(|ip| ip.to_string()),
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
