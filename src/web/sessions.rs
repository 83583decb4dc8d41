//! `/account/sessions`: the signed-in user's own browser sessions — where and how each signed in, when it was last
//! seen, the one in use marked — with "End" for each other one and "End all other sessions". Through the same core
//! as the admin API and the CLI (`core::accounts::sessions`, `end_session`), audited with the user as the actor;
//! each change is CSRF-checked and answered with a notice. The session in use is ended by signing out, not here.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::core::accounts::{self, SessionInfo};
use crate::core::audit::Origin;
use crate::core::model::{Session, User};
use crate::core::signin::sessions::sid;
use crate::core::signin::trusted_devices::device::browser_summary;
use crate::core::{Error, policy::assurance};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::{csrf, encode, pages, session};
use crate::web::notices::{self, Notice};

const PAGE: &str = "/account/sessions";

#[derive(Deserialize)]
pub struct EndForm {
    csrf: Option<String>,
    session: String,
}

#[derive(Deserialize)]
pub struct EndOthersForm {
    csrf: Option<String>,
}

/// One row of the list as the template shows it; the template words the methods and the level.
#[derive(Serialize)]
struct SessionRow {
    id: String,
    browser: String,
    ip: Option<String>,
    /// RFC 3339; the template writes them the page's way.
    signed_in: String,
    last_seen: String,
    #[serde(skip)]
    last_seen_at: chrono::DateTime<chrono::Utc>,
    /// `authenticated`, or a sign-in still waiting for its second step or enrolment.
    state: &'static str,
    /// The methods used (RFC 8176 values: `pwd`, `otp`, `sms`, `hwk`, `swk`, `rc`, `device`), in order.
    methods: Vec<String>,
    /// `password`, `mfa` or `phishing_resistant`.
    level: &'static str,
    /// The browser showing the page.
    current: bool,
}

fn level_of(acr: &str) -> &'static str {
    match acr {
        assurance::PHISHING_RESISTANT => "phishing_resistant",
        assurance::MULTI_FACTOR => "mfa",
        _ => "password",
    }
}

fn row(info: SessionInfo, current: &str) -> SessionRow {
    SessionRow {
        browser: super::devices::browser_words(&browser_summary(info.user_agent.as_deref().unwrap_or(""))),
        ip: info.ip,
        signed_in: info.created_at.to_rfc3339(),
        last_seen: info.last_seen_at.to_rfc3339(),
        last_seen_at: info.last_seen_at,
        state: info.state,
        // `mfa` and `user` (verified with a PIN or biometrics) add nothing a reader needs beside the methods.
        methods: info.amr.into_iter().filter(|m| m != "mfa" && m != "user").collect(),
        level: level_of(info.acr),
        current: info.id == current,
        id: info.id,
    }
}

fn to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/login?return_to={}", encode(PAGE))))
        .finish()
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session::current(&req, &state).await? else {
        return Ok(to_login());
    };
    let current = sid(&session);
    let mut rows: Vec<SessionRow> = accounts::sessions(state.store.as_ref(), state.clock.now(), state.limits, &user)
        .await?
        .into_iter()
        .map(|info| row(info, &current))
        .collect();
    // The one in use first, then the most recently seen.
    rows.sort_by(|a, b| b.current.cmp(&a.current).then(b.last_seen_at.cmp(&a.last_seen_at)));
    let mut ctx = pages::context();
    ctx.insert("others", &rows.iter().filter(|r| !r.current).count());
    ctx.insert("sessions", &rows);
    Ok(notices::page(
        &req,
        &state,
        StatusCode::OK,
        "account/sessions.html",
        ctx,
    ))
}

/// For a change: the CSRF token checked, then the signed-in session, its user and the audit origin naming them.
async fn acting(
    req: &HttpRequest,
    state: &AppState,
    csrf_token: Option<&str>,
) -> Result<Option<(Session, User, Origin)>, WebError> {
    csrf::verify(req, state, csrf_token)?;
    Ok(session::current(req, state).await?.map(|(session, user)| {
        let origin = session::origin(req).with_actor(format!("user:{}", user.id));
        (session, user, origin)
    }))
}

pub async fn end(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<EndForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting(&req, &state, form.csrf.as_deref()).await? else {
        return Ok(to_login());
    };
    let wanted: String = form.session.trim().chars().take(64).collect();
    if wanted == sid(&session) {
        return Err(Error::invalid(crate::i18n::t("account-sessions-this-one")).into());
    }
    accounts::end_session(state.store.as_ref(), state.clock.now(), &origin, &user, &wanted).await?;
    Ok(notices::redirect(&state, PAGE, Notice::SessionEnded))
}

pub async fn end_others(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<EndOthersForm>,
) -> Result<HttpResponse, WebError> {
    let Some((session, user, origin)) = acting(&req, &state, form.csrf.as_deref()).await? else {
        return Ok(to_login());
    };
    let ended = accounts::end_other_sessions(state.store.as_ref(), state.clock.now(), &origin, &user, &session).await?;
    Ok(notices::redirect(
        &state,
        PAGE,
        Notice::OtherSessionsEnded {
            count: notices::count(ended),
        },
    ))
}
