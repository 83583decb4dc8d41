//! Device authorization endpoints (RFC 8628): `/device_authorization` for clients (JSON, errors as at the token
//! endpoint, `no-store`), and the user's pages at `/device` — enter the code, then allow or deny. The pages need
//! a fully signed-in session; without one the user signs in first (password and second factor, as for any
//! sign-in) and comes back with the code kept; a session below the client's minimum level is stepped up first (or
//! refused). Every form is CSRF-checked. Rules are in `device`.
use actix_web::http::StatusCode;
use actix_web::http::header::{self, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::device::{self, CodeProblem, Decision, Pending};
use super::http::{ctx, token_error, token_form};
use super::tokens::TokenRequest;
use super::{issuer, stepup};
use crate::core::Error;
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{WebError, status_of, with_retry_after};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/device_authorization", web::post().to(device_authorization))
        .route("/device", web::get().to(show))
        .route("/device", web::post().to(enter))
        .route("/device/decide", web::post().to(decide));
}

async fn device_authorization(
    req: HttpRequest,
    state: web::Data<AppState>,
    op: web::Data<super::Provider>,
    form: Result<Form<TokenRequest>, WebError>,
) -> HttpResponse {
    let (request, presented) = match token_form(&req, form) {
        Ok(found) => found,
        Err(e) => return token_error(e),
    };
    let (iss, origin) = (issuer(&state.config.public_url), session::origin(&req));
    let ctx = ctx(&state, &op, &iss, &origin);
    let started = match super::client_auth::authenticate_client(&ctx, &presented, &request).await {
        Ok(client) => device::start(&ctx, &state.keys.user_codes, &client, &request).await,
        Err(e) => Err(e),
    };
    match started {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(body),
        Err(e) => token_error(e),
    }
}

/// To sign-in, and back to `/device` afterwards with the code (when it is one) still filled in.
fn to_login(user_code: Option<&str>) -> HttpResponse {
    let back = match user_code.and_then(device::normalize_user_code) {
        Some(code) => format!("/device?user_code={}", device::display_user_code(&code)),
        None => "/device".to_string(),
    };
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/login?return_to={}", encode(&back))))
        .finish()
}

/// The enter-the-code form, with what was typed and why it did not work.
fn code_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    typed: &str,
    error: Option<&str>,
) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("user_code", &typed.chars().take(32).collect::<String>());
    ctx.insert("error", &error);
    pages::with_csrf(req, state, status, "oidc/device.html", ctx)
}

fn problem_page(req: &HttpRequest, state: &AppState, typed: &str, problem: CodeProblem) -> HttpResponse {
    code_form(req, state, StatusCode::BAD_REQUEST, typed, Some(&problem.message()))
}

/// The answer when the look-up itself was refused (too many wrong codes) or failed.
fn refused(req: &HttpRequest, state: &AppState, typed: &str, error: Error) -> Result<HttpResponse, WebError> {
    match error {
        e @ Error::TooManyAttempts { .. } => {
            let page = code_form(req, state, status_of(&e), typed, Some(&crate::i18n::describe(&e)));
            Ok(with_retry_after(page, &e))
        }
        other => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct DeviceQuery {
    user_code: Option<String>,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<DeviceQuery>,
) -> Result<HttpResponse, WebError> {
    if session::current(&req, &state).await?.is_none() {
        return Ok(to_login(query.user_code.as_deref()));
    }
    let Some(typed) = query.user_code.as_deref() else {
        return Ok(code_form(&req, &state, StatusCode::OK, "", None));
    };
    // A code from `verification_uri_complete` is only filled in: the user still confirms it matches the device.
    Ok(match device::normalize_user_code(typed) {
        Some(code) => code_form(&req, &state, StatusCode::OK, &device::display_user_code(&code), None),
        None => code_form(
            &req,
            &state,
            StatusCode::BAD_REQUEST,
            typed,
            Some(&CodeProblem::Malformed.message()),
        ),
    })
}

#[derive(Deserialize)]
struct EnterForm {
    csrf: Option<String>,
    user_code: Option<String>,
}

async fn enter(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<EnterForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((session, user)) = session::current(&req, &state).await? else {
        return Ok(to_login(form.user_code.as_deref()));
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let typed = form.user_code.unwrap_or_default();
    let found = device::enter(
        state.store.as_ref(),
        state.clock.now(),
        &state.keys.user_codes,
        &origin,
        &session,
        &typed,
    )
    .await;
    match found {
        Ok(Ok(pending)) => {
            // The client's minimum level: the missing factor first (then back here), or a clear refusal.
            let assessment = stepup::assess_client_minimum(
                state.store.as_ref(),
                state.clock.now(),
                &pending.client,
                &session,
                &user,
            )
            .await?;
            match assessment.decision {
                stepup::Decision::Met => Ok(confirmation(&req, &state, &pending)),
                decision => {
                    let unmet = decision == stepup::Decision::Unmet;
                    let result = if unmet { "unmet" } else { "prompted" };
                    let (store, now) = (state.store.as_ref(), state.clock.now());
                    assessment
                        .record(store, now, &origin, &user, &pending.client.client_id, result)
                        .await?;
                    if unmet {
                        return Ok(problem_page(&req, &state, &typed, CodeProblem::LevelTooLow));
                    }
                    let back = format!("/device?user_code={}", pending.user_code);
                    let target = format!(
                        "/login/factor?level={}&return_to={}",
                        encode(assessment.level()),
                        encode(&back)
                    );
                    Ok(HttpResponse::SeeOther().insert_header((LOCATION, target)).finish())
                }
            }
        }
        Ok(Err(problem)) => Ok(problem_page(&req, &state, &typed, problem)),
        Err(e) => refused(&req, &state, &typed, e),
    }
}

/// The confirmation page: which application, what it will see, the code to compare, and the phishing warning.
fn confirmation(req: &HttpRequest, state: &AppState, pending: &Pending) -> HttpResponse {
    let mut ctx = pages::context();
    ctx.insert("user_code", &pending.user_code);
    ctx.insert("client_id", &pending.client.client_id);
    ctx.insert(
        "client_label",
        &super::http::client_label(&pending.client.client_id, pending.client.client_name.as_deref()),
    );
    ctx.insert("scopes", &pending.scope.split_whitespace().collect::<Vec<_>>());
    pages::with_csrf(req, state, StatusCode::OK, "oidc/device_confirm.html", ctx)
}

#[derive(Deserialize)]
struct DecideForm {
    csrf: Option<String>,
    user_code: Option<String>,
    decision: Option<String>,
}

async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<DecideForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let decision = match form.decision.as_deref() {
        Some("allow") => Decision::Allow,
        Some("deny") => Decision::Deny,
        _ => return Err(WebError::BadRequest(crate::i18n::t("oidc-device-choose"))),
    };
    let Some((session, user)) = session::current(&req, &state).await? else {
        return Ok(to_login(form.user_code.as_deref()));
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let typed = form.user_code.unwrap_or_default();
    let decided = device::decide(
        state.store.as_ref(),
        state.clock.now(),
        &state.keys.user_codes,
        &origin,
        &session,
        &typed,
        decision,
    )
    .await;
    match decided {
        Ok(Ok(pending)) => {
            let mut ctx = pages::context();
            ctx.insert("approved", &(decision == Decision::Allow));
            ctx.insert("client_id", &pending.client.client_id);
            ctx.insert(
                "client_label",
                &super::http::client_label(&pending.client.client_id, pending.client.client_name.as_deref()),
            );
            Ok(pages::page(StatusCode::OK, "oidc/device_done.html", &ctx))
        }
        Ok(Err(problem)) => Ok(problem_page(&req, &state, &typed, problem)),
        Err(e) => refused(&req, &state, &typed, e),
    }
}
