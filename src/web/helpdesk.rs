//! `/helpdesk`: the console of helpdesk agents and admins — the queue of factor-reset requests, user search,
//! one request with its timeline from the audit log, opening a request on a user's behalf, and executing an
//! approved one after recording which identity checks passed. The same core operations as the CLI; every
//! action names the signed-in agent.
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::collections::HashMap;

use super::recovery::{ctx, step_up};
use super::recovery_view::{check_label, describe, message_of, row, timeline};
use crate::core::Error;
use crate::core::audit::{self, AuditKind, Origin, Outcome, People};
use crate::core::model::SessionState;
use crate::core::recovery::approver::{self, SignInCheck};
use crate::core::recovery::flow::{self, Canceller, Member, Target};
use crate::core::recovery::{FactorResetRequest, ResetState};
use crate::http::AppState;
use crate::http::encode;
use crate::http::error::{WebError, status_of};
use crate::http::form::{Form, Query};
use crate::http::{csrf, pages, session};

#[derive(Deserialize)]
pub struct QueueQuery {
    all: Option<String>,
    user: Option<String>,
}

#[derive(Deserialize)]
pub struct RequestQuery {
    id: String,
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: Option<String>,
    id: String,
    decision: String,
    note: Option<String>,
}

#[derive(Deserialize)]
pub struct IdForm {
    csrf: Option<String>,
    id: String,
}

/// The signed-in agent (helpdesk or admin), with the methods their session proved, or the answer to give
/// instead: sign-in, or 403 (audited).
pub(super) async fn agent(
    req: &HttpRequest,
    state: &AppState,
    back: &str,
) -> Result<Result<(Member, Origin), HttpResponse>, WebError> {
    agent_with(req, state, back, false).await
}

/// Like `agent`; with `fresh`, the sign-in must also be recent (`enrolment::FRESH_FOR`), else the agent signs in again:
/// a console left open cannot execute or decide a reset.
pub(super) async fn agent_with(
    req: &HttpRequest,
    state: &AppState,
    back: &str,
    fresh: bool,
) -> Result<Result<(Member, Origin), HttpResponse>, WebError> {
    let Some((session, user)) = session::in_state(req, state, &[SessionState::Authenticated]).await? else {
        return Ok(Err(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/login?return_to={}", encode(back))))
            .finish()));
    };
    if fresh && !crate::core::factors::enrolment::is_fresh(&session, state.clock.now()) {
        return Ok(Err(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/login?reauth=1&return_to={}", encode(back))))
            .finish()));
    }
    let member = Member::load(state.store.as_ref(), user)
        .await?
        .signed_in_with(session.amr.clone());
    if !member.roles.iter().any(|r| r == "helpdesk" || r == "admin") {
        // Someone signed in trying the console (or a link into it) is worth a trace.
        let origin = session::origin(req).with_actor(format!("user:{}", member.user.id));
        audit::record(
            state.store.as_ref(),
            state.clock.now(),
            &origin,
            AuditKind::HelpdeskAccess,
            Outcome::Denied,
            Some(&member.user.id),
            serde_json::json!({ "path": req.path(), "reason": "role_missing" }),
        )
        .await?;
        return Ok(Err(pages::error_page(
            StatusCode::FORBIDDEN,
            &crate::i18n::t("helpdesk-error-not-agent"),
        )));
    }
    let origin = session::origin(req).with_actor(format!("user:{}", member.user.id));
    Ok(Ok((member, origin)))
}

pub async fn queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<QueueQuery>,
) -> Result<HttpResponse, WebError> {
    let (_, origin) = match agent(&req, &state, "/helpdesk").await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    flow::sweep(&ctx(&state, &origin)).await?;
    let user_id = match query.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(identifier) => match crate::core::accounts::find(state.store.as_ref(), identifier).await {
            Ok(user) => Some(user.id),
            Err(Error::NotFound(_) | Error::Invalid(_)) => Some(String::new()),
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let requests = state
        .store
        .list_factor_resets(user_id.as_deref(), query.all.is_none())
        .await?;
    let mut people = People::new(state.store.as_ref());
    let mut rows = Vec::new();
    for r in &requests {
        rows.push(row(&state, &mut people, r).await?);
    }
    let mut ctx = pages::context();
    ctx.insert("resets", &rows);
    ctx.insert("all", &query.all.is_some());
    ctx.insert("query_user", &query.user.unwrap_or_default());
    Ok(pages::with_csrf(
        &req,
        &state,
        StatusCode::OK,
        "helpdesk/queue.html",
        ctx,
    ))
}

/// How `viewer` may decide a request still waiting for a decision: in the place the route asked them in (manager,
/// delegate, further up, the role), in that approver's place (an admin, with a reason), or not at all (`None`:
/// the page says who decides).
async fn decision_of(
    state: &AppState,
    viewer: &Member,
    request: &FactorResetRequest,
) -> Result<Option<&'static str>, WebError> {
    if request.state != ResetState::Requested {
        return Ok(None);
    }
    Ok(flow::decision_basis(state.store.as_ref(), request, viewer)
        .await?
        .ok()
        .map(super::recovery::basis_name))
}

pub(super) async fn request_page(
    req: &HttpRequest,
    state: &AppState,
    agent: (&Member, &Origin),
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    request_page_with(req, state, agent, id, status, error, None).await
}

/// The request's page; with `pass`, the temporary access pass just issued, shown this once (the page is not cached).
async fn request_page_with(
    req: &HttpRequest,
    state: &AppState,
    (viewer, origin): (&Member, &Origin),
    id: &str,
    status: StatusCode,
    error: Option<String>,
    pass: Option<String>,
) -> Result<HttpResponse, WebError> {
    let request = match flow::load(&ctx(state, origin), id).await {
        Ok(r) => r,
        Err(e @ Error::NotFound(_)) => return Ok(pages::error_page(StatusCode::NOT_FOUND, &message_of(&e))),
        Err(e) => return Err(e.into()),
    };
    let checks: Vec<serde_json::Value> = state
        .recovery
        .checks
        .iter()
        .map(|c| serde_json::json!({ "name": c, "label": check_label(c) }))
        .collect();
    let mut ctx = pages::context();
    ctx.insert("reset", &describe(state, &request, true).await?);
    ctx.insert("timeline", &timeline(state, &request).await?);
    ctx.insert("checks", &checks);
    ctx.insert("decide", &decision_of(state, viewer, &request).await?);
    ctx.insert("verify", &super::caller_verify::section(state, viewer, &request).await?);
    if let Some(error) = error {
        ctx.insert("error", &error);
    }
    if let Some(pass) = pass {
        ctx.insert("temporary_pass", &pass);
    }
    Ok(pages::with_csrf(req, state, status, "helpdesk/request.html", ctx))
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(query): Query<RequestQuery>,
) -> Result<HttpResponse, WebError> {
    let back = format!("/helpdesk/request?id={}", encode(&query.id));
    let (member, origin) = match agent(&req, &state, &back).await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    request_page(&req, &state, (&member, &origin), &query.id, StatusCode::OK, None).await
}

fn to_request(id: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/helpdesk/request?id={}", encode(id))))
        .finish()
}

/// The answer to an agent's action on request `id`: back to the request, or the request page with the refusal
/// (403), or not found.
async fn after_action(
    req: &HttpRequest,
    state: &AppState,
    agent: (&Member, &Origin),
    id: &str,
    result: crate::core::Result<FactorResetRequest>,
) -> Result<HttpResponse, WebError> {
    match result {
        Ok(r) => Ok(to_request(&r.id)),
        Err(e @ (Error::NotAllowed(_) | Error::Invalid(_))) => {
            request_page(req, state, agent, id, status_of(&e), Some(message_of(&e))).await
        }
        Err(e @ Error::NotFound(_)) => Ok(pages::error_page(status_of(&e), &message_of(&e))),
        Err(e) => Err(e.into()),
    }
}

/// Executes: the form carries `id` and one `check_<name>` field per identity check that passed (distinct names,
/// since repeated parameters are refused).
pub async fn execute(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let id = form.get("id").cloned().unwrap_or_default();
    let back = format!("/helpdesk/request?id={}", encode(&id));
    let (member, origin) = match agent_with(&req, &state, &back, true).await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    let checks: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("check_"))
        .map(str::to_string)
        .collect();
    // The pass is shown on the page that answers this POST and nowhere else: reloading the request shows none.
    let key = form
        .contains_key("temporary_pass")
        .then_some(&state.keys.temporary_pass);
    match flow::execute_with(&ctx(&state, &origin), &member, &id, &checks, key).await {
        Ok((r, Some(pass))) => {
            let agent = (&member, &origin);
            request_page_with(&req, &state, agent, &r.id, StatusCode::OK, None, Some(pass)).await
        }
        result => after_action(&req, &state, (&member, &origin), &id, result.map(|(r, _)| r)).await,
    }
}

pub async fn cancel(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<IdForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let (member, origin) = match agent(&req, &state, "/helpdesk").await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
    };
    let result = flow::cancel(&ctx(&state, &origin), Canceller::Member(&member, &form.id)).await;
    after_action(&req, &state, (&member, &origin), &form.id, result).await
}

/// An admin approves or denies in the manager's place (with a reason) — or a manager who is also an agent decides
/// here — under the same rules as the mailed link, the decider's sign-in included: one that falls short of their own
/// role policy but can reach it steps up first, and comes back to the request.
pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    Form(form): Form<DecideForm>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.csrf.as_deref())?;
    let back = format!("/helpdesk/request?id={}", encode(&form.id));
    let (member, origin) = match agent_with(&req, &state, &back, true).await? {
        Ok(agent) => agent,
        Err(answer) => return Ok(answer),
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
    let amr = member.amr.clone().unwrap_or_default();
    if let SignInCheck::StepUp { level } =
        approver::check(state.store.as_ref(), state.clock.now(), &member.user, &amr).await?
    {
        return Ok(step_up(level, &back));
    }
    let c = ctx(&state, &origin);
    let result = flow::decide(&c, &member, Target::Id(&form.id), approve, form.note.as_deref()).await;
    after_action(&req, &state, (&member, &origin), &form.id, result).await
}
