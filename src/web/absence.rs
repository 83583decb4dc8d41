//! "Away" on the account page: a person marks themselves away (with a delegate and an end, both optional) or back,
//! so the factor resets they would approve go to their delegate or up the chain of managers meanwhile. The rules and
//! the audit events are `core::accounts::absence`'s, as for the CLI and the admin API; a refusal brings the form
//! back with its words and what was typed, and stores nothing.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::notices::{self, Notice};
use crate::core::Error;
use crate::core::accounts::absence;
use crate::core::model::User;
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::{csrf, session};

const BACK: &str = "/account";

#[derive(Deserialize)]
pub struct AwayForm {
    csrf: Option<String>,
    delegate: Option<String>,
    until: Option<String>,
}

#[derive(Deserialize)]
pub struct BackForm {
    csrf: Option<String>,
}

/// The user's absence as the account page shows it: until when (RFC 3339 for the `datetime` filter; `null`:
/// until cleared) and the delegate by name; `None` when they are not away.
pub(super) async fn shown(state: &AppState, user: &User) -> Result<Option<Value>, WebError> {
    let store = state.store.as_ref();
    let Some(a) = absence::absence(store, state.clock.now(), user).await? else {
        return Ok(None);
    };
    let delegate = match &a.delegate_id {
        Some(id) => store
            .user_by_id(id)
            .await?
            .map(|d| format!("{} ({})", d.display_name, d.username)),
        None => None,
    };
    Ok(Some(
        json!({ "until": a.until.map(|u| u.to_rfc3339()), "delegate": delegate }),
    ))
}

fn to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, "/login?return_to=/account"))
        .finish()
}

pub async fn away(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<AwayForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((session, user)) = session::current(&req, &state).await? else {
        return Ok(to_login());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let (store, now) = (state.store.as_ref(), state.clock.now());
    let typed = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let (delegate, until) = (typed(&form.delegate), typed(&form.until));
    let set = match until.as_deref().map(|u| absence::parse_until(u, now)).transpose() {
        Ok(end) => absence::set_away(store, now, &origin, &user, delegate.as_deref(), end)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match set {
        Ok(()) => Ok(notices::redirect(&state, BACK, Notice::AwaySet)),
        Err(e @ Error::Invalid(_)) => {
            // What was typed comes back (bounded), with the refusal in the page's language.
            let bounded = |t: Option<String>| t.map(|t| crate::core::model::truncate(&t, 64));
            let form = json!({
                "error": crate::i18n::describe(&e), "delegate": bounded(delegate), "until": bounded(until),
            });
            super::account::render(&req, &state, (&session, &user), StatusCode::BAD_REQUEST, Some(form)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn back(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<BackForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((_, user)) = session::current(&req, &state).await? else {
        return Ok(to_login());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    absence::clear_away(state.store.as_ref(), state.clock.now(), &origin, &user).await?;
    Ok(notices::redirect(&state, BACK, Notice::AwayCleared))
}
