//! `/account/apps`: the applications the signed-in user let in (`core::accounts::connected_apps`) — what each
//! may see, in the consent page's words, and since when — with "Revoke" for each (`core::accounts::revoke_app`:
//! the consent and the client's tokens for the user; CSRF-checked, audited with the user as the actor, answered
//! with a notice).
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::core::accounts::{self, ConnectedApp};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::Form;
use crate::http::{csrf, encode, pages, session};
use crate::web::notices::{self, Notice};

const PAGE: &str = "/account/apps";

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: Option<String>,
    client_id: String,
}

/// One application as the template shows it (the scopes worded by `oidc/_scopes.html`).
#[derive(Serialize)]
struct AppRow {
    client_id: String,
    scopes: Vec<String>,
    /// RFC 3339; the template writes them the page's way.
    consented_at: Option<String>,
    last_token_at: Option<String>,
    grants: usize,
    offline: bool,
}

impl From<ConnectedApp> for AppRow {
    fn from(app: ConnectedApp) -> Self {
        AppRow {
            client_id: app.client_id,
            scopes: app.scopes,
            consented_at: app.consented_at.map(|t| t.to_rfc3339()),
            last_token_at: app.last_token_at.map(|t| t.to_rfc3339()),
            grants: app.grants,
            offline: app.offline,
        }
    }
}

fn to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/login?return_to={}", encode(PAGE))))
        .finish()
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let Some((_, user)) = session::current(&req, &state).await? else {
        return Ok(to_login());
    };
    let apps: Vec<AppRow> = accounts::connected_apps(state.store.as_ref(), state.clock.now(), &user)
        .await?
        .into_iter()
        .map(AppRow::from)
        .collect();
    let mut ctx = pages::context();
    ctx.insert("apps", &apps);
    Ok(notices::page(&req, &state, StatusCode::OK, "account/apps.html", ctx))
}

pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<RevokeForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((_, user)) = session::current(&req, &state).await? else {
        return Ok(to_login());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let client_id: String = form.client_id.chars().take(128).collect();
    accounts::revoke_app(state.store.as_ref(), state.clock.now(), &origin, &user, &client_id).await?;
    Ok(notices::redirect(&state, PAGE, Notice::AppRevoked))
}
