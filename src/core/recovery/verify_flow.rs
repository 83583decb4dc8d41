//! Caller-verification orchestration: sending a prompt (rate-limited, mailed or texted with a single-use link),
//! answering it (one conditional UPDATE), timing it out, warning the user when a prompt went wrong, recording an
//! override, and the execution gate `flow` calls. The rules are in `verify`; every step is audited, with the
//! outcome and never the number picked.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::audit::{AuditKind, Origin, Outcome};
use super::super::model::User;
use super::super::notify::mail;
use super::super::policy::recovery::CallerCheck;
use super::super::secrets::{random_token, token_digest};
use super::super::{Error, Result};
use super::flow::{Ctx, Member, SYSTEM_ACTOR, member_by_id};
use super::verify::{
    self, Answer, CallerVerification, Challenge, Channel, Override, Target, VerifyState, may_override, may_send,
};
use super::{FactorResetRequest, Refusal, ResetState, parse_reason};
use crate::core::factors::{Factor, FactorKind, FactorStatus, webauthn};

/// The caller check the subject's roles require now.
pub async fn requirement(ctx: &Ctx<'_>, subject: &Member) -> Result<CallerCheck> {
    super::verify_gate::requirement(ctx.store, ctx.now, &subject.roles).await
}

async fn refused(ctx: &Ctx<'_>, kind: AuditKind, request: &FactorResetRequest, r: Refusal) -> Result<Error> {
    let details = json!({ "request": request.id, "reason": r.code });
    ctx.audit(kind, Outcome::Denied, Some(&request.user_id), details)
        .await?;
    Ok(Error::NotAllowed(r.message))
}

/// A prompt just sent: the stored prompt (whose number the agent reads out) and the address it went to, masked.
pub struct Sent {
    pub prompt: CallerVerification,
    pub to: String,
}

/// Sends a prompt for approved request `id` as `agent`: to the subject through `channel`, or to their manager.
/// Refused (and audited) unless the request is approved, the agent may verify this subject, the target has an
/// address on that channel, and the rate limits allow another prompt (then `TooManyAttempts`, a 429).
pub async fn send(ctx: &Ctx<'_>, agent: &Member, id: &str, target: Target, channel: Channel) -> Result<Sent> {
    const KIND: AuditKind = AuditKind::RecoveryVerifySent;
    let request = super::flow::load(ctx, id).await?;
    let subject = member_by_id(ctx.store, &request.user_id).await?;
    if request.state != ResetState::Approved {
        let r = Refusal {
            code: "not_approved",
            message: "Callers are verified while a request is approved, before it is executed.".into(),
        };
        return Err(refused(ctx, KIND, &request, r).await?);
    }
    if let Err(r) = may_send(&agent.person(), &subject.person()) {
        return Err(refused(ctx, KIND, &request, r).await?);
    }
    let recipient = match target {
        Target::User => Some(subject.user.clone()),
        Target::Manager => match subject.user.manager_id.as_deref() {
            Some(manager) => ctx.store.user_by_id(manager).await?,
            None => None,
        },
    };
    let Some(recipient) = recipient else {
        let r = Refusal {
            code: "no_manager",
            message: "This user has no manager to ask.".into(),
        };
        return Err(refused(ctx, KIND, &request, r).await?);
    };
    if channel == Channel::Sms && recipient.phone.is_none() {
        let r = Refusal {
            code: "no_phone",
            message: "There is no phone number on file to text: send the prompt by mail.".into(),
        };
        return Err(refused(ctx, KIND, &request, r).await?);
    }
    let for_request = ctx
        .store
        .count_caller_verifications(Some(&request.id), None, ctx.now - verify::REQUEST_WINDOW)
        .await?;
    let by_agent = ctx
        .store
        .count_caller_verifications(None, Some(&agent.user.id), ctx.now - verify::AGENT_WINDOW)
        .await?;
    if let Some(r) = verify::rate_limited(for_request, by_agent) {
        let details = json!({ "request": request.id, "reason": r.code });
        ctx.audit(KIND, Outcome::Denied, Some(&request.user_id), details)
            .await?;
        return Err(Error::TooManyAttempts { retry_after_secs: 300 });
    }
    let token = random_token();
    let challenge = Challenge::generate();
    let prompt = CallerVerification {
        id: uuid::Uuid::new_v4().to_string(),
        request_id: request.id.clone(),
        target,
        target_user_id: recipient.id.clone(),
        channel,
        sent_by: agent.user.id.clone(),
        token_hash: token_digest(&token),
        number: challenge.number,
        choices: challenge.choices,
        state: VerifyState::Pending,
        created_at: ctx.now,
        expires_at: ctx.now + ctx.settings.verify_ttl,
        answered_at: None,
    };
    ctx.store.insert_caller_verification(&prompt).await?;
    let link = ctx.settings.link("/recovery/verify", &token);
    let to = deliver(ctx, &recipient, &subject.user, target, channel, &link).await?;
    let approver_asked = target == Target::Manager && request.approver_id.as_deref() == Some(recipient.id.as_str());
    ctx.audit(
        KIND,
        Outcome::Success,
        Some(&request.user_id),
        json!({
            "request": request.id, "prompt": prompt.id, "target": target, "target_user": recipient.id,
            "channel": channel, "to": to, "agent": agent.user.id, "counts": !approver_asked,
        }),
    )
    .await?;
    Ok(Sent { prompt, to })
}

/// Mails or texts the prompt's link to `recipient`; the address it went to, masked for the agent's page.
async fn deliver(
    ctx: &Ctx<'_>,
    recipient: &User,
    subject: &User,
    target: Target,
    channel: Channel,
    link: &str,
) -> Result<String> {
    let minutes = ctx.settings.verify_ttl.num_minutes();
    match channel {
        Channel::Mail => {
            let values = json!({
                "display_name": recipient.display_name, "subject_name": subject.display_name,
                "manager": target == Target::Manager, "link": link, "minutes": minutes,
            });
            mail(ctx.notifier, recipient, "caller_verify", values).await?;
            Ok(mask_mail(&recipient.email))
        }
        Channel::Sms => {
            let number = recipient.phone.clone().unwrap_or_default();
            let args = [("link", link.into()), ("minutes", minutes.into())];
            let text = crate::core::notify::text(ctx.notifier, recipient, "sms-caller-verify", &args);
            ctx.sms.send_sms(&number, &text).await?;
            Ok(crate::core::factors::sms::masked(&number))
        }
    }
}

/// `kim@example.com` → `k…@example.com`.
fn mask_mail(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}…@{domain}", local.chars().next().unwrap_or('?')),
        None => "…".into(),
    }
}

/// The prompt behind a link token and its request; `InvalidLink` for an unknown token. A pending prompt past its
/// end is timed out first (and the user warned).
pub async fn by_token(ctx: &Ctx<'_>, token: &str) -> Result<(CallerVerification, FactorResetRequest)> {
    if token.is_empty() || token.len() > 128 {
        return Err(Error::InvalidLink);
    }
    let Some(prompt) = ctx.store.caller_verification_by_token(&token_digest(token)).await? else {
        return Err(Error::InvalidLink);
    };
    let prompt = settle(ctx, prompt).await?;
    let request = super::flow::load(ctx, &prompt.request_id).await?;
    Ok((prompt, request))
}

/// Times out `prompt` if it is pending past its end (one winner warns the user and records it); the prompt as it is.
pub async fn settle(ctx: &Ctx<'_>, prompt: CallerVerification) -> Result<CallerVerification> {
    if prompt.state_at(ctx.now) != VerifyState::TimedOut || prompt.state != VerifyState::Pending {
        return Ok(prompt);
    }
    if ctx.store.time_out_caller_verification(&prompt.id, ctx.now).await? {
        // Time decided it, not whoever happened to look: recorded as the system's.
        let origin = Origin {
            actor: SYSTEM_ACTOR.into(),
            request_id: ctx.origin.request_id.clone(),
            ..Default::default()
        };
        let system = Ctx {
            origin: &origin,
            ..*ctx
        };
        concluded(&system, &prompt, VerifyState::TimedOut).await?;
    }
    Ok(ctx.store.caller_verification(&prompt.id).await?.unwrap_or(prompt))
}

/// Times out every overdue prompt (the server's periodic task, and before a request's page is shown).
pub async fn sweep(ctx: &Ctx<'_>) -> Result<usize> {
    let mut moved = 0;
    for prompt in ctx.store.overdue_caller_verifications(ctx.now).await? {
        if settle(ctx, prompt).await?.state == VerifyState::TimedOut {
            moved += 1;
        }
    }
    Ok(moved)
}

/// The prompts of a request as they are now (overdue ones timed out), oldest first.
pub async fn prompts_of(ctx: &Ctx<'_>, request_id: &str) -> Result<Vec<CallerVerification>> {
    let mut out = Vec::new();
    for prompt in ctx.store.caller_verifications_of(request_id).await? {
        out.push(settle(ctx, prompt).await?);
    }
    Ok(out)
}

/// Records an answer's or a time-out's result and warns the user when it went wrong.
async fn concluded(ctx: &Ctx<'_>, prompt: &CallerVerification, state: VerifyState) -> Result<()> {
    let request = ctx.store.factor_reset(&prompt.request_id).await?;
    let subject_id = request.as_ref().map(|r| r.user_id.clone());
    let outcome = if state == VerifyState::Passed {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    ctx.audit(
        AuditKind::RecoveryVerifyAnswered,
        outcome,
        subject_id.as_deref(),
        json!({
            "request": prompt.request_id, "prompt": prompt.id, "target": prompt.target, "state": state,
            "target_user": prompt.target_user_id,
        }),
    )
    .await?;
    if state.warns()
        && let Some(request) = request
    {
        warn_user(ctx, &request, state).await?;
    }
    Ok(())
}

/// "Someone at the helpdesk asked for this; if it wasn't you, …": by mail, and by text where a number is on file.
async fn warn_user(ctx: &Ctx<'_>, request: &FactorResetRequest, state: VerifyState) -> Result<()> {
    let Some(user) = ctx.store.user_by_id(&request.user_id).await? else {
        return Ok(());
    };
    let values = json!({
        "display_name": user.display_name, "username": user.username, "state": state.as_str(),
    });
    if let Err(e) = mail(ctx.notifier, &user, "caller_verify_warning", values).await {
        tracing::warn!(error = %e, "could not mail the caller-verification warning");
    }
    if let Some(number) = &user.phone {
        let text = crate::core::notify::text(ctx.notifier, &user, "sms-caller-verify-warning", &[]);
        if let Err(e) = ctx.sms.send_sms(number, &text).await {
            tracing::warn!(error = %e, "could not text the caller-verification warning");
        }
    }
    Ok(())
}

/// The factors the user must confirm a prompt with, any one of them: their active authenticator apps and security
/// keys or passkeys that the reset does not cover (a factor the user still has proves more than the link). None for
/// a manager's prompt, or a reset of all factors.
pub async fn factors_to_confirm(
    ctx: &Ctx<'_>,
    prompt: &CallerVerification,
    request: &FactorResetRequest,
) -> Result<Vec<Factor>> {
    if prompt.target != Target::User {
        return Ok(vec![]);
    }
    Ok(ctx
        .store
        .factors_of(&request.user_id)
        .await?
        .into_iter()
        .filter(|f| f.status == FactorStatus::Active && !request.factors.covers(&f.id))
        .filter(|f| f.kind == FactorKind::Totp || webauthn::can_answer(f))
        .collect())
}

/// Where the challenge for a security key or passkey confirming `prompt` is kept (`factors::webauthn`).
pub fn ceremony_key(prompt: &CallerVerification) -> String {
    format!("caller-verify:{}", prompt.id)
}

/// Who answers a prompt: the holder of the user's link, or the signed-in manager.
pub enum Respondent<'a> {
    /// Whoever opened the link (the subject's own prompt: the link itself is the proof of their mailbox or phone).
    Link,
    /// The signed-in person answering a manager's prompt; must be the manager it was sent to.
    SignedIn(&'a User),
}

/// Answers the prompt behind `token`: one conditional UPDATE from pending, so a second answer, a reused link or
/// one past its end is `InvalidLink`. A manager's prompt is answered only by that manager, signed in.
///
/// `factor_confirmed` is whether the respondent confirmed the prompt with a factor of theirs ([`factors_to_confirm`],
/// checked by the caller, which holds the keys): where one is required, a pick without it fails.
pub async fn answer(
    ctx: &Ctx<'_>,
    token: &str,
    answer: Answer,
    respondent: Respondent<'_>,
    factor_confirmed: bool,
) -> Result<(CallerVerification, VerifyState)> {
    const KIND: AuditKind = AuditKind::RecoveryVerifyAnswered;
    let (prompt, request) = match by_token(ctx, token).await {
        Ok(found) => found,
        Err(Error::InvalidLink) => {
            let details = json!({ "reason": "unknown_link" });
            ctx.audit(KIND, Outcome::Denied, None, details).await?;
            return Err(Error::InvalidLink);
        }
        Err(e) => return Err(e),
    };
    if prompt.target == Target::Manager {
        let is_manager = matches!(respondent, Respondent::SignedIn(user) if user.id == prompt.target_user_id);
        if !is_manager {
            let r = Refusal {
                code: "not_the_manager",
                message: "This question was sent to someone else.".into(),
            };
            return Err(refused(ctx, KIND, &request, r).await?);
        }
    }
    if let Answer::Picked(n) = answer
        && !prompt.choices.contains(&n)
    {
        return Err(Error::invalid("Pick one of the three numbers on the page."));
    }
    let unconfirmed = !factor_confirmed && !factors_to_confirm(ctx, &prompt, &request).await?.is_empty();
    let state = if unconfirmed {
        VerifyState::Failed
    } else {
        verify::outcome(prompt.number, answer)
    };
    if prompt.state != VerifyState::Pending
        || request.state != ResetState::Approved
        || !ctx.store.answer_caller_verification(&prompt.id, state, ctx.now).await?
    {
        let details = json!({ "request": request.id, "prompt": prompt.id, "reason": "not_pending" });
        ctx.audit(KIND, Outcome::Denied, Some(&request.user_id), details)
            .await?;
        return Err(Error::InvalidLink);
    }
    concluded(ctx, &prompt, state).await?;
    Ok((prompt, state))
}

/// Records, as `agent`, that the caller of approved request `id` was verified otherwise, with `reason` (1–500
/// characters). One per request; the agent must be neither the subject, nor the opener, nor the approver, and
/// another agent executes.
pub async fn record_override(ctx: &Ctx<'_>, agent: &Member, id: &str, reason: &str) -> Result<Override> {
    const KIND: AuditKind = AuditKind::RecoveryVerifyOverride;
    let request = super::flow::load(ctx, id).await?;
    let subject = member_by_id(ctx.store, &request.user_id).await?;
    if request.state != ResetState::Approved {
        let r = Refusal {
            code: "not_approved",
            message: "Only an approved request's caller verification can be overridden.".into(),
        };
        return Err(refused(ctx, KIND, &request, r).await?);
    }
    if let Err(r) = may_override(&request, &agent.person(), &subject.person()) {
        return Err(refused(ctx, KIND, &request, r).await?);
    }
    let reason = match parse_reason(reason) {
        Ok(reason) => reason,
        Err(r) => return Err(refused(ctx, KIND, &request, r).await?),
    };
    let o = Override {
        request_id: request.id.clone(),
        by: agent.user.id.clone(),
        reason,
        at: ctx.now,
    };
    if !ctx.store.insert_verify_override(&o).await? {
        let r = Refusal {
            code: "already_overridden",
            message: "This request's caller verification was overridden already.".into(),
        };
        return Err(refused(ctx, KIND, &request, r).await?);
    }
    ctx.audit(
        KIND,
        Outcome::Success,
        Some(&request.user_id),
        json!({ "request": request.id, "agent": agent.user.id, "note": o.reason }),
    )
    .await?;
    Ok(o)
}

/// What a request's page, the CLI and the API show of its verification: each prompt's result, to whom, by which
/// agent, when (never the numbers), the override, what the policy requires, and whether an execution by
/// `executor` would pass the gate now.
pub async fn summary(ctx: &Ctx<'_>, request: &FactorResetRequest) -> Result<serde_json::Value> {
    let subject = member_by_id(ctx.store, &request.user_id).await?;
    let check = requirement(ctx, &subject).await?;
    let prompts = prompts_of(ctx, &request.id).await?;
    let overridden = ctx.store.verify_override(&request.id).await?;
    let results: Vec<serde_json::Value> = prompts
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "target": p.target, "target_user": p.target_user_id, "channel": p.channel,
                "sent_by": p.sent_by, "state": p.state, "sent_at": p.created_at, "answered_at": p.answered_at,
                "counts": verify::counts(p, request, ctx.now),
            })
        })
        .collect();
    Ok(json!({
        "required": check.as_str(), "enforced": ctx.settings.caller_verification, "prompts": results,
        "override": overridden,
    }))
}

/// When `prompt` was answered or ends, for pages that show it.
pub fn shown_time(prompt: &CallerVerification) -> DateTime<Utc> {
    prompt.answered_at.unwrap_or(prompt.expires_at)
}
