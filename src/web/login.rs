//! `/login` and `/logout`.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::core::Error;
use crate::core::signin::flow::{self, safe_return_to};
use crate::core::signin::{login, sessions};
use crate::http::AppState;
use crate::http::error::{WebError, status_of};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session, signout};
use crate::web::notices::{self, Notice};

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    /// Ask for the password again even though the browser is signed in (before sensitive changes).
    reauth: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: Option<String>,
    username: String,
    password: String,
    return_to: Option<String>,
    /// Set by the reauthentication form: a trusted browser does not skip the second factor then.
    reauth: Option<String>,
    /// Set when that form showed the signed-in username read-only (kept so when the password is wrong).
    confirming: Option<String>,
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: Option<String>,
}

/// What the sign-in form shows besides its fields.
struct LoginPage<'a> {
    /// The username typed so far, or the signed-in user's when confirming it is them.
    username: &'a str,
    return_to: Option<&'a str>,
    /// "Confirm it is you" before a sensitive change: a trusted browser does not skip the factor.
    reauth: bool,
    /// The browser is signed in as `username`: the name is shown read-only and only the password (then a factor)
    /// is asked.
    confirming: bool,
}

fn login_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    page: LoginPage<'_>,
    error: Option<String>,
) -> HttpResponse {
    let mut ctx = pages::context();
    if page.reauth {
        ctx.insert("notice", &crate::i18n::t("login-confirm-prompt"));
    }
    ctx.insert("reauth", &page.reauth);
    ctx.insert("confirming", &(page.confirming && !page.username.is_empty()));
    ctx.insert("username", page.username);
    ctx.insert("return_to", &safe_return_to(page.return_to));
    ctx.insert("error", &error);
    // A notice left by the previous page ("You are signed out") takes the place of the prompt.
    notices::page(req, state, status, "login/password.html", ctx)
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LoginQuery>,
) -> Result<HttpResponse, WebError> {
    let signed_in = session::current(&req, &state).await?;
    if query.reauth.is_none() && signed_in.is_some() {
        let target = safe_return_to(query.return_to.as_deref()).unwrap_or_else(|| "/account".into());
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, target)).finish());
    }
    // Confirming it is you: the browser already proved who it is, so the username is shown, not asked.
    let username = signed_in
        .as_ref()
        .filter(|_| query.reauth.is_some())
        .map(|(_, user)| user.username.clone())
        .unwrap_or_default();
    let page = LoginPage {
        username: &username,
        return_to: query.return_to.as_deref(),
        reauth: query.reauth.is_some(),
        confirming: !username.is_empty(),
    };
    Ok(login_page(&req, &state, StatusCode::OK, page, None))
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let origin = session::origin(&req);
    let shown_name: String = form.username.chars().take(254).collect();
    let outcome = login::password_sign_in(
        &state.core(&origin),
        &state.config.ip_rules(),
        &form.username,
        &form.password,
        // Reauthentication (before changing factors) must prove a factor now, whatever the browser's trust.
        session::device_token(&req, &state)
            .filter(|_| form.reauth.is_none())
            .as_deref(),
    )
    .await;
    let signed_in = match outcome {
        Ok(signed_in) => signed_in,
        Err(e @ (Error::InvalidCredentials | Error::AccountDisabled)) => {
            let page = LoginPage {
                username: &shown_name,
                return_to: form.return_to.as_deref(),
                reauth: form.reauth.is_some(),
                confirming: form.reauth.is_some() && form.confirming.is_some(),
            };
            return Ok(login_page(
                &req,
                &state,
                status_of(&e),
                page,
                Some(crate::i18n::describe(&e)),
            ));
        }
        Err(Error::NotAllowed(message)) => return Ok(ip_denied(&message)),
        Err(other) => return Err(other.into()),
    };
    crate::http::locale::remember_sign_in(&state, &signed_in).await;
    let (token, now) = (session::token(&req, &state), state.clock.now());
    sessions::end_previous(state.store.as_ref(), now, state.limits, token.as_deref()).await?;
    let next = flow::next_url(signed_in.session.state, form.return_to.as_deref());
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, next))
        .cookie(session::session_cookie(&state, &signed_in.token))
        .finish())
}

/// The denial page of a sign-in refused by IP rules (403); the core's message in the page's language.
pub fn ip_denied(message: &str) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("message", &crate::i18n::core_text(message));
    pages::render(HttpResponse::Forbidden(), "login/ip_denied.html", &ctx)
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<LogoutForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    if let Some((session, user)) = session::current(&req, &state).await? {
        signout::end(&req, &state, &session, &user).await?;
        // Then out of the parties that need the browser (SAML front-channel), one after another.
        if let Some(hop) = signout::browser_hop(&req, &state, &session, &user, None).await? {
            return Ok(hop);
        }
    }
    let mut response = HttpResponse::SeeOther()
        .insert_header((LOCATION, "/login"))
        .cookie(session::clear_session_cookie(&state))
        .finish();
    notices::flash(&mut response, &state, Notice::SignedOut);
    Ok(response)
}
