//! The signed-in user's own pages.
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::WebError;
use super::{pages, session};
use crate::app::AppState;
use crate::core::{accounts, enforcement};
use actix_web::http::StatusCode;

pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let target = if session::current(&req, &state).await?.is_some() {
        "/account"
    } else {
        "/login"
    };
    Ok(HttpResponse::SeeOther().insert_header((LOCATION, target)).finish())
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
    ctx.insert(
        "signed_in_at",
        &session.auth_time.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "account/index.html",
        ctx,
    ))
}
