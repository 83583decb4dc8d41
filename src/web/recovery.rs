//! Factor-reset pages: the self-service request from the second-factor step ("I can't use any of my factors"),
//! the manager's approval page behind the mailed link, the "this wasn't me" cancel page, and the enrolment link
//! that — together with the password — opens an enrolment-only session. Links are never acted on by a GET
//! (mail scanners follow links): each GET shows a form, and only its POST changes anything.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::core::audit::Origin;
use crate::core::model::SessionState;
use crate::core::recovery::FactorResetRequest;
use crate::core::recovery::flow::{self, Canceller, Ctx, Member, Target};
use crate::core::store::ResetLink;
use crate::core::{Error, Result};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{WebError, status_of};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};

#[derive(Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
pub struct SelfForm {
    csrf: Option<String>,
    reason: String,
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: Option<String>,
    token: String,
    decision: String,
    note: Option<String>,
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: Option<String>,
    token: String,
}

#[derive(Deserialize)]
pub struct EnrolForm {
    csrf: Option<String>,
    token: String,
    password: String,
}

/// A recovery context for this request.
pub(super) fn ctx<'a>(state: &'a AppState, origin: &'a Origin) -> Ctx<'a> {
    Ctx {
        store: state.store.as_ref(),
        notifier: state.notifier.as_ref(),
        sms: state.sms.as_ref(),
        settings: &state.recovery,
        now: state.clock.now(),
        origin,
    }
}

fn link_error(e: Error) -> HttpResponse {
    pages::error_page(status_of(&e), &e.to_string())
}

/// The details a decider or the user sees.
pub(super) async fn describe(state: &AppState, r: &FactorResetRequest) -> Result<serde_json::Value> {
    let user = state.store.user_by_id(&r.user_id).await?;
    let opener = if r.opened_by == crate::core::recovery::SELF {
        "the user, after their password".to_string()
    } else {
        match state.store.user_by_id(&r.opened_by).await? {
            Some(u) => format!("{} ({})", u.display_name, u.username),
            None => r.opened_by.clone(),
        }
    };
    Ok(serde_json::json!({
        "id": r.id,
        "state": r.state.as_str(),
        "user": user.as_ref().map(|u| format!("{} ({})", u.display_name, u.username)).unwrap_or_default(),
        "factors": r.factors.to_text(),
        "reason": r.reason,
        "opened_by": opener,
        "opened_at": r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        "opened_ip": r.opened_ip.clone().unwrap_or_else(|| "-".into()),
        "opened_user_agent": r.opened_user_agent.clone().unwrap_or_else(|| "-".into()),
        "checks_passed": r.checks_passed,
        "cooling_off_until": r.cooling_off_until.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
    }))
}

/// The self-service request: a user who passed the password but can use none of their factors.
pub async fn request_self(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<SelfForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((_, user)) = session::in_state(&req, &state, &[SessionState::PendingSecondFactor]).await? else {
        return Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/login")).finish());
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let subject = Member::load(state.store.as_ref(), user).await?;
    let reason = form.reason;
    let opened = flow::open(&ctx(&state, &origin), None, &subject, "all", &reason).await;
    let mut ctx = pages::context();
    match opened {
        Ok(_) => {
            ctx.insert("opened", &true);
            Ok(pages::page(StatusCode::OK, "recovery/requested.html", &ctx))
        }
        Err(e @ (Error::NotAllowed(_) | Error::Invalid(_))) => {
            ctx.insert("opened", &false);
            ctx.insert("error", &e.to_string());
            Ok(pages::page(status_of(&e), "recovery/requested.html", &ctx))
        }
        Err(e) => Err(e.into()),
    }
}

fn to_login_for(path_and_query: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/login?return_to={}", encode(path_and_query))))
        .finish()
}

/// The approval page behind the manager's link: sign-in (with the approver's own second factor, as their
/// policy requires) first, then the request's details and the decision form.
pub async fn approve_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<HttpResponse, WebError> {
    let token = query.token.unwrap_or_default();
    if session::in_state(&req, &state, &[SessionState::Authenticated])
        .await?
        .is_none()
    {
        return Ok(to_login_for(&format!("/recovery/approve?token={}", encode(&token))));
    }
    let origin = session::origin(&req);
    let found = {
        let token = token.clone();
        flow::by_link(&ctx(&state, &origin), ResetLink::Approval, &token).await
    };
    let request = match found {
        Ok(r) if r.state == crate::core::recovery::ResetState::Requested => r,
        Ok(_) => return Ok(link_error(Error::InvalidLink)),
        Err(e) => return Ok(link_error(e)),
    };
    let mut ctx = pages::context();
    ctx.insert("reset", &describe(&state, &request).await?);
    ctx.insert("token", &token);
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "recovery/approve.html",
        ctx,
    ))
}

pub async fn approve_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<DecisionForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let Some((_, user)) = session::in_state(&req, &state, &[SessionState::Authenticated]).await? else {
        return Ok(to_login_for(&format!(
            "/recovery/approve?token={}",
            encode(&form.token)
        )));
    };
    let approve = match form.decision.as_str() {
        "approve" => true,
        "deny" => false,
        _ => return Err(Error::invalid("Choose approve or deny.").into()),
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let approver = Member::load(state.store.as_ref(), user).await?;
    let (token, note) = (form.token, form.note);
    let decided = flow::decide(
        &ctx(&state, &origin),
        &approver,
        Target::Link(&token),
        approve,
        note.as_deref(),
    )
    .await;
    match decided {
        Ok(r) => {
            let mut ctx = pages::context();
            ctx.insert("approved", &approve);
            ctx.insert("reset", &describe(&state, &r).await?);
            Ok(pages::page(StatusCode::OK, "recovery/decided.html", &ctx))
        }
        Err(e @ (Error::NotAllowed(_) | Error::InvalidLink | Error::Invalid(_))) => Ok(link_error(e)),
        Err(e) => Err(e.into()),
    }
}

/// "This wasn't me": the cancel link from the notice. GET asks, POST cancels.
pub async fn cancel_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<HttpResponse, WebError> {
    let token = query.token.unwrap_or_default();
    let origin = session::origin(&req);
    let found = {
        let token = token.clone();
        flow::by_link(&ctx(&state, &origin), ResetLink::Cancel, &token).await
    };
    match found {
        Ok(r) if r.state == crate::core::recovery::ResetState::Waiting => {
            let mut ctx = pages::context();
            ctx.insert("token", &token);
            ctx.insert("reset", &describe(&state, &r).await?);
            Ok(pages::with_csrf(
                &req,
                &state,
                StatusCode::OK,
                "recovery/cancel.html",
                ctx,
            ))
        }
        Ok(_) => Ok(link_error(Error::InvalidLink)),
        Err(e) => Ok(link_error(e)),
    }
}

pub async fn cancel_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<TokenForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let origin = session::origin(&req).with_actor("link:cancel".into());
    let token = form.token;
    let cancelled = flow::cancel(&ctx(&state, &origin), Canceller::Link(&token)).await;
    match cancelled {
        Ok(_) => Ok(pages::page(
            StatusCode::OK,
            "recovery/cancelled.html",
            &pages::context(),
        )),
        Err(e @ (Error::NotAllowed(_) | Error::InvalidLink)) => Ok(link_error(e)),
        Err(e) => Err(e.into()),
    }
}

/// The enrolment link mailed when a reset took effect: asks for the password.
pub async fn enrol_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<HttpResponse, WebError> {
    let token = query.token.unwrap_or_default();
    let origin = session::origin(&req);
    let found = {
        let token = token.clone();
        flow::check_enrol_link(&ctx(&state, &origin), &token).await
    };
    match found {
        Ok(user) => {
            let mut ctx = pages::context();
            ctx.insert("token", &token);
            ctx.insert("username", &user.username);
            Ok(pages::with_csrf(
                &req,
                &state,
                StatusCode::OK,
                "recovery/enrol.html",
                ctx,
            ))
        }
        Err(e) => Ok(link_error(e)),
    }
}

/// The link and the password together open an enrolment-only session; the user is sent to add a factor.
pub async fn enrol_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<EnrolForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let origin = session::origin(&req);
    let limits = state.limits;
    let (token, password) = (form.token, form.password);
    let signed = {
        let (token, password) = (token.clone(), password);
        flow::redeem_enrol_link(
            &ctx(&state, &origin),
            &state.passwords,
            limits,
            &state.password_policy,
            &token,
            &password,
        )
        .await
    };
    match signed {
        Ok(signed) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, "/account/security"))
            .cookie(session::session_cookie(&state, &signed.token))
            .finish()),
        Err(e @ Error::InvalidCredentials) => {
            let user = flow::check_enrol_link(&ctx(&state, &origin), &token).await;
            let mut ctx = pages::context();
            ctx.insert("token", &token);
            ctx.insert("username", &user.map(|u| u.username).unwrap_or_default());
            ctx.insert("error", &e.to_string());
            Ok(pages::with_csrf(
                &req,
                &state,
                status_of(&e),
                "recovery/enrol.html",
                ctx,
            ))
        }
        Err(e @ (Error::InvalidLink | Error::TooManyAttempts { .. })) => Ok(link_error(e)),
        Err(e) => Err(e.into()),
    }
}
