//! JSON endpoints behind the WebAuthn buttons (`static/webauthn.js`): registration on the security page, the
//! second step of sign-in, and passwordless sign-in. Every request carries the page's CSRF token.
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::core::Error;
use crate::core::factors::{FactorKind, webauthn};
use crate::core::model::{Session, SessionState, User};
use crate::core::signin::flow;
use crate::core::signin::flow::Step;
use crate::core::signin::{passkey, sessions};
use crate::http::AppState;
use crate::http::error::JsonError;
use crate::http::{csrf, session};
use crate::i18n::{t, t_args};
use crate::web::notices;

const PASSKEY_COOKIE: &str = "gatehouse_passkey";

#[derive(Deserialize)]
pub struct OptionsRequest {
    csrf: Option<String>,
}

#[derive(Deserialize)]
pub struct CredentialRequest {
    csrf: Option<String>,
    credential: Value,
    name: Option<String>,
    return_to: Option<String>,
    /// Second step only: "trust this browser" was ticked.
    #[serde(default)]
    trust: bool,
}

/// A JSON body: `application/json`, within the body limit, well-formed (serde_json bounds nesting depth).
pub(super) fn body<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<T, JsonError> {
    let json_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
    if !json_type {
        return Err(JsonError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &t("login-webauthn-send-json"),
        ));
    }
    serde_json::from_slice(bytes).map_err(|_| JsonError::new(StatusCode::BAD_REQUEST, &t("login-webauthn-malformed")))
}

pub(super) fn rp(state: &AppState) -> Result<&webauthn_rs::prelude::Webauthn, JsonError> {
    state.webauthn.as_deref().ok_or_else(|| {
        let product = crate::http::brand::current().name.clone();
        JsonError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            &t_args("login-webauthn-needs-domain", &[("product", product.into())]),
        )
    })
}

type Answer = Result<HttpResponse, JsonError>;

fn redirect_with_session(state: &AppState, token: &str, target: String) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(session::session_cookie(state, token))
        .json(json!({ "redirect": target }))
}

async fn security_session(req: &HttpRequest, state: &AppState) -> Result<(Session, User), JsonError> {
    session::in_state(
        req,
        state,
        &[SessionState::Authenticated, SessionState::PendingEnrolment],
    )
    .await?
    .ok_or_else(|| JsonError::new(StatusCode::UNAUTHORIZED, &t("login-webauthn-sign-in-first")))
}

/// A sign-in waiting for its second factor, or a signed-in session stepping up.
async fn pending_session(req: &HttpRequest, state: &AppState) -> Result<(Session, User), JsonError> {
    session::in_state(
        req,
        state,
        &[SessionState::PendingSecondFactor, SessionState::Authenticated],
    )
    .await?
    .ok_or_else(|| {
        JsonError::new(
            StatusCode::UNAUTHORIZED,
            &crate::i18n::core_text("There is no sign-in waiting for a second factor."),
        )
    })
}

pub async fn register_options(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> Answer {
    let request: OptionsRequest = body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = rp(&state)?;
    let (session, user) = security_session(&req, &state).await?;
    let options = webauthn::start_registration(
        rp,
        &state.attestation,
        state.store.as_ref(),
        state.clock.now(),
        &session,
        &user,
    )
    .await?;
    Ok(HttpResponse::Ok().json(options))
}

pub async fn register(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> Answer {
    let request: CredentialRequest = body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = rp(&state)?;
    let (session, user) = security_session(&req, &state).await?;
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let core = state.core(&origin);
    let name = request.name.unwrap_or_default();
    webauthn::finish_registration(
        rp,
        &state.attestation,
        &core,
        &session,
        &user,
        &request.credential,
        &name,
    )
    .await?;
    let had_to_enrol = session.state == SessionState::PendingEnrolment;
    let (target, added) = super::security::after_adding(
        &state,
        &user,
        FactorKind::WebAuthn,
        had_to_enrol,
        request.return_to.as_deref(),
    )
    .await?;
    // A user who had to enrol is signed in by the registration itself (it required user verification).
    if had_to_enrol {
        let amr = vec![
            "pwd".into(),
            FactorKind::WebAuthn.amr().into(),
            "user".into(),
            "mfa".into(),
        ];
        if let Some((token, _)) =
            sessions::promote(core.store, core.now, core.limits, &session, Step::Enrolled, amr, false).await?
        {
            let mut response = redirect_with_session(&state, &token, target);
            notices::flash(&mut response, &state, added);
            return Ok(response);
        }
    }
    let mut response = HttpResponse::Ok().json(json!({ "redirect": target }));
    notices::flash(&mut response, &state, added);
    Ok(response)
}

pub async fn second_factor_options(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> Answer {
    let request: OptionsRequest = body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = rp(&state)?;
    let (pending, user) = pending_session(&req, &state).await?;
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let standing = session::standing(&req, &state, &user).await?;
    let options = passkey::start_second_factor(rp, &state.core(&origin), &standing, &pending, &user).await?;
    Ok(HttpResponse::Ok().json(options))
}

pub async fn second_factor(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> Answer {
    let request: CredentialRequest = body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = rp(&state)?;
    let (pending, user) = pending_session(&req, &state).await?;
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let standing = session::standing(&req, &state, &user).await?;
    let signed_in = passkey::finish_second_factor(
        rp,
        &state.core(&origin),
        &standing,
        &pending,
        &user,
        &request.credential,
    )
    .await?;
    crate::http::locale::remember_sign_in(&state, &signed_in).await;
    let target = flow::next_url(signed_in.session.state, request.return_to.as_deref());
    let mut response = redirect_with_session(&state, &signed_in.token, target);
    if request.trust
        && let Some(cookie) =
            super::devices::trust_after_second_factor(&req, &state, &origin, &user, signed_in.session.state).await?
    {
        response
            .add_cookie(&cookie)
            .map_err(|e| JsonError::from(Error::Internal(e.to_string())))?;
    }
    Ok(response)
}

fn passkey_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let mut cookie = Cookie::build(PASSKEY_COOKIE, value)
        .path("/login")
        .http_only(true)
        .secure(state.config.is_https())
        .same_site(SameSite::Strict)
        .finish();
    cookie.set_max_age(actix_web::cookie::time::Duration::minutes(5));
    cookie
}

pub async fn passwordless_options(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> Answer {
    let request: OptionsRequest = body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = rp(&state)?;
    let (token, options) = webauthn::start_passwordless(rp, state.store.as_ref(), state.clock.now()).await?;
    Ok(HttpResponse::Ok().cookie(passkey_cookie(&state, token)).json(options))
}

pub async fn passwordless(req: HttpRequest, state: web::Data<AppState>, bytes: web::Bytes) -> Answer {
    let request: CredentialRequest = body(&req, &bytes)?;
    csrf::verify(&req, &state, request.csrf.as_deref())?;
    let rp = rp(&state)?;
    let cookie = req
        .cookie(PASSKEY_COOKIE)
        .ok_or_else(|| JsonError::new(StatusCode::BAD_REQUEST, &t("login-webauthn-start-again")))?;
    let origin = session::origin(&req);
    let core = state.core(&origin);
    // Global IP rules before any credential is looked at (the roles' rules follow once the user is known).
    let global = state.config.ip_rules();
    crate::core::signin::login::enforce_ip(core.store, core.now, &origin, None, "global", [&global]).await?;
    let signed_in = passkey::finish_passwordless(rp, &core, cookie.value(), &request.credential).await?;
    crate::http::locale::remember_sign_in(&state, &signed_in).await;
    let token = session::token(&req, &state);
    sessions::end_previous(core.store, core.now, core.limits, token.as_deref()).await?;
    let target = flow::next_url(signed_in.session.state, request.return_to.as_deref());
    let mut response = redirect_with_session(&state, &signed_in.token, target);
    let mut gone = passkey_cookie(&state, String::new());
    gone.make_removal();
    let _ = response.add_cookie(&gone);
    Ok(response)
}
