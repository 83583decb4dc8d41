//! The account page's trusted browsers: the list (shown by `account::show`) and revoking one or all. Both
//! changes are CSRF-checked and audited; neither needs a fresh sign-in (removing trust only ever asks for more).
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::core::model::User;
use crate::core::secrets::token_digest;
use crate::core::{policy::enforcement, signin::trusted_devices};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::{csrf, session};
use crate::web::notices::{self, Notice};

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: Option<String>,
    device_id: String,
}

#[derive(Deserialize)]
pub struct RevokeAllForm {
    csrf: Option<String>,
}

/// One row of the list as the template shows it.
#[derive(Serialize)]
pub struct DeviceRow {
    id: String,
    browser: String,
    /// RFC 3339; the template writes them the page's way.
    first_seen: String,
    last_seen: String,
    expires: String,
    /// The browser showing the page.
    current: bool,
}

/// A browser summary (`Firefox on Linux`, `Unknown browser`) in the page's language: browser and system names
/// stay as they are, the words around them are translated.
pub(crate) fn browser_words(summary: &str) -> String {
    match summary.split_once(" on ") {
        Some((browser, os)) => crate::i18n::t_args(
            "account-browser-on",
            &[("browser", crate::i18n::core_text(browser).into()), ("os", os.into())],
        ),
        None => crate::i18n::core_text(summary),
    }
}

/// The user's live trusted browsers, as rows for the account page.
/// The user's trusted browsers, under the `days` their policy trusts a browser for.
pub async fn rows(req: &HttpRequest, state: &AppState, user: &User, days: u32) -> Result<Vec<DeviceRow>, WebError> {
    let store = state.store.as_ref();
    let now = state.clock.now();
    let mine = session::device_token(req, state).map(|t| token_digest(&t));
    Ok(trusted_devices::list(store, now, user, days)
        .await?
        .into_iter()
        .map(|d| DeviceRow {
            browser: browser_words(&d.browser()),
            first_seen: d.created_at.to_rfc3339(),
            last_seen: d.last_seen_at.to_rfc3339(),
            expires: d.expires_at.to_rfc3339(),
            current: mine.as_deref() == Some(d.browser_hash.as_str()),
            id: d.id,
        })
        .collect())
}

/// After a completed second step on which "trust this browser" was ticked: the device cookie to set, if the
/// sign-in gives full access and the user's policy allows trusted devices (the core audits either way).
pub async fn trust_after_second_factor(
    req: &HttpRequest,
    state: &AppState,
    origin: &crate::core::audit::Origin,
    user: &User,
    session_state: crate::core::model::SessionState,
) -> Result<Option<actix_web::cookie::Cookie<'static>>, WebError> {
    if session_state != crate::core::model::SessionState::Authenticated {
        return Ok(None);
    }
    let store = state.store.as_ref();
    let now = state.clock.now();
    let requirement = enforcement::requirement_for(store, now, user).await?;
    let existing = session::device_token(req, state);
    Ok(
        trusted_devices::trust(store, now, origin, user, &requirement, existing.as_deref())
            .await?
            .map(|cookie| session::device_cookie(state, &cookie)),
    )
}

const BACK: &str = "/account#trusted-browsers";

pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<RevokeForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((_, user)) = session::current(&req, &state).await? else {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let id: String = form.device_id.chars().take(64).collect();
    trusted_devices::revoke(state.store.as_ref(), state.clock.now(), &origin, &user, &id).await?;
    Ok(notices::redirect(&state, BACK, Notice::DeviceRevoked))
}

pub async fn revoke_all(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<RevokeAllForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((_, user)) = session::current(&req, &state).await? else {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let count = trusted_devices::revoke_all(state.store.as_ref(), state.clock.now(), &origin, &user.id, "user").await?;
    Ok(notices::redirect(
        &state,
        BACK,
        Notice::DevicesRevoked {
            count: notices::count(count),
        },
    ))
}
