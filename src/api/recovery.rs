//! `/api/v1/recovery-requests`: the factor-reset queue, with the transitions of the helpdesk console (open,
//! approve, deny, execute, cancel) through `core::recovery::flow` and so under the same separation-of-duties rules.
//!
//! Those rules name people (the user, the manager who approves, the agent who executes, never the same person
//! twice), so a transition needs a person's own token: a service client may list and read requests but never move
//! one — a machine credential would otherwise stand for any number of people.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::audit::{AuditView, Names};
use super::auth::Caller;
use super::problem::Problem;
use crate::core::delegation::Permission;
use crate::core::recovery::flow::{self, Canceller, Ctx, Member, Target};
use crate::core::recovery::route::ApprovalRoute;
use crate::core::recovery::search;
use crate::core::recovery::{FactorResetRequest, SELF};

/// A factor-reset request, with the people it names resolved to usernames.
#[derive(Serialize, ToSchema)]
pub struct RequestView {
    pub id: String,
    /// `requested`, `approved`, `waiting` (cooling-off), `done`, `denied`, `cancelled` or `expired`.
    pub state: String,
    pub user_id: String,
    pub username: Option<String>,
    /// `all`, or the factor ids, comma-separated.
    pub factors: String,
    pub reason: String,
    /// `self`, or the username of the agent who opened it.
    pub opened_by: String,
    pub created_at: DateTime<Utc>,
    pub approval_expires_at: DateTime<Utc>,
    /// The request path it takes: `approval` (the manager approves, the helpdesk executes) or `two-admins` (an
    /// administrator approves, another executes); `null` for a request opened before paths were recorded.
    pub recovery_path: Option<String>,
    /// Whether its notices reach the user at fewer than two distinct addresses (e-mail, phone) they had when it
    /// opened; `null` for a request opened before addresses were recorded.
    pub single_channel: Option<bool>,
    /// Who was asked to approve, and why them; `null` for a request opened before approvals were routed (its
    /// manager decides).
    pub approval_route: Option<RouteView>,
    /// The username of whoever decided.
    pub approver: Option<String>,
    pub approval_note: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub executor: Option<String>,
    pub executed_at: Option<DateTime<Utc>>,
    /// Names of the identity checks the executor confirmed (never the answers).
    pub checks_passed: Vec<String>,
    pub cooling_off_until: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the temporary access pass stops working, if one was issued.
    pub pass_expires_at: Option<DateTime<Utc>>,
    /// The temporary access pass itself: only in the answer to the execution that issued it, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_pass: Option<String>,
}

/// The approval route of a request, fixed when it was opened (docs/recovery.md, "The approver").
#[derive(Serialize, ToSchema)]
pub struct RouteView {
    /// Every person looked at, in order.
    pub steps: Vec<RouteStepView>,
    /// The username of the one person asked (a manager, a delegate, or someone further up) …
    pub routed_to: Option<String>,
    /// … or the role whose eligible members were asked. Both `null`: nobody could be asked, and an administrator
    /// decides with a reason.
    pub routed_role: Option<String>,
}

/// One person the route looked at.
#[derive(Serialize, ToSchema)]
pub struct RouteStepView {
    /// `null` only for the step "the user has no manager".
    pub user_id: Option<String>,
    pub username: Option<String>,
    /// `manager`, `delegate`, `chain` (further up) or `role`.
    #[serde(rename = "as")]
    pub position: String,
    /// For a delegate: the username of the away person they stand in for.
    pub delegate_of: Option<String>,
    /// `asked`, or why not: `no_manager`, `missing`, `disabled`, `absent`, `subject`, `requester`,
    /// `reports_to_subject`, `admin_required`, `cycle`, `too_deep`.
    pub outcome: String,
}

async fn route_view(names: &mut Names<'_>, route: ApprovalRoute) -> Result<RouteView, Problem> {
    let mut steps = Vec::with_capacity(route.steps.len());
    for step in route.steps {
        let username = match &step.user {
            Some(id) => names.of(id).await?,
            None => None,
        };
        let delegate_of = match &step.delegate_of {
            Some(id) => names.of(id).await?,
            None => None,
        };
        steps.push(RouteStepView {
            user_id: step.user,
            username,
            position: step.position.as_str().to_string(),
            delegate_of,
            outcome: step.skipped.map_or("asked", |s| s.as_str()).to_string(),
        });
    }
    let routed_to = match &route.approver_id {
        Some(id) => Some(names.of(id).await?.unwrap_or_else(|| id.clone())),
        None => None,
    };
    Ok(RouteView {
        steps,
        routed_to,
        routed_role: route.role,
    })
}

async fn view(names: &mut Names<'_>, r: FactorResetRequest) -> Result<RequestView, Problem> {
    let name = async |names: &mut Names<'_>, id: &Option<String>| -> Result<Option<String>, Problem> {
        Ok(match id {
            Some(id) => Some(names.of(id).await?.unwrap_or_else(|| id.clone())),
            None => None,
        })
    };
    let opened_by = if r.opened_by == SELF {
        SELF.to_string()
    } else {
        names.of(&r.opened_by).await?.unwrap_or_else(|| r.opened_by.clone())
    };
    let single_channel = r.single_channel();
    let approval_route = match r.route {
        Some(route) => Some(route_view(names, route).await?),
        None => None,
    };
    Ok(RequestView {
        approval_route,
        username: names.of(&r.user_id).await?,
        approver: name(names, &r.approver_id).await?,
        executor: name(names, &r.executor_id).await?,
        closed_by: match r.closed_by.as_deref() {
            Some("system") | None => r.closed_by.clone(),
            Some(id) => Some(names.of(id).await?.unwrap_or_else(|| id.to_string())),
        },
        recovery_path: r.recovery_path.map(|p| p.as_str().to_string()),
        single_channel,
        id: r.id,
        state: r.state.as_str().to_string(),
        user_id: r.user_id,
        factors: r.factors.to_text(),
        reason: r.reason,
        opened_by,
        created_at: r.created_at,
        approval_expires_at: r.approval_expires_at,
        approval_note: r.approval_note,
        approved_at: r.approved_at,
        executed_at: r.executed_at,
        checks_passed: r.checks_passed,
        cooling_off_until: r.cooling_off_until,
        closed_at: r.closed_at,
        pass_expires_at: r.pass_expires_at,
        temporary_pass: None,
    })
}

pub(super) async fn json<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<T, Problem> {
    super::body::json(req, payload, super::MAX_JSON_BYTES).await
}

pub(super) fn ctx<'a>(caller: &'a Caller) -> Ctx<'a> {
    let state = &caller.state;
    Ctx {
        store: state.store.as_ref(),
        notifier: state.notifier.as_ref(),
        sms: state.sms.as_ref(),
        settings: &state.recovery,
        now: state.clock.now(),
        origin: &caller.origin,
    }
}

/// The person behind the token, for the separation-of-duties rules; 403 for a service client.
pub(super) async fn person(caller: &Caller) -> Result<Member, Problem> {
    caller.require(Permission::Recovery)?;
    let Some(user_id) = &caller.operator.user_id else {
        return Err(Problem::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "Factor resets are decided and carried out by people: use a person's token (scope gatehouse:admin).",
        ));
    };
    let user = caller
        .store()
        .user_by_id(user_id)
        .await?
        .ok_or_else(|| Problem::not_found("user"))?;
    Ok(Member::load(caller.store(), user).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this user's requests (id, username or e-mail address).
    pub user: Option<String>,
    /// Closed requests too (default: open ones only).
    pub all: Option<bool>,
}

/// Factor-reset requests, newest first.
#[utoipa::path(tag = "recovery", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<RequestView>), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody)))]
#[get("/recovery-requests")]
pub async fn list(caller: Caller, query: web::Query<ListQuery>) -> Result<web::Json<Vec<RequestView>>, Problem> {
    caller.require(Permission::Recovery)?;
    let store = caller.store();
    let user_id = match query.user.as_deref() {
        Some(user) => Some(
            super::users::resolve(store, user)
                .await
                .map_err(|_| Problem::field("user", "no such user"))?
                .id,
        ),
        None => None,
    };
    flow::sweep(&ctx(&caller)).await?;
    let requests = store
        .list_factor_resets(user_id.as_deref(), !query.all.unwrap_or(false))
        .await?;
    let mut names = Names::new(store);
    let mut views = Vec::with_capacity(requests.len());
    for request in requests {
        views.push(view(&mut names, request).await?);
    }
    Ok(web::Json(views))
}

#[derive(Serialize, ToSchema)]
pub struct RequestDetail {
    pub request: RequestView,
    /// What happened to it, oldest first: the audit events that name it.
    pub timeline: Vec<AuditView>,
    /// Its caller verification (docs/recovery.md): what the subject's roles require (`required`: none, either,
    /// user, manager, both), whether this server enforces it, each prompt (target, whom, channel, sending agent,
    /// `state`: pending, passed, failed, mismatch, timed_out, and whether it `counts` now; never the numbers), and
    /// the override a second agent recorded, if any.
    #[schema(value_type = Object)]
    pub caller_verification: serde_json::Value,
}

/// One request and its timeline.
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    security(("bearer" = [])), responses((status = 200, body = RequestDetail),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody)))]
#[get("/recovery-requests/{id}")]
pub async fn show(caller: Caller, path: web::Path<String>) -> Result<web::Json<RequestDetail>, Problem> {
    caller.require(Permission::Recovery)?;
    let request = flow::load(&ctx(&caller), &path).await?;
    let store = caller.store();
    let mut names = Names::new(store);
    let mut timeline = Vec::new();
    for record in flow::timeline(store, &request).await? {
        timeline.push(names.view(record).await?);
    }
    let caller_verification = crate::core::recovery::verify_flow::summary(&ctx(&caller), &request).await?;
    Ok(web::Json(RequestDetail {
        request: view(&mut names, request).await?,
        timeline,
        caller_verification,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// The user whose factors are reset (id, username or e-mail address).
    pub user: String,
    /// `all` (default), or factor ids, comma-separated.
    pub factors: Option<String>,
    /// Why, as the user told the agent.
    pub reason: String,
}

async fn answer(
    caller: &Caller,
    result: crate::core::Result<FactorResetRequest>,
    created: bool,
) -> Result<HttpResponse, Problem> {
    let request = result?;
    let mut names = Names::new(caller.store());
    let body = view(&mut names, request).await?;
    Ok(if created {
        HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/recovery-requests/{}", body.id)))
            .json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// Opens a request on a user's behalf; the manager is asked to approve.
#[utoipa::path(tag = "recovery", request_body = NewRequest, security(("bearer" = [])),
    responses((status = 201, body = RequestView), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody)))]
#[post("/recovery-requests")]
pub async fn open(caller: Caller, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, Problem> {
    let agent = person(&caller).await?;
    let body: NewRequest = json(&req, payload).await?;
    let ctx = ctx(&caller);
    let subject = search::find_subject(&ctx, &body.user)
        .await
        .map_err(Problem::at("user"))?;
    let factors = body.factors.as_deref().unwrap_or("all");
    let result = flow::open(&ctx, Some(&agent), &subject, factors, &body.reason).await;
    answer(&caller, result, true).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Required when an administrator approves in the manager's place, and when denying.
    pub note: Option<String>,
}

/// Approve (`approving`) or deny, as the person behind the token.
async fn decide(
    caller: Caller,
    id: &str,
    req: &HttpRequest,
    payload: web::Payload,
    approving: bool,
) -> Result<HttpResponse, Problem> {
    let member = person(&caller).await?;
    let body: Decision = json(req, payload).await?;
    let result = flow::decide(&ctx(&caller), &member, Target::Id(id), approving, body.note.as_deref()).await;
    answer(&caller, result, false).await
}

/// Approves a request (the manager, or an administrator in the manager's place with a note).
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    request_body = Decision, security(("bearer" = [])), responses((status = 200, body = RequestView),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[post("/recovery-requests/{id}/approve")]
pub async fn approve(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    decide(caller, &path, &req, payload, true).await
}

/// Denies a request.
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    request_body = Decision, security(("bearer" = [])), responses((status = 200, body = RequestView),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[post("/recovery-requests/{id}/deny")]
pub async fn deny(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    decide(caller, &path, &req, payload, false).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Execution {
    /// The identity checks that passed, by their configured names (never the answers).
    pub checks: Vec<String>,
    /// Also issue a temporary access pass for the user (docs/recovery.md), returned once in `temporary_pass`.
    #[serde(default)]
    pub temporary_pass: bool,
}

/// Carries out an approved request: the cooling-off starts, with notices on every channel.
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    request_body = Execution, security(("bearer" = [])), responses((status = 200, body = RequestView),
        (status = 400, body = super::problem::ProblemBody), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[post("/recovery-requests/{id}/execute")]
pub async fn execute(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let member = person(&caller).await?;
    let body: Execution = json(&req, payload).await?;
    let key = body.temporary_pass.then_some(&caller.state.keys.temporary_pass);
    let (request, pass) = flow::execute_with(&ctx(&caller), &member, &path, &body.checks, key).await?;
    let mut names = Names::new(caller.store());
    let mut body = view(&mut names, request).await?;
    body.temporary_pass = pass;
    Ok(HttpResponse::Ok().json(body))
}

/// Cancels an open request.
#[utoipa::path(tag = "recovery", params(("id" = String, Path, example = "00000000-0000-0000-0000-000000000000")),
    security(("bearer" = [])), responses((status = 200, body = RequestView),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody),
        (status = 409, body = super::problem::ProblemBody)))]
#[post("/recovery-requests/{id}/cancel")]
pub async fn cancel(caller: Caller, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let member = person(&caller).await?;
    let result = flow::cancel(&ctx(&caller), Canceller::Member(&member, &path)).await;
    answer(&caller, result, false).await
}
