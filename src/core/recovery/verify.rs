//! Caller verification with number matching, the pure part: before a helpdesk agent executes an approved reset,
//! the console sends a prompt to the user (a link to their mail or phone) or to their manager, and the agent reads
//! a two-digit number to the caller, who picks it from three on the prompt's page. No shared secret is asked.
//!
//! A prompt moves `pending → passed | failed | mismatch | timed_out`, once: the respondent picked the right number
//! (`passed`), said "not me" / "no" (`failed`), picked a wrong one (`mismatch` — one pick only), or nobody answered
//! within the prompt's lifetime (`timed_out`). [`gate`] decides from these results, the subject's
//! [`CallerCheck`] and an optional override whether an execution may go ahead. `verify_flow` does the storage,
//! messages and audit; everything here is decided from values and unit-tested.
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{FactorResetRequest, Person, Refusal};
use crate::core::policy::recovery::CallerCheck;

pub use crate::core::number_match::Challenge;

/// How long after its answer a passed prompt still counts for an execution.
pub const PASSED_COUNTS_FOR: Duration = Duration::minutes(30);
/// Prompts per request in [`REQUEST_WINDOW`].
pub const PER_REQUEST: u64 = 3;
pub const REQUEST_WINDOW: Duration = Duration::minutes(15);
/// Prompts per agent in [`AGENT_WINDOW`].
pub const PER_AGENT: u64 = 20;
pub const AGENT_WINDOW: Duration = Duration::hours(1);

/// Whom a prompt asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The subject, through a link to their own mail or phone.
    User,
    /// The subject's manager ("is Alice on the phone with the helpdesk right now?"), signed in.
    Manager,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::User => "user",
            Target::Manager => "manager",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "user" => Some(Target::User),
            "manager" => Some(Target::Manager),
            _ => None,
        }
    }
}

/// How the prompt's link travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Mail,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mail => "mail",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "mail" => Some(Channel::Mail),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyState {
    Pending,
    Passed,
    /// The respondent said it was not them / not on the phone, or their factor failed.
    Failed,
    /// The respondent picked a number other than the one the agent read.
    Mismatch,
    TimedOut,
}

impl VerifyState {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyState::Pending => "pending",
            VerifyState::Passed => "passed",
            VerifyState::Failed => "failed",
            VerifyState::Mismatch => "mismatch",
            VerifyState::TimedOut => "timed_out",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => VerifyState::Pending,
            "passed" => VerifyState::Passed,
            "failed" => VerifyState::Failed,
            "mismatch" => VerifyState::Mismatch,
            "timed_out" => VerifyState::TimedOut,
            _ => return None,
        })
    }

    /// A result the user is warned of: someone asked in their name and it did not go as it should.
    pub fn warns(self) -> bool {
        matches!(
            self,
            VerifyState::Failed | VerifyState::Mismatch | VerifyState::TimedOut
        )
    }
}

/// What the respondent did on the prompt's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Picked one of the three numbers.
    Picked(u8),
    /// "I'm not talking to the helpdesk" / "No".
    NotMe,
}

/// The state an answer leads to: the right number passes, any other number is a mismatch, "not me" fails.
pub fn outcome(number: u8, answer: Answer) -> VerifyState {
    match answer {
        Answer::Picked(n) if n == number => VerifyState::Passed,
        Answer::Picked(_) => VerifyState::Mismatch,
        Answer::NotMe => VerifyState::Failed,
    }
}

/// One prompt as stored. The link token is kept only as its digest; the number and choices are kept to render the
/// page and to judge the pick, and never shown on the request (only to the agent who sent the prompt, once).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallerVerification {
    pub id: String,
    pub request_id: String,
    pub target: Target,
    /// Who was asked: the subject, or their manager when it was sent.
    pub target_user_id: String,
    pub channel: Channel,
    /// The agent who sent it.
    pub sent_by: String,
    #[serde(skip)]
    pub token_hash: String,
    #[serde(skip)]
    pub number: u8,
    #[serde(skip)]
    pub choices: [u8; 3],
    pub state: VerifyState,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl CallerVerification {
    /// The state as of `now`: a pending prompt past its end has timed out, even before anyone stored that.
    pub fn state_at(&self, now: DateTime<Utc>) -> VerifyState {
        if self.state == VerifyState::Pending && now >= self.expires_at {
            VerifyState::TimedOut
        } else {
            self.state
        }
    }
}

/// An execution without the required prompts, recorded by a second agent with a reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Override {
    pub request_id: String,
    pub by: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

fn refuse(code: &'static str, message: &str) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// Who may send a prompt for `subject`'s request: an active helpdesk agent or admin who is not the subject, while
/// the request is approved (checked by the caller); resets of admins and agents are verified by admins.
pub fn may_send(agent: &Person, subject: &Person) -> Result<(), Refusal> {
    if !agent.active {
        return Err(refuse("actor_disabled", "Your account is disabled."));
    }
    if !(agent.has("helpdesk") || agent.has("admin")) {
        return Err(refuse(
            "role_missing",
            "Only helpdesk agents and administrators verify callers.",
        ));
    }
    if agent.id == subject.id {
        return Err(refuse("own_factors", "Nobody verifies themselves as a caller."));
    }
    if (subject.has("admin") || subject.has("helpdesk")) && !agent.has("admin") {
        return Err(refuse(
            "admin_required",
            "Only an administrator verifies the caller of an administrator's or helpdesk agent's reset.",
        ));
    }
    Ok(())
}

/// Who may record an override: an active helpdesk agent or admin (an admin for a privileged subject) who is
/// neither the subject, nor the request's opener, nor its approver. The agent who then executes must be yet
/// another person ([`gate`]).
pub fn may_override(request: &FactorResetRequest, agent: &Person, subject: &Person) -> Result<(), Refusal> {
    may_send(agent, subject)?;
    if request.approver_id.as_deref() == Some(agent.id) {
        return Err(refuse(
            "approver_cannot_override",
            "The person who approved a request cannot also override its caller verification.",
        ));
    }
    if request.opened_by == agent.id {
        return Err(refuse(
            "requester_cannot_override",
            "The person who opened a request cannot also override its caller verification.",
        ));
    }
    Ok(())
}

/// Whether `prompt` counts towards an execution at `now`: passed after the request was approved, no longer ago
/// than [`PASSED_COUNTS_FOR`]; a manager prompt answered by the request's approver does not count (one person does
/// not supply two proofs).
pub fn counts(prompt: &CallerVerification, request: &FactorResetRequest, now: DateTime<Utc>) -> bool {
    let Some(answered) = prompt.answered_at else {
        return false;
    };
    prompt.state == VerifyState::Passed
        && prompt.request_id == request.id
        && request.approved_at.is_some_and(|approved| answered >= approved)
        && answered <= now
        && now - answered <= PASSED_COUNTS_FOR
        && !(prompt.target == Target::Manager && request.approver_id.as_deref() == Some(prompt.target_user_id.as_str()))
}

/// The execution gate: `Ok` when the prompts of `request` meet `check` at `now` for `executor`, or when an override
/// recorded by someone other than the executor and the approver stands in for them.
pub fn gate(
    check: CallerCheck,
    request: &FactorResetRequest,
    prompts: &[CallerVerification],
    executor_id: &str,
    overridden: Option<&Override>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if let Some(o) = overridden.filter(|o| o.request_id == request.id) {
        if o.by == executor_id {
            return Err(refuse(
                "override_by_executor",
                "You recorded this request's override: another agent executes it.",
            ));
        }
        if request.approver_id.as_deref() != Some(o.by.as_str()) && o.by != request.user_id {
            return Ok(());
        }
    }
    let passed = |target: Target| prompts.iter().any(|p| p.target == target && counts(p, request, now));
    let (user, manager) = (passed(Target::User), passed(Target::Manager));
    let met = match check {
        CallerCheck::None => true,
        CallerCheck::Either => user || manager,
        CallerCheck::User => user,
        CallerCheck::Manager => manager,
        CallerCheck::Both => user && manager,
    };
    if met {
        return Ok(());
    }
    Err(refuse(
        "caller_unverified",
        "The caller is not verified as this account's policy requires: send a prompt, or have a second agent \
         record an override.",
    ))
}

/// The number of prompts still allowed: none when `for_request` prompts were sent for the request within
/// [`REQUEST_WINDOW`], or `by_agent` by the agent within [`AGENT_WINDOW`].
pub fn rate_limited(for_request: u64, by_agent: u64) -> Option<Refusal> {
    if for_request >= PER_REQUEST {
        return Some(refuse(
            "rate_limited_request",
            "Three prompts were sent for this request in the last 15 minutes: wait before sending another.",
        ));
    }
    if by_agent >= PER_AGENT {
        return Some(refuse(
            "rate_limited_agent",
            "You sent twenty prompts in the last hour: wait before sending another.",
        ));
    }
    None
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
