//! Second-factor recovery: factor-reset requests, kept apart from password reset.
//!
//! A request names a user and the factors to reset, who opened it (the user after a correct password — "self" —
//! or a helpdesk agent), why, and from where. It moves
//!
//! ```text
//! requested ──approve──▶ approved ──execute──▶ waiting ──(cooling-off over)──▶ done
//!     │ deny / cancel / expire     │ cancel / expire     │ cancel ("this wasn't me")
//!     ▼                            ▼                     ▼
//!  denied | cancelled | expired  cancelled | expired   cancelled
//! ```
//!
//! This module is the pure part: the request, its states, and the separation-of-duties rules, which decide
//! from values alone and are unit-tested here. `flow` does the orchestration (storage, mail, SMS, audit).
//! Every transition is stored by one conditional UPDATE on the expected state (`RecoveryStore`), so of
//! concurrent attempts exactly one wins.
pub mod approver;
pub mod enrol;
pub mod export;
pub mod flow;
pub mod notices;
pub mod pass;
pub mod pass_code;
pub mod route;
pub mod routing;
pub mod search;
pub mod verify;
pub mod verify_flow;
pub mod verify_gate;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::policy::RolePolicy;
use super::policy::recovery::RecoveryPath;
use super::{Error, Result};
use route::{ApprovalRoute, Position};

/// Longest reason accepted, in characters (the refusal's text says so).
pub const MAX_REASON: usize = 500;
/// The `opened_by` value of a request the user opened themselves after a correct password.
pub const SELF: &str = "self";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResetState {
    Requested,
    Approved,
    /// Executed by helpdesk; the cooling-off runs.
    Waiting,
    Done,
    Denied,
    Cancelled,
    Expired,
}

impl ResetState {
    pub fn as_str(self) -> &'static str {
        match self {
            ResetState::Requested => "requested",
            ResetState::Approved => "approved",
            ResetState::Waiting => "waiting",
            ResetState::Done => "done",
            ResetState::Denied => "denied",
            ResetState::Cancelled => "cancelled",
            ResetState::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "requested" => ResetState::Requested,
            "approved" => ResetState::Approved,
            "waiting" => ResetState::Waiting,
            "done" => ResetState::Done,
            "denied" => ResetState::Denied,
            "cancelled" => ResetState::Cancelled,
            "expired" => ResetState::Expired,
            _ => return None,
        })
    }

    /// Requested, approved or waiting: the request can still change the account.
    pub fn is_open(self) -> bool {
        matches!(self, ResetState::Requested | ResetState::Approved | ResetState::Waiting)
    }
}

/// Which factors a request resets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorSelection {
    All,
    Ids(Vec<String>),
}

impl FactorSelection {
    /// `all`, or a comma-separated list of factor ids.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(FactorSelection::All);
        }
        let ids: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Self::of_ids(ids).map_err(|_| Error::invalid("Name the factors to reset: 'all' or their ids, comma-separated."))
    }

    /// Some factors by id (a form's ticked boxes): 1 to 32 ids of at most 64 characters, repeats dropped.
    pub fn of_ids(ids: Vec<String>) -> Result<Self> {
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        if out.is_empty() || out.len() > 32 || out.iter().any(|id| id.is_empty() || id.len() > 64) {
            return Err(Error::invalid("Choose the factors to reset, or all of them."));
        }
        Ok(FactorSelection::Ids(out))
    }

    /// Whether the selection takes the factor with this id.
    pub fn covers(&self, factor_id: &str) -> bool {
        match self {
            FactorSelection::All => true,
            FactorSelection::Ids(ids) => ids.iter().any(|id| id == factor_id),
        }
    }

    /// The stored form: `all` or the ids joined by commas.
    pub fn to_text(&self) -> String {
        match self {
            FactorSelection::All => "all".into(),
            FactorSelection::Ids(ids) => ids.join(","),
        }
    }
}

/// One factor-reset request as stored. Link tokens are stored only as SHA-256 digests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactorResetRequest {
    pub id: String,
    pub user_id: String,
    pub factors: FactorSelection,
    pub reason: String,
    /// The requester: `self`, or the id of the agent who opened it on the user's behalf.
    pub opened_by: String,
    pub opened_ip: Option<String>,
    pub opened_user_agent: Option<String>,
    pub state: ResetState,
    pub created_at: DateTime<Utc>,
    /// The approval link's end; a request not approved by then expires.
    pub approval_expires_at: DateTime<Utc>,
    #[serde(skip)]
    pub approval_token_hash: Option<String>,
    /// Who was asked to approve, and why them (`route`), fixed when the request was opened; `None` for requests
    /// opened before routing existed, which their manager decides.
    pub route: Option<ApprovalRoute>,
    pub approver_id: Option<String>,
    /// How the person who decided had signed in (`amr`: `pwd`, `otp`, `hwk`, `mfa`, …), when they decided from a
    /// browser session; `None` before a decision, and for decisions from the command line or the admin API.
    pub approver_amr: Option<Vec<String>>,
    /// The reason an admin gave for approving in the manager's place, or why it was denied.
    pub approval_note: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub executor_id: Option<String>,
    pub executed_at: Option<DateTime<Utc>>,
    /// Names of the identity checks the executor confirmed (never the answers).
    pub checks_passed: Vec<String>,
    pub cooling_off_until: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub cancel_token_hash: Option<String>,
    #[serde(skip)]
    pub enrol_token_hash: Option<String>,
    pub enrol_expires_at: Option<DateTime<Utc>>,
    pub enrol_used_at: Option<DateTime<Utc>>,
    /// The temporary access pass's keyed digest, while it can be used (`pass`).
    #[serde(skip)]
    pub pass_hash: Option<String>,
    /// When the pass stops working: the pass lifetime after the end of the cooling-off.
    pub pass_expires_at: Option<DateTime<Utc>>,
    pub pass_used_at: Option<DateTime<Utc>>,
    /// Who ended it (denied, cancelled), or `system` (expired, done).
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The request path it takes, from the user's recovery policy when it opened (`approval`, or `two-admins`:
    /// an administrator approves and another executes); `None`: opened before paths were recorded, which the
    /// rules treat as before (two administrators for an admin's or helpdesk agent's reset).
    pub recovery_path: Option<RecoveryPath>,
    /// The addresses the user had when it opened, where every notice of it goes; `None`: opened before.
    pub notice_addresses: Option<NoticeAddresses>,
}

/// The e-mail addresses and phone numbers a request's notices go to, fixed when it opens: someone who took over
/// the account and changed its address afterwards cannot keep the owner from hearing of the reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NoticeAddresses {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

impl NoticeAddresses {
    /// Adds an address not yet present (compared without case for e-mail).
    pub fn add_email(&mut self, email: &str) {
        let email = email.trim();
        if !email.is_empty() && !self.emails.iter().any(|e| e.eq_ignore_ascii_case(email)) {
            self.emails.push(email.to_string());
        }
    }

    pub fn add_phone(&mut self, phone: &str) {
        let phone = phone.trim();
        if !phone.is_empty() && !self.phones.iter().any(|p| p == phone) {
            self.phones.push(phone.to_string());
        }
    }

    /// Fewer than two distinct addresses: a notice cannot reach the owner on a second channel, and the request
    /// says so.
    pub fn single_channel(&self) -> bool {
        self.emails.len() + self.phones.len() < 2
    }
}

impl FactorResetRequest {
    /// A request just opened: `Requested`, with an approval window until `approval_expires_at`, nothing decided.
    pub fn opened(
        user_id: &str,
        factors: FactorSelection,
        reason: String,
        opened_by: String,
        now: DateTime<Utc>,
        approval_expires_at: DateTime<Utc>,
    ) -> Self {
        FactorResetRequest {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_string(),
            factors,
            reason,
            opened_by,
            opened_ip: None,
            opened_user_agent: None,
            state: ResetState::Requested,
            created_at: now,
            approval_expires_at,
            approval_token_hash: None,
            route: None,
            approver_id: None,
            approver_amr: None,
            approval_note: None,
            approved_at: None,
            executor_id: None,
            executed_at: None,
            checks_passed: vec![],
            cooling_off_until: None,
            cancel_token_hash: None,
            enrol_token_hash: None,
            enrol_expires_at: None,
            enrol_used_at: None,
            pass_hash: None,
            pass_expires_at: None,
            pass_used_at: None,
            closed_by: None,
            closed_at: None,
            recovery_path: None,
            notice_addresses: None,
        }
    }

    /// Whether this request's reset needs administrators to approve and execute it: its path is `two-admins`;
    /// for a request opened before paths were recorded, the subject is an admin or helpdesk agent.
    pub fn needs_admins(&self, subject: &Person) -> bool {
        match self.recovery_path {
            Some(path) => path == RecoveryPath::TwoAdmins,
            None => subject.is_privileged(),
        }
    }

    /// Whether the notices of this request reach fewer than two distinct addresses (`None` before recorded).
    pub fn single_channel(&self) -> Option<bool> {
        self.notice_addresses.as_ref().map(NoticeAddresses::single_channel)
    }
}

/// A person taking part: their account and roles.
#[derive(Clone, Debug)]
pub struct Person<'a> {
    pub id: &'a str,
    pub manager_id: Option<&'a str>,
    pub active: bool,
    pub roles: &'a [String],
}

impl Person<'_> {
    pub fn has(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    fn is_privileged(&self) -> bool {
        self.has("admin") || self.has("helpdesk")
    }
}

/// Why a rule refused: a stable code for the audit log and a sentence for the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: &str) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::NotAllowed(r.message)
    }
}

/// A reason (or a decision's note): trimmed, 1 to `MAX_REASON` characters, no control characters other than line
/// breaks.
pub fn parse_reason(text: &str) -> Result<String, Refusal> {
    let reason = text.trim();
    if reason.is_empty() {
        return Err(refuse("reason_missing", "A reason is required."));
    }
    if reason.chars().count() > MAX_REASON || reason.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(refuse(
            "reason_invalid",
            "A reason has at most 500 characters and no control characters.",
        ));
    }
    Ok(reason.to_string())
}

/// Who may open a request for `subject`: the user themselves (after their password: `opener` is `None`),
/// or an active helpdesk agent or admin who is not the subject.
pub fn may_open(opener: Option<&Person>, subject: &Person) -> Result<(), Refusal> {
    let Some(opener) = opener else {
        return Ok(());
    };
    if !opener.active {
        return Err(refuse("actor_disabled", "Your account is disabled."));
    }
    if opener.id == subject.id {
        return Err(refuse(
            "own_factors",
            "Open a request for your own factors from the second-factor page after your password, not as an agent.",
        ));
    }
    if !opener.is_privileged() {
        return Err(refuse(
            "role_missing",
            "Only helpdesk agents and administrators open requests for someone else.",
        ));
    }
    Ok(())
}

/// How an approval was justified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalBasis {
    /// The subject's manager, whom the request was routed to.
    Manager,
    /// The delegate of an away manager (or of an away manager further up), whom the request was routed to.
    Delegate,
    /// The manager's manager, or someone further up, whom the request was routed to.
    Chain,
    /// A member of the fallback approver role, which the request was routed to.
    Role,
    /// An admin in the routed approver's place (nobody could be asked, or they are away), with a stated reason.
    AdminOverride,
}

impl ApprovalBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalBasis::Manager => "manager",
            ApprovalBasis::Delegate => "delegate",
            ApprovalBasis::Chain => "chain",
            ApprovalBasis::Role => "role",
            ApprovalBasis::AdminOverride => "admin_override",
        }
    }

    fn of(position: Position) -> Self {
        match position {
            Position::Manager => ApprovalBasis::Manager,
            Position::Delegate => ApprovalBasis::Delegate,
            Position::Chain => ApprovalBasis::Chain,
            Position::Role => ApprovalBasis::Role,
        }
    }
}

/// Where a would-be approver stands towards the subject in the manager graph, found by walking up from the
/// approver (`route::Graph::reports_to`): nobody approves a reset of someone who manages them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// Not managed by the subject.
    Outside,
    /// The subject manages them, directly or further up.
    UnderSubject,
}

/// The basis on which the request's route asks `approver`: the one person it was routed to, or a member (now) of
/// the role it was routed to. A request opened before routing existed asks the subject's manager.
fn routed_basis(request: &FactorResetRequest, approver: &Person, subject: &Person) -> Option<ApprovalBasis> {
    let Some(route) = &request.route else {
        return (subject.manager_id == Some(approver.id)).then_some(ApprovalBasis::Manager);
    };
    if route.approver_id.as_deref() == Some(approver.id) {
        return route.position_of_approver().map(ApprovalBasis::of);
    }
    route
        .role
        .as_deref()
        .filter(|role| approver.has(role))
        .map(|_| ApprovalBasis::Role)
}

/// Whether `approver` may decide (approve or deny) `request` for `subject` at all, and on which basis — the rules of
/// [`may_approve`] before the reason of an override is known, so a page asks for that reason only of someone who
/// would act in the routed approver's place. Rules: the approver is active, is neither the subject nor the
/// requester, is not managed by the subject (`line`; this holds for administrators too), is the person or a member
/// of the role the request was routed to, or an admin; an admin's or helpdesk agent's reset needs an admin approver
/// (for an admin subject, a second admin).
pub fn may_decide(
    request: &FactorResetRequest,
    approver: &Person,
    subject: &Person,
    line: Line,
) -> Result<ApprovalBasis, Refusal> {
    if !approver.active {
        return Err(refuse("actor_disabled", "Your account is disabled."));
    }
    if approver.id == subject.id {
        return Err(refuse("own_factors", "Nobody approves a reset of their own factors."));
    }
    if approver.id == request.opened_by {
        return Err(refuse(
            "requester_cannot_approve",
            "The person who opened a request cannot also approve it.",
        ));
    }
    if line == Line::UnderSubject {
        return Err(refuse(
            "reports_to_subject",
            "Nobody approves a reset of someone who manages them, directly or further up.",
        ));
    }
    if request.needs_admins(subject) && !approver.has("admin") {
        return Err(refuse(
            "admin_approver_required",
            "This reset takes the two-administrators path (an administrator's or helpdesk agent's factors, or a \
             role that asks for it): it must be approved by an administrator.",
        ));
    }
    if let Some(basis) = routed_basis(request, approver, subject) {
        return Ok(basis);
    }
    if approver.has("admin") {
        return Ok(ApprovalBasis::AdminOverride);
    }
    Err(refuse(
        "not_manager",
        "Only the approver this request was sent to (or an administrator, with a reason) may decide.",
    ))
}

/// Whether `approver` may approve (or deny) `request` for `subject`: [`may_decide`], and `note`, the stated reason,
/// is required when an admin acts in the manager's place.
pub fn may_approve(
    request: &FactorResetRequest,
    approver: &Person,
    subject: &Person,
    line: Line,
    note: Option<&str>,
) -> Result<ApprovalBasis, Refusal> {
    let basis = may_decide(request, approver, subject, line)?;
    if basis == ApprovalBasis::AdminOverride && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(refuse(
            "override_reason_missing",
            "This request was not sent to you: state why you approve in the approver's place.",
        ));
    }
    Ok(basis)
}

/// Whether `executor` may execute `request` for `subject`: an active helpdesk agent or admin, who is neither
/// the subject, nor the requester, nor the approver; resets of admins and helpdesk agents need an admin.
pub fn may_execute(request: &FactorResetRequest, executor: &Person, subject: &Person) -> Result<(), Refusal> {
    if !executor.active {
        return Err(refuse("actor_disabled", "Your account is disabled."));
    }
    if !executor.is_privileged() {
        return Err(refuse(
            "role_missing",
            "Only helpdesk agents and administrators execute resets.",
        ));
    }
    if executor.id == subject.id {
        return Err(refuse("own_factors", "Nobody executes a reset of their own factors."));
    }
    if executor.id == request.opened_by {
        return Err(refuse(
            "requester_cannot_execute",
            "The person who opened a request cannot also execute it.",
        ));
    }
    if request.approver_id.as_deref() == Some(executor.id) {
        return Err(refuse(
            "approver_cannot_execute",
            "The person who approved a request cannot also execute it.",
        ));
    }
    if request.needs_admins(subject) && !executor.has("admin") {
        return Err(refuse(
            "admin_executor_required",
            "Only an administrator executes a reset on the two-administrators path (an administrator's or \
             helpdesk agent's factors, or a role that asks for it).",
        ));
    }
    Ok(())
}

/// The cooling-off of a reset of a user whose roles have `policies` (one per role the user holds, unrestricted
/// where none is stored): the **longest** of the roles' delays — strictest wins, so a second role can only make a
/// reset slower. A role without its own delay counts with the server's default (`admin_default` for `admin`); a
/// user without roles waits `default`.
pub fn cooling_off(policies: &[RolePolicy], default: Duration, admin_default: Duration) -> Duration {
    policies
        .iter()
        .map(|p| match p.recovery_delay_minutes {
            Some(minutes) => Duration::minutes(minutes.into()),
            None if p.role == "admin" => admin_default,
            None => default,
        })
        .max()
        .unwrap_or(default)
}

/// The identity checks an executor confirmed: at least one, each from the configured list, no repeats.
pub fn parse_checks(passed: &[String], configured: &[String]) -> Result<Vec<String>, Refusal> {
    let mut out: Vec<String> = Vec::new();
    for check in passed.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !configured.iter().any(|c| c == check) {
            return Err(Refusal {
                code: "unknown_check",
                message: format!(
                    "'{}' is not an identity check; the checks are: {}.",
                    super::model::truncate(check, 40),
                    configured.join(", ")
                ),
            });
        }
        if !out.iter().any(|c| c == check) {
            out.push(check.to_string());
        }
    }
    if out.is_empty() {
        return Err(refuse(
            "no_checks",
            "Record which identity checks the user passed before executing a reset.",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
