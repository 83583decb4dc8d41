//! Logout endpoints: `/end_session` (RP-initiated logout, GET or POST) and its confirmation; and `BackChannel`,
//! the provider's step in the sign-out fan-out (`http::signout`). Rules are in `logout`.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use async_trait::async_trait;
use std::sync::Arc;

use super::authorize::sid;
use super::http::ctx;
use super::logout::{self, EndSessionParams};
use super::{Provider, issuer};
use crate::core::audit::Origin;
use crate::core::model::{Session, User};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::{Form, Params};
use crate::http::signout::{self, SignOutStep};
use crate::http::{csrf, pages, session};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/end_session", web::get().to(end_session))
        .route("/end_session", web::post().to(end_session))
        .route("/end_session/confirm", web::post().to(confirm));
}

/// The OpenID Provider's part when a browser session ends: every relying party the session signed in to hears
/// of it by back-channel logout.
pub struct BackChannel(pub Arc<Provider>);

#[async_trait(?Send)]
impl SignOutStep for BackChannel {
    async fn ended(&self, state: &AppState, origin: &Origin, session: &Session) -> Result<(), WebError> {
        let iss = issuer(&state.config.public_url);
        logout::notify_backchannel(&ctx(state, &self.0, &iss, origin), &sid(session)).await?;
        Ok(())
    }
}

async fn checked(
    req: &HttpRequest,
    state: &AppState,
    op: &Provider,
    params: &EndSessionParams,
) -> Result<Result<logout::EndSession, HttpResponse>, WebError> {
    let iss = issuer(&state.config.public_url);
    let origin = session::origin(req);
    Ok(logout::check(&ctx(state, op, &iss, &origin), params)
        .await?
        .map_err(|message| pages::error_page(StatusCode::BAD_REQUEST, &message.shown())))
}

/// Where the user lands once signed out: the validated `post_logout_redirect_uri`, or our own page.
fn finish(state: &AppState, redirect: Option<String>) -> HttpResponse {
    let cookie = session::clear_session_cookie(state);
    match redirect {
        Some(location) => HttpResponse::SeeOther()
            .insert_header((LOCATION, location))
            .cookie(cookie)
            .finish(),
        None => {
            let mut builder = HttpResponse::Ok();
            builder.cookie(cookie);
            pages::render(builder, "oidc/signed_out.html", &pages::context())
        }
    }
}

/// After the session ended: the browser's hops out of other parties first (SAML front-channel, ending where
/// `finish` would), else `finish`.
async fn signed_out(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &User,
    redirect: Option<String>,
) -> Result<HttpResponse, WebError> {
    if let Some(hop) = signout::browser_hop(req, state, session, user, redirect.clone()).await? {
        return Ok(hop);
    }
    Ok(finish(state, redirect))
}

/// `/end_session` (GET or POST).
async fn end_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    Params(params): Params<EndSessionParams>,
) -> Result<HttpResponse, WebError> {
    let request = match checked(&req, &state, &op, &params).await? {
        Ok(request) => request,
        Err(page) => return Ok(page),
    };
    let Some((current, user)) = session::current(&req, &state).await? else {
        return Ok(finish(&state, request.redirect));
    };
    // An ID token this session's sign-in produced proves the relying party speaks for this browser.
    let hint_matches = request
        .hint
        .as_ref()
        .is_some_and(|(hint_sid, sub)| *sub == user.id && hint_sid.as_deref().is_none_or(|s| s == sid(&current)));
    if hint_matches {
        signout::end(&req, &state, &current, &user).await?;
        return signed_out(&req, &state, &current, &user, request.redirect).await;
    }
    let mut ctx = pages::context();
    ctx.insert("params", &params);
    Ok(pages::with_csrf(&req, &state, StatusCode::OK, "oidc/logout.html", ctx))
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf: Option<String>,
    decision: String,
    #[serde(flatten)]
    params: EndSessionParams,
}

async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<Provider>,
    Form(form): Form<ConfirmForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let request = match checked(&req, &state, &op, &form.params).await? {
        Ok(request) => request,
        Err(page) => return Ok(page),
    };
    if form.decision != "sign_out" {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/account")).finish());
    }
    if let Some((current, user)) = session::current(&req, &state).await? {
        signout::end(&req, &state, &current, &user).await?;
        return signed_out(&req, &state, &current, &user, request.redirect).await;
    }
    Ok(finish(&state, request.redirect))
}
