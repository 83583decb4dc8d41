//! Cross-device sign-in approval (see `approval` for the rules): the waiting browser asks ([`request`]) and
//! waits ([`waiting`]); a signed-in browser lists the prompts ([`open_for`]) and answers one ([`answer`]).
//!
//! Only a sign-in waiting for its second factor after the password may ask — never a token or API call — and only
//! where the user's policy accepts security keys and passkeys (the approval stands for the approving session's
//! key) and some other session of theirs may approve. Prompts are limited per user ([`PER_WINDOW`]), a waiting
//! sign-in has one open prompt at a time, and [`IGNORED_IN_A_ROW`] unanswered prompts pause prompting and tell the
//! user. A denied or mismatched prompt warns the user: someone who knows their password tried to sign in.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::approval::{
    self, Answer, ApprovalState, IGNORED_IN_A_ROW, LIFETIME, PER_WINDOW, SignInApproval, WINDOW, may_approve,
};
use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::factors::FactorKind;
use crate::core::model::{Session, SessionState, User, truncate};
use crate::core::notify::notify;
use crate::core::number_match::Challenge;
use crate::core::policy::enforcement::{self, Standing};
use crate::core::signin::flow::Step;
use crate::core::signin::login::SignedIn;
use crate::core::signin::trusted_devices::device::browser_summary;
use crate::core::signin::{second_factor, sessions};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// Whether the waiting sign-in `pending` may ask for an approval now: it waits for its second factor, the policy
/// accepts keys, another session of the user may approve, and prompting is not paused.
pub async fn offered(
    store: &dyn Store,
    now: DateTime<Utc>,
    standing: &Standing,
    pending: &Session,
    user: &User,
) -> Result<bool> {
    Ok(refusal(store, now, standing, pending, user).await?.is_none())
}

/// Why the waiting sign-in may not ask now (`reason` for the audit log, message for the person), if it may not.
async fn refusal(
    store: &dyn Store,
    now: DateTime<Utc>,
    standing: &Standing,
    pending: &Session,
    user: &User,
) -> Result<Option<(&'static str, &'static str)>> {
    if pending.state != SessionState::PendingSecondFactor || pending.user_id != user.id {
        return Ok(Some(("not_waiting", "Sign in with your password first.")));
    }
    let Standing { requirement, plan, .. } = standing;
    if !plan.accepted.contains(&FactorKind::WebAuthn) {
        return Ok(Some((
            "kind_not_allowed",
            "Your account's policy does not accept approval from another browser. Use one of the methods offered.",
        )));
    }
    let approvers = store.sessions_of_user(&user.id).await?;
    if !approvers
        .iter()
        .any(|s| s.id_hash != pending.id_hash && may_approve(s, requirement, now))
    {
        return Ok(Some((
            "no_approver",
            "None of your browsers is signed in with a security key or passkey to approve this sign-in.",
        )));
    }
    let recent = store
        .recent_sign_in_approvals(&user.id, now - approval::PAUSE, IGNORED_IN_A_ROW as u64)
        .await?;
    if approval::paused(&recent, now) {
        return Ok(Some((
            "paused",
            "Approval requests are paused after several went unanswered. Use another method.",
        )));
    }
    Ok(None)
}

/// Sends a prompt for the waiting sign-in `pending`, or returns the one it has open.
pub async fn request(ctx: &RequestCtx<'_>, pending: &Session, user: &User) -> Result<SignInApproval> {
    settle(ctx, user).await?;
    if let Some(open) = ctx.store.sign_in_approval_of(&pending.id_hash).await?
        && open.state_at(ctx.now) == ApprovalState::Pending
    {
        return Ok(open);
    }
    let standing = enforcement::standing(ctx.store, ctx.now, user).await?;
    let refused = match refusal(ctx.store, ctx.now, &standing, pending, user).await? {
        Some(refused) => Some(refused),
        None => {
            let sent = ctx
                .store
                .recent_sign_in_approvals(&user.id, ctx.now - WINDOW, PER_WINDOW)
                .await?;
            (sent.len() as u64 >= PER_WINDOW).then_some((
                "rate_limited",
                "Too many approval requests in the last hour. Use another method, or wait.",
            ))
        }
    };
    if let Some((reason, message)) = refused {
        audit(
            ctx,
            user,
            Outcome::Denied,
            json!({ "step": "request", "reason": reason }),
        )
        .await?;
        return Err(Error::NotAllowed(message.into()));
    }
    let challenge = Challenge::generate();
    let prompt = SignInApproval {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user.id.clone(),
        pending_session: pending.id_hash.clone(),
        number: challenge.number,
        choices: challenge.choices,
        state: ApprovalState::Pending,
        ip: ctx.origin.ip.clone(),
        user_agent: ctx.origin.user_agent.as_deref().map(|ua| truncate(ua, 256)),
        created_at: ctx.now,
        expires_at: ctx.now + LIFETIME,
        answered_at: None,
        approver_session: None,
    };
    ctx.store.insert_sign_in_approval(&prompt).await?;
    audit(
        ctx,
        user,
        Outcome::Success,
        json!({ "step": "request", "approval": prompt.id }),
    )
    .await?;
    Ok(prompt)
}

/// Where a waiting sign-in stands.
pub enum Waiting {
    /// It has not asked, or its prompt ended unanswered: it may ask again.
    NotAsked,
    /// Its prompt waits for an answer.
    Open(SignInApproval),
    /// Approved: the browser is signed in.
    SignedIn(Box<SignedIn>),
    /// Denied or a wrong number was picked.
    Refused,
}

/// The state of the waiting sign-in's prompt; an approved one signs the browser in, once (the pending session is
/// replaced under a new id, as after any second factor).
pub async fn waiting(ctx: &RequestCtx<'_>, pending: &Session, user: &User) -> Result<Waiting> {
    let Some(prompt) = ctx.store.sign_in_approval_of(&pending.id_hash).await? else {
        return Ok(Waiting::NotAsked);
    };
    match prompt.state_at(ctx.now) {
        ApprovalState::Pending => Ok(Waiting::Open(prompt)),
        ApprovalState::Ignored => {
            settle(ctx, user).await?;
            Ok(Waiting::NotAsked)
        }
        ApprovalState::Denied | ApprovalState::Mismatch => Ok(Waiting::Refused),
        ApprovalState::Used => Err(Error::invalid("This sign-in was already completed.")),
        ApprovalState::Approved => sign_in(ctx, pending, user, &prompt)
            .await
            .map(Box::new)
            .map(Waiting::SignedIn),
    }
}

async fn sign_in(ctx: &RequestCtx<'_>, pending: &Session, user: &User, prompt: &SignInApproval) -> Result<SignedIn> {
    // The policy as it is now: a role that stopped accepting keys since the prompt was sent refuses here.
    let standing = enforcement::standing(ctx.store, ctx.now, user).await?;
    let then = second_factor::admit(ctx, &standing, pending, user, FactorKind::WebAuthn).await?;
    if !ctx.store.use_sign_in_approval(&prompt.id).await? {
        return Err(Error::invalid("This sign-in was already completed."));
    }
    let amr = approval::approved_amr(pending);
    let step = Step::SecondFactor { then };
    let Some((token, session)) = sessions::promote(ctx.store, ctx.now, ctx.limits, pending, step, amr, false).await?
    else {
        return Err(Error::invalid("This sign-in was already completed."));
    };
    audit(
        ctx,
        user,
        Outcome::Success,
        json!({
            "step": "sign_in", "approval": prompt.id, "next": session.state.as_str(),
            "acr": crate::core::policy::assurance::acr_for(&session.amr),
        }),
    )
    .await?;
    Ok(SignedIn {
        token,
        session,
        user: user.clone(),
    })
}

/// Stores the end of the user's overdue prompts; when that completes a row of [`IGNORED_IN_A_ROW`] unanswered
/// ones, prompting pauses and the user is told, once.
async fn settle(ctx: &RequestCtx<'_>, user: &User) -> Result<()> {
    if ctx.store.ignore_overdue_sign_in_approvals(&user.id, ctx.now).await? == 0 {
        return Ok(());
    }
    let recent = ctx
        .store
        .recent_sign_in_approvals(&user.id, ctx.now - approval::PAUSE, IGNORED_IN_A_ROW as u64)
        .await?;
    if approval::paused(&recent, ctx.now) {
        audit(
            ctx,
            user,
            Outcome::Denied,
            json!({ "step": "paused", "ignored": IGNORED_IN_A_ROW }),
        )
        .await?;
        notify(
            ctx.notifier,
            user,
            "sign_in_approvals_paused",
            json!({ "count": IGNORED_IN_A_ROW }),
        )
        .await;
    }
    Ok(())
}

/// The open prompts a signed-in session may answer; `None` when it may not approve at all (see
/// `approval::may_approve`), so the page can say what it needs.
pub async fn open_for(ctx: &RequestCtx<'_>, approver: &Session, user: &User) -> Result<Option<Vec<SignInApproval>>> {
    if !may_answer(ctx, approver, user).await? {
        return Ok(None);
    }
    let recent = ctx
        .store
        .recent_sign_in_approvals(&user.id, ctx.now - LIFETIME, PER_WINDOW)
        .await?;
    Ok(Some(
        recent
            .into_iter()
            .filter(|p| p.state_at(ctx.now) == ApprovalState::Pending && p.pending_session != approver.id_hash)
            .collect(),
    ))
}

/// Whether `approver` may approve at all.
async fn may_answer(ctx: &RequestCtx<'_>, approver: &Session, user: &User) -> Result<bool> {
    let requirement = enforcement::requirement_for(ctx.store, ctx.now, user).await?;
    Ok(approver.user_id == user.id && may_approve(approver, &requirement, ctx.now))
}

/// Answers prompt `id` from the signed-in session `approver`: one answer per prompt; a denial or a wrong number
/// warns the user.
pub async fn answer(
    ctx: &RequestCtx<'_>,
    approver: &Session,
    user: &User,
    id: &str,
    given: Answer,
) -> Result<ApprovalState> {
    let prompt = ctx.store.sign_in_approval(id).await?.filter(|p| p.user_id == user.id);
    let Some(prompt) = prompt else {
        return Err(Error::NotFound("approval request".into()));
    };
    if prompt.pending_session == approver.id_hash || !may_answer(ctx, approver, user).await? {
        audit(
            ctx,
            user,
            Outcome::Denied,
            json!({ "step": "answer", "approval": id, "reason": "may_not_approve" }),
        )
        .await?;
        return Err(Error::NotAllowed(
            "Only a browser signed in with a security key or passkey can approve a sign-in.".into(),
        ));
    }
    let state = approval::outcome(prompt.number, given);
    if !ctx
        .store
        .answer_sign_in_approval(id, state, &approver.id_hash, ctx.now)
        .await?
    {
        return Err(Error::invalid("This request was already answered or has expired."));
    }
    let outcome = if state == ApprovalState::Approved {
        Outcome::Success
    } else {
        Outcome::Denied
    };
    let details = json!({ "step": "answer", "approval": id, "result": state.as_str() });
    audit(ctx, user, outcome, details).await?;
    if state != ApprovalState::Approved {
        let values = json!({
            "ip": prompt.ip, "browser": browser_summary(prompt.user_agent.as_deref().unwrap_or_default()),
            "mismatch": state == ApprovalState::Mismatch,
        });
        notify(ctx.notifier, user, "sign_in_approval_refused", values).await;
    }
    Ok(state)
}

async fn audit(ctx: &RequestCtx<'_>, user: &User, outcome: Outcome, details: serde_json::Value) -> Result<()> {
    ctx.audit(AuditKind::LoginApproval, outcome, Some(&user.id), details)
        .await
}

/// The state of the waiting sign-in's latest prompt as of now, without acting on it (the waiting page polls it).
pub async fn status(store: &dyn Store, now: DateTime<Utc>, pending: &Session) -> Result<Option<ApprovalState>> {
    Ok(store
        .sign_in_approval_of(&pending.id_hash)
        .await?
        .map(|p| p.state_at(now)))
}
