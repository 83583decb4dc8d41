//! The signed-in user's own pages.
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::core::factors::enrolment;
use crate::core::model::Session;
use crate::core::{accounts, policy::enforcement};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::{pages, session};
use crate::web::notices;
use actix_web::http::StatusCode;

pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let target = if session::current(&req, &state).await?.is_some() {
        "/account"
    } else {
        "/login"
    };
    Ok(HttpResponse::SeeOther().insert_header((LOCATION, target)).finish())
}

/// After a sign-in with a recovery code: how many codes are left, for the notice that guides a user who lost a
/// factor to replace it (`None`: the session used no recovery code).
pub(super) async fn recovery_sign_in(state: &AppState, session: &Session) -> Result<Option<u64>, WebError> {
    if !enrolment::signed_in_with_recovery_code(session) {
        return Ok(None);
    }
    Ok(Some(state.store.remaining_recovery_codes(&session.user_id).await?))
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let Some((session, user)) = session::current(&req, &state).await? else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, "/login?return_to=/account"))
            .finish());
    };
    let summary = accounts::summary(state.store.as_ref(), &user).await?;
    let (requirement, plan) = enforcement::plan_for(state.store.as_ref(), state.clock.now(), &user).await?;
    let mut ctx = pages::context();
    ctx.insert("account", &summary);
    ctx.insert("reminder", &enforcement::reminder(&requirement, &plan));
    ctx.insert("devices", &super::devices::rows(&req, &state, &user).await?);
    ctx.insert("recovery_sign_in", &recovery_sign_in(&state, &session).await?);
    ctx.insert(
        "signed_in_at",
        &session.auth_time.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    Ok(notices::page(&req, &state, StatusCode::OK, "account/index.html", ctx))
}
