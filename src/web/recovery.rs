//! Factor-reset pages: the self-service request from the second-factor step ("I can't use any of my factors"),
//! the manager's approval page behind the mailed link, the "this wasn't me" cancel page, and the enrolment link
//! that — together with the password — opens an enrolment-only session. Links are never acted on by a GET
//! (mail scanners follow links): each GET shows a form, and only its POST changes anything.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::recovery_view::{describe, message_of};
use crate::core::Error;
use crate::core::audit::Origin;
use crate::core::model::SessionState;
use crate::core::policy::recovery::RecoveryPath;
use crate::core::recovery::approver::{self, SignInCheck};
use crate::core::recovery::flow::{self, Canceller, Ctx, Member, Target};
use crate::core::recovery::{ApprovalBasis, ResetState, enrol, pass};
use crate::core::store::ResetLink;
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
pub struct PassForm {
    csrf: Option<String>,
    username: String,
    pass: String,
    password: String,
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

/// How the pages name a decider's basis (`data-basis`, and which words explain it): the place the route asked
/// them in, or `override` for an administrator deciding in the approver's place.
pub(super) fn basis_name(basis: ApprovalBasis) -> &'static str {
    match basis {
        ApprovalBasis::AdminOverride => "override",
        basis => basis.as_str(),
    }
}

fn link_error(e: Error) -> HttpResponse {
    pages::error_page(status_of(&e), &message_of(&e))
}

/// Where a sign-in too weak for the approver's own role goes: the second-factor page's step-up of a signed-in
/// session, then back to `back` (a page: a decision is never replayed, the approver decides again).
pub(super) fn step_up(level: &str, back: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            format!("/login/factor?level={}&return_to={}", encode(level), encode(back)),
        ))
        .finish()
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
        Ok(request) => {
            ctx.insert("opened", &true);
            // Who handles it follows the path the user's roles give it; a request that reaches one address says so.
            ctx.insert("two_admins", &(request.recovery_path == Some(RecoveryPath::TwoAdmins)));
            ctx.insert("single_channel", &request.single_channel().unwrap_or(false));
            Ok(pages::page(StatusCode::OK, "recovery/requested.html", &ctx))
        }
        Err(e @ (Error::NotAllowed(_) | Error::Invalid(_))) => {
            ctx.insert("opened", &false);
            ctx.insert("error", &message_of(&e));
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

fn approval_page_of(token: &str) -> String {
    format!("/recovery/approve?token={}", encode(token))
}

/// The approval page behind the manager's link. The approver signs in first, with what their own role requires
/// (`core::recovery::approver`: a sign-in without the second factor their role asks for is sent to step up, and
/// comes back here); then the page explains why they are asked and what approving does, with the request's
/// details, an Approve form and a separate Deny form. Only someone deciding in the manager's place (an
/// administrator) is asked for the reason they do. A person who may not decide at all is told so, and nothing is
/// recorded until they post a decision.
pub async fn approve_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<HttpResponse, WebError> {
    let token = query.token.unwrap_or_default();
    let back = approval_page_of(&token);
    let Some((session, user)) = session::in_state(&req, &state, &[SessionState::Authenticated]).await? else {
        return Ok(to_login_for(&back));
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let c = ctx(&state, &origin);
    let request = match flow::by_link(&c, ResetLink::Approval, &token).await {
        Ok(r) if r.state == ResetState::Requested => r,
        Ok(_) => return Ok(link_error(Error::InvalidLink)),
        Err(e) => return Ok(link_error(e)),
    };
    let approver = Member::load(state.store.as_ref(), user)
        .await?
        .signed_in_with(session.amr.clone());
    let basis = match flow::decision_basis(state.store.as_ref(), &request, &approver).await? {
        Ok(basis) => basis,
        Err(refusal) => return Ok(link_error(refusal.into())),
    };
    match approver::check(state.store.as_ref(), c.now, &approver.user, &session.amr).await? {
        SignInCheck::Meets => {}
        SignInCheck::StepUp { level } => return Ok(step_up(level, &back)),
        SignInCheck::Unreachable { .. } => {
            flow::refuse_weak_sign_in(&c, &request, &session.amr).await?;
            return Ok(pages::error_page(
                StatusCode::FORBIDDEN,
                &crate::i18n::t("recovery-approve-need-factor"),
            ));
        }
    }
    let mut ctx = pages::context();
    ctx.insert("reset", &describe(&state, &request, false).await?);
    ctx.insert("token", &token);
    ctx.insert("basis", basis_name(basis));
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
    let back = approval_page_of(&form.token);
    let Some((session, user)) = session::in_state(&req, &state, &[SessionState::Authenticated]).await? else {
        return Ok(to_login_for(&back));
    };
    let approve = match form.decision.as_str() {
        "approve" => true,
        "deny" => false,
        _ => {
            return Ok(pages::error_page(
                StatusCode::BAD_REQUEST,
                &crate::i18n::t("recovery-error-choose-decision"),
            ));
        }
    };
    let origin = session::origin(&req).with_actor(format!("user:{}", user.id));
    let approver = Member::load(state.store.as_ref(), user)
        .await?
        .signed_in_with(session.amr.clone());
    // One more factor makes this sign-in strong enough: confirm it, then decide again on the page.
    if let SignInCheck::StepUp { level } =
        approver::check(state.store.as_ref(), state.clock.now(), &approver.user, &session.amr).await?
    {
        return Ok(step_up(level, &back));
    }
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
            ctx.insert("reset", &describe(&state, &r, false).await?);
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
        Ok(r) if r.state == ResetState::Waiting => {
            let mut ctx = pages::context();
            ctx.insert("token", &token);
            ctx.insert("reset", &describe(&state, &r, false).await?);
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
        enrol::check_enrol_link(&ctx(&state, &origin), &token).await
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
        enrol::redeem_enrol_link(
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
            let user = enrol::check_enrol_link(&ctx(&state, &origin), &token).await;
            let mut ctx = pages::context();
            ctx.insert("token", &token);
            ctx.insert("username", &user.map(|u| u.username).unwrap_or_default());
            ctx.insert("error", &message_of(&e));
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

/// The temporary access pass's form: username, pass and password (`core::recovery::pass`).
pub async fn pass_page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "recovery/pass.html",
        pages::context(),
    ))
}

/// The pass and the password together open the same enrolment-only session as the enrolment link.
pub async fn pass_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<PassForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let origin = session::origin(&req);
    let with = pass::Redeem {
        key: &state.keys.temporary_pass,
        passwords: &state.passwords,
        limits: state.limits,
        pass_policy: &state.factor_policy,
        password_policy: &state.password_policy,
    };
    let signed = pass::redeem(&ctx(&state, &origin), &with, &form.username, &form.pass, &form.password).await;
    match signed {
        Ok(signed) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, "/account/security"))
            .cookie(session::session_cookie(&state, &signed.token))
            .finish()),
        Err(e @ Error::InvalidCredentials) => {
            let mut ctx = pages::context();
            ctx.insert("username", &crate::core::model::truncate(&form.username, 256));
            ctx.insert("error", &crate::i18n::t("recovery-pass-wrong"));
            Ok(pages::with_csrf(&req, &state, status_of(&e), "recovery/pass.html", ctx))
        }
        Err(e @ (Error::TooManyAttempts { .. } | Error::FactorLocked { .. })) => Ok(link_error(e)),
        Err(e) => Err(e.into()),
    }
}
