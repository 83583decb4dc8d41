//! "Forgot password" and the single-use link that sets a new one (also used for the first administrator).
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::core::Error;
use crate::core::factors::password::links as password_links;
use crate::core::model::{TokenPurpose, User};
use crate::core::{policy::enforcement, signin::trusted_devices};
use crate::http::AppState;
use crate::http::error::WebError;
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};

#[derive(Deserialize)]
pub struct ForgotForm {
    csrf: Option<String>,
    identifier: String,
}

#[derive(Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: Option<String>,
    token: String,
    password: String,
    password_confirm: String,
}

pub async fn forgot_form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    pages::with_csrf(&req, &state, StatusCode::OK, "password/forgot.html", pages::context())
}

/// Answers the same page at once whether or not the account exists; the look-up and the mail happen
/// afterwards, so neither the answer nor its timing tells anything.
pub async fn forgot_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<ForgotForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let identifier: String = form.identifier.chars().take(254).collect();
    if !identifier.trim().is_empty() {
        let origin = session::origin(&req);
        let state = state.clone();
        // The mail speaks the request's language (unless the account has one): the task keeps it.
        let lang = crate::i18n::current();
        tokio::spawn(crate::i18n::scope(lang, async move {
            let now = state.clock.now();
            let result = password_links::request(
                state.store.as_ref(),
                state.notifier.as_ref(),
                now,
                &origin,
                &state.links,
                &identifier,
            )
            .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "password reset request failed");
            }
        }));
    }
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "password/forgot_sent.html",
        pages::context(),
    ))
}

fn reset_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    token: &str,
    purpose: TokenPurpose,
    username: &str,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("token", token);
    ctx.insert(
        "setup",
        &matches!(purpose, TokenPurpose::InitialSetup | TokenPurpose::Invitation),
    );
    ctx.insert("username", username);
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "password/reset.html", ctx)
}

pub async fn reset_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<HttpResponse, WebError> {
    let token = query.token.as_deref().unwrap_or_default();
    let (purpose, user) = password_links::check(state.store.as_ref(), state.clock.now(), token).await?;
    Ok(reset_page(
        &req,
        &state,
        StatusCode::OK,
        token,
        purpose,
        &user.username,
        None,
    ))
}

pub async fn reset_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<ResetForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let origin = session::origin(&req);
    let now = state.clock.now();
    // What the link was for, read before it is used up: the first administrator's password is set, not changed.
    // And the trusted browsers the change is about to revoke, for the answer to say so.
    let checked = password_links::check(state.store.as_ref(), now, &form.token).await.ok();
    let setup = checked
        .as_ref()
        .is_some_and(|(purpose, _)| matches!(purpose, TokenPurpose::InitialSetup | TokenPurpose::Invitation));
    let trusted = match &checked {
        Some((_, user)) => live_trusted_browsers(&state, user).await?,
        None => 0,
    };
    match password_links::complete(
        state.store.as_ref(),
        &state.passwords,
        now,
        &origin,
        &form.token,
        &form.password,
        &form.password_confirm,
    )
    .await
    {
        Ok(user) => {
            let mut ctx = pages::context();
            ctx.insert("username", &user.username);
            ctx.insert("setup", &setup);
            // A password change revokes every trusted browser; the one-time answer says how many and why.
            if trusted > 0 {
                let text = crate::i18n::t_args("password-done-devices-revoked", &[("count", trusted.into())]);
                ctx.insert("notice", &text);
            }
            // Every session of the user has ended, this browser's included.
            let mut builder = HttpResponse::Ok();
            builder.cookie(session::clear_session_cookie(&state));
            Ok(pages::render(builder, "password/reset_done.html", &ctx))
        }
        Err(Error::Invalid(message)) => {
            let (purpose, user) = password_links::check(state.store.as_ref(), now, &form.token).await?;
            Ok(reset_page(
                &req,
                &state,
                StatusCode::BAD_REQUEST,
                &form.token,
                purpose,
                &user.username,
                Some(password_error(&message)),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The user's trusted browsers that still skip the second step (expired ones are not counted as revoked).
async fn live_trusted_browsers(state: &AppState, user: &User) -> Result<usize, WebError> {
    let (store, now) = (state.store.as_ref(), state.clock.now());
    let days = enforcement::requirement_for(store, now, user)
        .await?
        .trusted_device_days;
    Ok(trusted_devices::list(store, now, user, days).await?.len())
}

/// A refused password in the page's language. The strength check adds the estimator's English advice after its
/// first sentence; other languages get the first sentence alone.
fn password_error(message: &str) -> String {
    const TOO_EASY: &str = "This password is too easy to guess.";
    if message.starts_with(TOO_EASY) && crate::i18n::current() != crate::i18n::Lang::En {
        return crate::i18n::core_text(TOO_EASY);
    }
    crate::i18n::core_text(message)
}
