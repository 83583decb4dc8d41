//! Factor-reset orchestration: opening, deciding, executing, cancelling and finishing requests, with the
//! mails, texts and audit events each step needs. The rules themselves are in `recovery`; this module looks
//! the people up, applies the rules, and stores each transition as one conditional UPDATE.
//!
//! Time-driven steps (expiry of unanswered requests, the end of the cooling-off) happen in `advance`, which
//! every operation on a request runs first, and in `sweep`, which the server runs every minute.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use url::Url;

use super::super::audit::{self, AuditKind, Origin, Outcome};
use super::super::model::{User, UserStatus};
use super::super::notify::{Notifier, SmsGateway};
use super::super::secrets::{random_token, token_digest};
use super::super::store::{ResetLink, Store};
use super::super::{Error, Result};
use super::approver::{self, SignInCheck};
use super::{
    ApprovalBasis, FactorResetRequest, FactorSelection, Person, Refusal, ResetState, SELF, may_approve, may_decide,
    may_execute, may_open, parse_checks, parse_reason,
};
use super::{notices, routing, verify_gate};
use crate::core::policy::{recovery as recovery_policy, roles};

/// The checklist offered when the configuration names none.
pub const DEFAULT_CHECKS: &[&str] = &["callback_to_number_on_file", "employee_id", "hr_question"];

#[derive(Clone, Debug)]
pub struct Settings {
    pub public_url: Url,
    /// How long an approval link (and an unanswered request) lives; also how long an approved request waits
    /// for execution.
    pub approval_ttl: Duration,
    /// The cooling-off of a role without its own `recovery_delay_minutes`.
    pub cooling_off: Duration,
    /// The same for `admin`.
    pub cooling_off_admin: Duration,
    pub enrol_ttl: Duration,
    /// How long a temporary access pass works once the reset took effect (`recovery_pass_minutes`).
    pub pass_ttl: Duration,
    /// The identity checks an executor can record.
    pub checks: Vec<String>,
    /// The role whose members are asked to approve when the chain of managers yields nobody.
    pub approver_role: String,
    /// Whether an execution waits for the caller verification the subject's roles require (`verify`).
    pub caller_verification: bool,
    /// How long a caller-verification prompt can be answered.
    pub verify_ttl: Duration,
}

impl Settings {
    pub fn link(&self, path: &str, token: &str) -> String {
        let mut url = self.public_url.clone();
        url.set_path(path);
        url.set_query(None);
        url.query_pairs_mut().append_pair("token", token);
        url.to_string()
    }
}

/// What every factor-reset operation needs: the request's services and its recovery settings (also built by
/// the CLI and the sweeper, so it does not carry the sign-in's keys, limits and policies of
/// `core::context::RequestCtx`).
pub struct Ctx<'a> {
    pub store: &'a dyn Store,
    pub notifier: &'a dyn Notifier,
    pub sms: &'a dyn SmsGateway,
    pub settings: &'a Settings,
    pub now: DateTime<Utc>,
    pub origin: &'a Origin,
}

/// The actor of what time decides (an expiry, the end of a cooling-off), whoever's request noticed it first.
pub const SYSTEM_ACTOR: &str = "system:recovery";

impl Ctx<'_> {
    pub(super) async fn audit(
        &self,
        kind: AuditKind,
        outcome: Outcome,
        subject: Option<&str>,
        details: serde_json::Value,
    ) -> Result<()> {
        audit::record(self.store, self.now, self.origin, kind, outcome, subject, details).await
    }

    /// Records a refusal (who tried what on which request, and why) and turns it into the error to show.
    async fn refused(
        &self,
        kind: AuditKind,
        request: Option<&FactorResetRequest>,
        subject: Option<&str>,
        r: Refusal,
    ) -> Error {
        self.refused_with(kind, request, subject, r, json!({})).await
    }

    /// Like `refused`, with more `details` (an object) for the audit event.
    async fn refused_with(
        &self,
        kind: AuditKind,
        request: Option<&FactorResetRequest>,
        subject: Option<&str>,
        r: Refusal,
        more: serde_json::Value,
    ) -> Error {
        let mut details = json!({ "request": request.map(|r| r.id.as_str()), "reason": r.code });
        if let (Some(details), serde_json::Value::Object(more)) = (details.as_object_mut(), more) {
            details.extend(more);
        }
        match self.audit(kind, Outcome::Denied, subject, details).await {
            Ok(()) => Error::NotAllowed(r.message),
            Err(e) => e,
        }
    }

    /// The origin of the steps time decides: the system's, not the person whose request happened to notice them
    /// (their own attempt is recorded once, as theirs); the request id is kept, to find the request in the logs.
    fn system_origin(&self) -> Origin {
        Origin {
            actor: SYSTEM_ACTOR.into(),
            request_id: self.origin.request_id.clone(),
            ..Default::default()
        }
    }
}

/// The same services as `ctx`, acting as the system (`origin` from [`Ctx::system_origin`]).
fn as_system<'a>(ctx: &Ctx<'a>, origin: &'a Origin) -> Ctx<'a> {
    Ctx {
        store: ctx.store,
        notifier: ctx.notifier,
        sms: ctx.sms,
        settings: ctx.settings,
        now: ctx.now,
        origin,
    }
}

/// A user and their roles, for the rules; and, when they act through a signed-in browser session, the methods
/// that session proved (`amr`), which a decision must meet their own role policy with ([`approver`]).
pub struct Member {
    pub user: User,
    pub roles: Vec<String>,
    /// `None` for the command line and the admin API (whose tokens are judged at the API's door).
    pub amr: Option<Vec<String>>,
}

impl Member {
    pub async fn load(store: &dyn Store, user: User) -> Result<Self> {
        let roles = store.roles_of(&user.id).await?;
        Ok(Member { user, roles, amr: None })
    }

    /// The same person, acting through a browser session that proved `amr`.
    pub fn signed_in_with(self, amr: Vec<String>) -> Self {
        Member { amr: Some(amr), ..self }
    }

    pub fn person(&self) -> Person<'_> {
        Person {
            id: &self.user.id,
            manager_id: self.user.manager_id.as_deref(),
            active: self.user.status == UserStatus::Active,
            roles: &self.roles,
        }
    }
}

/// The account `id` as a member (its roles loaded).
pub async fn member_by_id(store: &dyn Store, id: &str) -> Result<Member> {
    let user = store
        .user_by_id(id)
        .await?
        .ok_or_else(|| Error::NotFound("user".into()))?;
    Member::load(store, user).await
}

/// The request with this id, moved on first if time has moved it (expired, or cooling-off over).
pub async fn load(ctx: &Ctx<'_>, id: &str) -> Result<FactorResetRequest> {
    if id.is_empty() || id.len() > 64 {
        return Err(Error::NotFound("factor reset request".into()));
    }
    let request = ctx
        .store
        .factor_reset(id)
        .await?
        .ok_or_else(|| Error::NotFound("factor reset request".into()))?;
    advance(ctx, request).await
}

/// The request behind a link token, moved on first; `InvalidLink` for an unknown token.
pub async fn by_link(ctx: &Ctx<'_>, link: ResetLink, token: &str) -> Result<FactorResetRequest> {
    if token.is_empty() || token.len() > 128 {
        return Err(Error::InvalidLink);
    }
    let request = ctx
        .store
        .factor_reset_by_link(link, &token_digest(token))
        .await?
        .ok_or(Error::InvalidLink)?;
    advance(ctx, request).await
}

/// Applies what time decided: an unanswered request past its approval deadline, or an approved one not executed
/// in time, expires; a waiting one whose cooling-off is over is finished. Returns the request as it now is.
pub async fn advance(ctx: &Ctx<'_>, request: FactorResetRequest) -> Result<FactorResetRequest> {
    let now = ctx.now;
    let origin = ctx.system_origin();
    let system = as_system(ctx, &origin);
    let expired = match request.state {
        ResetState::Requested => now >= request.approval_expires_at,
        ResetState::Approved => request
            .approved_at
            .is_some_and(|at| now >= at + ctx.settings.approval_ttl),
        ResetState::Waiting => {
            if request.cooling_off_until.is_some_and(|until| now >= until) {
                finish(&system, &request).await?;
                return reread(ctx, request).await;
            }
            false
        }
        _ => false,
    };
    if expired {
        let mut next = request.clone();
        next.state = ResetState::Expired;
        next.closed_by = Some("system".into());
        next.closed_at = Some(now);
        if ctx.store.update_factor_reset(&next, request.state).await? {
            system
                .audit(
                    AuditKind::RecoveryExpired,
                    Outcome::Success,
                    Some(&request.user_id),
                    json!({ "request": request.id, "from": request.state }),
                )
                .await?;
        }
        return reread(ctx, request).await;
    }
    Ok(request)
}

async fn reread(ctx: &Ctx<'_>, request: FactorResetRequest) -> Result<FactorResetRequest> {
    Ok(ctx.store.factor_reset(&request.id).await?.unwrap_or(request))
}

/// Moves on every open request that time has decided (the server's periodic task); the number moved.
pub async fn sweep(ctx: &Ctx<'_>) -> Result<usize> {
    let mut moved = 0;
    for request in ctx.store.list_factor_resets(None, true).await? {
        let before = request.state;
        if advance(ctx, request).await?.state != before {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Opens a request for `subject`. `opener` is `None` when the user opens it themselves (after their password),
/// else the agent. `factors` is `all` or factor ids of the user, comma-separated (the command line and the API).
/// The approval route is decided (`route`) and stored on the request, and whoever it asks is mailed the link.
pub async fn open(
    ctx: &Ctx<'_>,
    opener: Option<&Member>,
    subject: &Member,
    factors: &str,
    reason: &str,
) -> Result<FactorResetRequest> {
    open_chosen(ctx, opener, subject, FactorSelection::parse(factors), reason).await
}

/// Like [`open`], with the factors already chosen (a form's boxes). The rules of who may open come first, so a
/// refusal of the person is audited whatever the choice; a malformed choice (`Err`) is then a 400, and a factor
/// that is not the subject's a 403, audited, with nothing stored.
pub async fn open_chosen(
    ctx: &Ctx<'_>,
    opener: Option<&Member>,
    subject: &Member,
    selection: Result<FactorSelection>,
    reason: &str,
) -> Result<FactorResetRequest> {
    const KIND: AuditKind = AuditKind::RecoveryOpened;
    let user = &subject.user;
    if let Err(r) = may_open(opener.map(Member::person).as_ref(), &subject.person()) {
        return Err(ctx.refused(KIND, None, Some(&user.id), r).await);
    }
    let reason = match parse_reason(reason) {
        Ok(reason) => reason,
        Err(r) => return Err(ctx.refused(KIND, None, Some(&user.id), r).await),
    };
    let selection = selection?;
    let existing = ctx.store.factors_of(&user.id).await?;
    match &selection {
        FactorSelection::All if existing.is_empty() => {
            let r = Refusal {
                code: "no_factors",
                message: "This account has no second factor to reset.".into(),
            };
            return Err(ctx.refused(KIND, None, Some(&user.id), r).await);
        }
        FactorSelection::Ids(ids) => {
            // Unknown ids and another account's factors alike: this account has no such factor.
            if let Some(unknown) = ids.iter().find(|id| !existing.iter().any(|f| &f.id == *id)) {
                let r = Refusal {
                    code: "unknown_factor",
                    message: "This account has no such factor: choose among the factors it has.".into(),
                };
                let factor = json!({ "factor": super::super::model::truncate(unknown, 64) });
                return Err(ctx.refused_with(KIND, None, Some(&user.id), r, factor).await);
            }
        }
        FactorSelection::All => {}
    }
    for open in ctx.store.list_factor_resets(Some(&user.id), true).await? {
        if advance(ctx, open).await?.state.is_open() {
            let r = Refusal {
                code: "already_open",
                message: "A factor reset for this account is already under way.".into(),
            };
            return Err(ctx.refused(KIND, None, Some(&user.id), r).await);
        }
    }
    let requester = opener.map(|o| o.user.id.as_str());
    let policy = roles::recovery_policy(ctx.store, ctx.now, &subject.roles).await?;
    let path = recovery_policy::request_path(&policy);
    let route = routing::resolve(ctx.store, user, requester, &ctx.settings.approver_role, path, ctx.now).await?;
    let addresses = notices::snapshot(ctx.store, user, ctx.now).await?;
    let token = random_token();
    let request = FactorResetRequest {
        opened_ip: ctx.origin.ip.clone(),
        opened_user_agent: ctx
            .origin
            .user_agent
            .as_deref()
            .map(|ua| super::super::model::truncate(ua, 512)),
        approval_token_hash: Some(token_digest(&token)),
        route: Some(route.clone()),
        recovery_path: Some(path),
        notice_addresses: Some(addresses.clone()),
        ..FactorResetRequest::opened(
            &user.id,
            selection,
            reason,
            requester.unwrap_or(SELF).to_string(),
            ctx.now,
            ctx.now + ctx.settings.approval_ttl,
        )
    };
    ctx.store.insert_factor_reset(&request).await?;
    ctx.audit(
        KIND,
        Outcome::Success,
        Some(&user.id),
        json!({
            "request": request.id, "factors": request.factors.to_text(), "opened_by": request.opened_by,
            "recovery_path": path, "single_channel": addresses.single_channel(),
            "notice_addresses": addresses.emails.len() + addresses.phones.len(), "route": route.steps, "routed_to": route.approver_id, "routed_role": route.role,
            "approval_mailed_to": route.asked(),
        }),
    )
    .await?;
    let approval = routing::Approval {
        subject: user,
        request: &request,
        link: ctx.settings.link("/recovery/approve", &token),
        hours: ctx.settings.approval_ttl.num_hours(),
    };
    routing::mail_approvers(ctx.store, ctx.notifier, &route, &approval).await?;
    // The user hears of it at once, at every address they had (an agent may have opened it on a caller's word).
    let notice = json!({ "opened_by_self": request.opened_by == SELF });
    notices::mail_all(ctx.notifier, user, &addresses, "recovery_opened", notice).await;
    let args = [("username", user.username.as_str().into())];
    notices::text_all(ctx.notifier, ctx.sms, user, &addresses, "sms-recovery-opened", &args).await;
    Ok(request)
}

/// Whether `approver` may decide `request`, and on which basis (the rules of `may_decide`, with where the
/// approver stands towards the subject read from the graph): what a page offers them before they decide.
pub async fn decision_basis(
    store: &dyn Store,
    request: &FactorResetRequest,
    approver: &Member,
) -> Result<std::result::Result<ApprovalBasis, Refusal>> {
    let subject = member_by_id(store, &request.user_id).await?;
    let line = routing::line(store, &approver.user, &subject.user.id).await?;
    Ok(may_decide(request, &approver.person(), &subject.person(), line))
}

/// Which request a decision is about: by id (console, CLI) or by the approval link's token (mail).
pub enum Target<'a> {
    Id(&'a str),
    Link(&'a str),
}

/// Approves (`approve`) or denies the request as `approver`. Through a link, the link's request is the one
/// decided, and using it is the transition: of two uses, concurrent or not, one wins.
pub async fn decide(
    ctx: &Ctx<'_>,
    approver: &Member,
    target: Target<'_>,
    approve: bool,
    note: Option<&str>,
) -> Result<FactorResetRequest> {
    let kind = if approve {
        AuditKind::RecoveryApproved
    } else {
        AuditKind::RecoveryDenied
    };
    let via_link = matches!(target, Target::Link(_));
    let request = match target {
        Target::Id(id) => load(ctx, id).await,
        Target::Link(token) => by_link(ctx, ResetLink::Approval, token).await,
    };
    let request = match request {
        Ok(request) => request,
        Err(e @ (Error::InvalidLink | Error::NotFound(_))) => {
            ctx.audit(
                kind,
                Outcome::Failure,
                None,
                json!({ "reason": "unknown_request", "via_link": via_link }),
            )
            .await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    if request.state != ResetState::Requested {
        let r = Refusal {
            code: "not_requested",
            message: "This request was decided, cancelled or has expired; it can no longer be decided.".into(),
        };
        let state = json!({ "state": request.state });
        let e = ctx
            .refused_with(kind, Some(&request), Some(&request.user_id), r, state)
            .await;
        return Err(if via_link { Error::InvalidLink } else { e });
    }
    let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => match parse_reason(n) {
            Ok(n) => Some(n),
            Err(r) => return Err(ctx.refused(kind, Some(&request), Some(&request.user_id), r).await),
        },
        None => None,
    };
    let subject = member_by_id(ctx.store, &request.user_id).await?;
    let line = routing::line(ctx.store, &approver.user, &subject.user.id).await?;
    let basis = match may_approve(&request, &approver.person(), &subject.person(), line, note.as_deref()) {
        Ok(basis) => basis,
        Err(r) => return Err(ctx.refused(kind, Some(&request), Some(&request.user_id), r).await),
    };
    // From a browser, the decision needs a sign-in that meets the approver's own role policy (the pages send a
    // weaker one to step up first; this is the rule itself).
    if let Some(amr) = &approver.amr
        && approver::check(ctx.store, ctx.now, &approver.user, amr).await? != SignInCheck::Meets
    {
        return Err(refused_sign_in(ctx, kind, &request, amr).await);
    }
    let mut next = request.clone();
    next.approver_id = Some(approver.user.id.clone());
    next.approver_amr = approver.amr.clone();
    next.approval_note = note;
    next.approval_token_hash = None;
    if approve {
        next.state = ResetState::Approved;
        next.approved_at = Some(ctx.now);
    } else {
        next.state = ResetState::Denied;
        next.closed_by = Some(approver.user.id.clone());
        next.closed_at = Some(ctx.now);
    }
    if !ctx.store.update_factor_reset(&next, ResetState::Requested).await? {
        let r = Refusal {
            code: "decided_concurrently",
            message: "This request was decided a moment ago by someone else.".into(),
        };
        let e = ctx.refused(kind, Some(&request), Some(&request.user_id), r).await;
        return Err(if via_link { Error::InvalidLink } else { e });
    }
    ctx.audit(
        kind,
        Outcome::Success,
        Some(&request.user_id),
        json!({
            "request": request.id, "approver": approver.user.id, "basis": basis, "via_link": via_link,
            "note": next.approval_note, "approver_amr": next.approver_amr,
        }),
    )
    .await?;
    Ok(next)
}

/// Records the refusal of a decision whose sign-in (`amr`) does not meet the decider's own role policy.
async fn refused_sign_in(ctx: &Ctx<'_>, kind: AuditKind, request: &FactorResetRequest, amr: &[String]) -> Error {
    let r = Refusal {
        code: "sign_in_too_weak",
        message: "Your role requires a second factor for this: confirm your sign-in with one, then decide.".into(),
    };
    let methods = json!({ "approver_amr": amr });
    ctx.refused_with(kind, Some(request), Some(&request.user_id), r, methods)
        .await
}

/// The approval page's refusal of an approver whose sign-in (`amr`) falls short of their own role policy and who
/// has no factor to step up with: recorded (the helpdesk sees on the request why nobody decides), once per
/// attempt to open the page. `Ok` once recorded.
pub async fn refuse_weak_sign_in(ctx: &Ctx<'_>, request: &FactorResetRequest, amr: &[String]) -> Result<()> {
    match refused_sign_in(ctx, AuditKind::RecoveryApproved, request, amr).await {
        Error::NotAllowed(_) => Ok(()),
        e => Err(e),
    }
}

/// Executes an approved request as `executor`, recording which identity checks passed; the cooling-off starts
/// and every channel the user has is told, with a link that cancels the reset.
pub async fn execute(ctx: &Ctx<'_>, executor: &Member, id: &str, checks: &[String]) -> Result<FactorResetRequest> {
    Ok(execute_with(ctx, executor, id, checks, None).await?.0)
}

/// [`execute`], and with `pass_key` a temporary access pass for the user (`pass`), returned to be shown once to the
/// executor: its digest is stored by the same conditional UPDATE that executes the request, so no pass exists
/// without an approved request that reached execution. A refused execution issues none, and says so in the log.
pub async fn execute_with(
    ctx: &Ctx<'_>,
    executor: &Member,
    id: &str,
    checks: &[String],
    pass_key: Option<&[u8; 32]>,
) -> Result<(FactorResetRequest, Option<String>)> {
    let result = execute_issuing(ctx, executor, id, checks, pass_key).await;
    if let (Err(_), Some(_)) = (&result, pass_key) {
        let details = json!({ "request": super::super::model::truncate(id, 64), "reason": "not_executed" });
        ctx.audit(AuditKind::RecoveryPassIssued, Outcome::Denied, None, details)
            .await?;
    }
    result
}

async fn execute_issuing(
    ctx: &Ctx<'_>,
    executor: &Member,
    id: &str,
    checks: &[String],
    pass_key: Option<&[u8; 32]>,
) -> Result<(FactorResetRequest, Option<String>)> {
    const KIND: AuditKind = AuditKind::RecoveryExecuted;
    let request = load(ctx, id).await?;
    if request.state != ResetState::Approved {
        let r = Refusal {
            code: "not_approved",
            message: "Only an approved request can be executed.".into(),
        };
        let state = json!({ "state": request.state });
        return Err(ctx
            .refused_with(KIND, Some(&request), Some(&request.user_id), r, state)
            .await);
    }
    let subject = member_by_id(ctx.store, &request.user_id).await?;
    if let Err(r) = may_execute(&request, &executor.person(), &subject.person()) {
        return Err(ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await);
    }
    let on = ctx.settings.caller_verification;
    if let Err(r) = verify_gate::check(ctx.store, ctx.now, on, &request, &executor.user.id, &subject.roles).await? {
        return Err(ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await);
    }
    let checks = match parse_checks(checks, &ctx.settings.checks) {
        Ok(checks) => checks,
        Err(r) => return Err(ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await),
    };
    // The delay is fixed now, from the roles the user holds at execution; a later policy change does not move it.
    let policies = crate::core::policy::roles::policies_of(ctx.store, ctx.now, &subject.roles).await?;
    let delay = super::cooling_off(&policies, ctx.settings.cooling_off, ctx.settings.cooling_off_admin);
    let token = random_token();
    let mut next = request.clone();
    next.state = ResetState::Waiting;
    next.executor_id = Some(executor.user.id.clone());
    next.executed_at = Some(ctx.now);
    next.checks_passed = checks;
    next.cooling_off_until = Some(ctx.now + delay);
    next.cancel_token_hash = Some(token_digest(&token));
    // The pass works from the end of the cooling-off (when the factors go) for the pass lifetime.
    let pass = pass_key.map(|key| {
        let pass = super::pass_code::generate();
        let plain = super::pass_code::normalize(&pass).unwrap_or_default();
        next.pass_hash = Some(super::pass_code::digest(key, &plain));
        next.pass_expires_at = Some(ctx.now + delay + ctx.settings.pass_ttl);
        pass
    });
    if !ctx.store.update_factor_reset(&next, ResetState::Approved).await? {
        let r = Refusal {
            code: "changed_concurrently",
            message: "This request changed a moment ago; reload it.".into(),
        };
        return Err(ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await);
    }
    let channels = notify_pending(ctx, &subject.user, &next, &token).await?;
    ctx.audit(
        KIND,
        Outcome::Success,
        Some(&request.user_id),
        json!({
            "request": request.id, "executor": executor.user.id, "checks_passed": next.checks_passed,
            "cooling_off_until": next.cooling_off_until, "cooling_off_minutes": delay.num_minutes(),
            "notified": channels, "temporary_pass": pass.is_some(),
        }),
    )
    .await?;
    if pass.is_some() {
        ctx.audit(
            AuditKind::RecoveryPassIssued,
            Outcome::Success,
            Some(&request.user_id),
            json!({ "request": request.id, "executor": executor.user.id, "pass_expires_at": next.pass_expires_at }),
        )
        .await?;
        let to = notices::targets(ctx.store, &subject.user, &next).await?;
        let mail = ("recovery_pass_issued", json!({}));
        notices::tell_all(
            ctx.notifier,
            ctx.sms,
            &subject.user,
            &to,
            mail,
            ("sms-recovery-pass-issued", &[]),
        )
        .await;
    }
    Ok((next, pass))
}

/// Mails (and texts, to the number on file and every SMS factor's number) the cancel notice; the channels
/// reached. A channel that fails is logged, never a reason to stop: the others still reach the user.
async fn notify_pending(ctx: &Ctx<'_>, user: &User, request: &FactorResetRequest, token: &str) -> Result<Vec<String>> {
    let link = ctx.settings.link("/recovery/cancel", token);
    // Executed requests always have a cooling-off end; `now` only guards a record that lacks one.
    let until = request.cooling_off_until.unwrap_or(ctx.now);
    let to = notices::targets(ctx.store, user, request).await?;
    let values = json!({ "link": link, "until": until.to_rfc3339() });
    let mut reached = notices::mail_all(ctx.notifier, user, &to, "recovery_pending", values).await;
    let args = [("until", until.into()), ("link", link.as_str().into())];
    reached.extend(notices::text_all(ctx.notifier, ctx.sms, user, &to, "sms-recovery-pending", &args).await);
    Ok(reached)
}

/// Who is cancelling.
pub enum Canceller<'a> {
    /// Whoever holds the "this wasn't me" link from the notice.
    Link(&'a str),
    /// A signed-in person or CLI operator: the subject, or a helpdesk agent or admin.
    Member(&'a Member, &'a str),
}

/// Cancels an open request. Through the notice's link only while the cooling-off runs.
pub async fn cancel(ctx: &Ctx<'_>, by: Canceller<'_>) -> Result<FactorResetRequest> {
    const KIND: AuditKind = AuditKind::RecoveryCancelled;
    let (request, actor) = match by {
        Canceller::Link(token) => match by_link(ctx, ResetLink::Cancel, token).await {
            Ok(request) if request.state == ResetState::Waiting => (request, "link".to_string()),
            Ok(request) => {
                let r = Refusal {
                    code: "not_waiting",
                    message: String::new(),
                };
                ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await;
                return Err(Error::InvalidLink);
            }
            Err(e) => {
                ctx.audit(KIND, Outcome::Failure, None, json!({ "reason": "unknown_link" }))
                    .await?;
                return Err(e);
            }
        },
        Canceller::Member(member, id) => {
            let request = load(ctx, id).await?;
            let person = member.person();
            let allowed =
                person.active && (member.user.id == request.user_id || person.has("helpdesk") || person.has("admin"));
            if !allowed {
                let r = Refusal {
                    code: "role_missing",
                    message: "Only the user, a helpdesk agent or an administrator cancels a request.".into(),
                };
                return Err(ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await);
            }
            (request, member.user.id.clone())
        }
    };
    if !request.state.is_open() {
        let r = Refusal {
            code: "not_open",
            message: "This request is closed and can no longer be cancelled.".into(),
        };
        let state = json!({ "state": request.state });
        return Err(ctx
            .refused_with(KIND, Some(&request), Some(&request.user_id), r, state)
            .await);
    }
    let mut next = request.clone();
    next.state = ResetState::Cancelled;
    next.closed_by = Some(actor.clone());
    next.closed_at = Some(ctx.now);
    next.cancel_token_hash = None;
    next.approval_token_hash = None;
    if !ctx.store.update_factor_reset(&next, request.state).await? {
        let r = Refusal {
            code: "changed_concurrently",
            message: "This request changed a moment ago; reload it.".into(),
        };
        return Err(ctx.refused(KIND, Some(&request), Some(&request.user_id), r).await);
    }
    ctx.audit(
        KIND,
        Outcome::Success,
        Some(&request.user_id),
        json!({ "request": request.id, "by": actor, "from": request.state }),
    )
    .await?;
    Ok(next)
}

/// The kinds of the factors a request removes, each once (Shared Signals name each credential type that changed).
async fn kinds_covered(ctx: &Ctx<'_>, request: &FactorResetRequest) -> Result<Vec<&'static str>> {
    let mut kinds: Vec<&'static str> = Vec::new();
    for factor in ctx.store.factors_of(&request.user_id).await? {
        if request.factors.covers(&factor.id) && !kinds.contains(&factor.kind.as_str()) {
            kinds.push(factor.kind.as_str());
        }
    }
    Ok(kinds)
}

/// The end of the cooling-off: the factors go, every session ends, and the user is mailed an enrolment link.
async fn finish(ctx: &Ctx<'_>, request: &FactorResetRequest) -> Result<()> {
    let token = random_token();
    let mut next = request.clone();
    next.state = ResetState::Done;
    next.cancel_token_hash = None;
    next.enrol_token_hash = Some(token_digest(&token));
    next.enrol_expires_at = Some(ctx.now + ctx.settings.enrol_ttl);
    next.closed_by = Some("system".into());
    next.closed_at = Some(ctx.now);
    let kinds_removed = kinds_covered(ctx, request).await?;
    if !ctx.store.finish_factor_reset(&next, ctx.now).await? {
        return Ok(());
    }
    // A trusted browser must not skip the new factor's enrolment-and-use: every trust of the user ends too.
    crate::core::signin::trusted_devices::revoke_all(ctx.store, ctx.now, ctx.origin, &request.user_id, "factor_reset")
        .await?;
    ctx.audit(
        AuditKind::RecoveryDone,
        Outcome::Success,
        Some(&request.user_id),
        json!({
            "request": request.id, "factors_removed": request.factors.to_text(), "kinds_removed": kinds_removed,
            "all_sessions_ended": true,
            "enrolment_link_until": next.enrol_expires_at,
        }),
    )
    .await?;
    if let Some(user) = ctx.store.user_by_id(&request.user_id).await? {
        let values = json!({
            "link": ctx.settings.link("/recovery/enrol", &token),
            "hours": ctx.settings.enrol_ttl.num_hours(),
        });
        let to = notices::targets(ctx.store, &user, &next).await?;
        let text = ("sms-recovery-done", &[("username", user.username.as_str().into())][..]);
        notices::tell_all(ctx.notifier, ctx.sms, &user, &to, ("recovery_done", values), text).await;
    }
    Ok(())
}

/// The request's history from the audit log, oldest first: every transition and refusal that names it.
pub async fn timeline(store: &dyn Store, request: &FactorResetRequest) -> Result<Vec<audit::AuditRecord>> {
    let mut events: Vec<audit::AuditRecord> = store
        .list_audit(Some(&request.user_id), 1000)
        .await?
        .into_iter()
        .filter(|r| r.event.details.get("request").and_then(|v| v.as_str()) == Some(request.id.as_str()))
        .collect();
    events.reverse();
    Ok(events)
}
