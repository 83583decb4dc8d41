//! The second step of an interactive sign-in: after the password, the user proves a factor. This module admits
//! the kind (role policy), reserves an attempt, hands the code to the kind's own `verify` in `factors::*` (which
//! checks it and writes what the check itself decides: the replay floor, a used recovery or SMS code, a token's
//! counter), and concludes — the attempt counter, the promoted session, audit events and notices.
//!
//! The same step serves **step-up**: a signed-in session that a relying party finds too weak (`acr_values`, a
//! client minimum) proves one more factor here — never the password again — and is replaced, under a new id,
//! by one whose `amr` is extended and whose `auth_time` is the time of that step. A step-up accepts only kinds
//! the user's current policy allows.
use serde_json::json;

use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::factors::{Checked, Factor, FactorKind, FactorStatus, oath_token, recovery_code, sms, totp};
use crate::core::model::{Session, SessionState, User};
use crate::core::notify::{mail, notify};
use crate::core::policy::enforcement::{self, Standing};
use crate::core::policy::{Access, stepup};
use crate::core::signin::flow::Step;
use crate::core::signin::login::SignedIn;
use crate::core::signin::sessions;
use crate::core::throttle::{self, Attempt};
use crate::core::{Error, Result};

/// What the second-step page offers this user, in order: for a sign-in, their factors of kinds the role
/// policy accepts (see `policy::plan`); for a step-up, those the policy allows that reach `level` (when given).
pub fn offered(standing: &Standing, session: &Session, level: Option<&str>) -> Vec<FactorKind> {
    if session.state == SessionState::Authenticated {
        return stepup::kinds_reaching(&standing.requirement, &standing.factors, level);
    }
    standing.plan.accepted.clone()
}

/// Refuses, and audits, a kind of factor that the user has but the role policy does not accept for this
/// sign-in — before any attempt is counted or any code is checked, so a refused kind burns nothing. Returns
/// what a success will give. For a step-up (the session is already signed in) only allowed kinds count, and
/// success keeps the session signed in.
pub async fn admit(
    ctx: &RequestCtx<'_>,
    standing: &Standing,
    session: &Session,
    user: &User,
    kind: FactorKind,
) -> Result<Access> {
    let Standing { requirement, plan, .. } = standing;
    if session.state == SessionState::Authenticated {
        if requirement.allows(kind) {
            return Ok(Access::Full);
        }
    } else if plan.accepted.contains(&kind) {
        return Ok(plan.then);
    }
    ctx.audit(
        AuditKind::LoginSecondFactor,
        Outcome::Denied,
        Some(&user.id),
        json!({ "kind": kind, "reason": "kind_not_allowed", "accepted": plan.accepted }),
    )
    .await?;
    Err(Error::NotAllowed(
        "Your account's policy does not accept this sign-in method. Use one of the methods offered.".into(),
    ))
}

pub fn throttle_key(user_id: &str, kind: FactorKind) -> String {
    format!("factor:{user_id}:{}", kind.as_str())
}

/// The user's active factors of `kind`, for a session that is waiting for its second factor or stepping up.
pub fn usable_factors(standing: &Standing, pending: &Session, kind: FactorKind) -> Result<Vec<Factor>> {
    if !matches!(
        pending.state,
        SessionState::PendingSecondFactor | SessionState::Authenticated
    ) {
        return Err(Error::invalid("There is no sign-in waiting for a second factor."));
    }
    let factors: Vec<Factor> = standing
        .factors
        .iter()
        .filter(|f| f.kind == kind && f.status == FactorStatus::Active)
        .cloned()
        .collect();
    if factors.is_empty() {
        return Err(Error::invalid("That method is not set up for this account."));
    }
    Ok(factors)
}

/// Reserves an attempt at `kind` for the user under the factor policy (delays, lock), auditing a refusal.
pub async fn reserve(ctx: &RequestCtx<'_>, user: &User, kind: FactorKind) -> Result<Attempt> {
    match throttle::begin(ctx.store, ctx.factor_policy, &throttle_key(&user.id, kind), ctx.now).await {
        Ok(attempt) => Ok(attempt),
        Err(refusal) => {
            ctx.audit(
                AuditKind::LoginSecondFactor,
                Outcome::Denied,
                Some(&user.id),
                json!({
                    "kind": kind, "reason": refusal.to_string(),
                }),
            )
            .await?;
            Err(refusal)
        }
    }
}

/// Verifies a code-based factor (TOTP, hardware token, SMS, recovery code) and concludes the sign-in step.
/// `standing` is the user's, read in this request (`enforcement::standing`).
pub async fn verify(
    ctx: &RequestCtx<'_>,
    standing: &Standing,
    pending: &Session,
    user: &User,
    kind: FactorKind,
    code: &str,
) -> Result<SignedIn> {
    let factors = usable_factors(standing, pending, kind)?;
    let then = admit(ctx, standing, pending, user, kind).await?;
    let attempt = reserve(ctx, user, kind).await?;
    let checked = match kind {
        FactorKind::Totp => totp::verify(ctx, &factors, code).await?,
        // Only a code sent for this very sign-in (the pending session) is accepted.
        FactorKind::Sms => sms::accept_code(ctx, &factors, &pending.id_hash, code).await?,
        FactorKind::OathToken => oath_token::verify(ctx, &factors, code).await?,
        FactorKind::RecoveryCode => recovery_code::verify(ctx, user, &factors, code).await?,
        FactorKind::WebAuthn => return Err(Error::invalid("Use the security key button for this method.")),
    };
    conclude(ctx, pending, user, kind, then, &attempt, checked).await
}

/// The effects of a checked second factor: on success the counter resets and the pending session is replaced,
/// under a new id, by a signed-in one (or, when `then` says so, an enrolment-only one); on failure the attempt stays counted, notices go out, and the tenth locks.
pub async fn conclude(
    ctx: &RequestCtx<'_>,
    pending: &Session,
    user: &User,
    kind: FactorKind,
    then: Access,
    attempt: &Attempt,
    checked: Checked,
) -> Result<SignedIn> {
    match checked {
        Checked::Accepted { factor, amr: methods } => {
            throttle::succeeded(ctx.store, attempt).await?;
            // Only a WebAuthn credential can be hardware-bound; it is judged under today's passkey profile.
            let hardware_bound = if factor.kind == FactorKind::WebAuthn {
                let requirement = enforcement::requirement_for(ctx.store, ctx.now, user).await?;
                crate::core::factors::webauthn::hardware_bound(&factor, &methods, &requirement.passkey_profile)
            } else {
                false
            };
            // What the session had (the password; for a step-up, also its earlier factors), then this factor.
            let step_up = pending.state == SessionState::Authenticated;
            let mut amr: Vec<String> = pending.amr.iter().filter(|m| *m != "mfa").cloned().collect();
            for method in methods {
                if !amr.contains(&method) {
                    amr.push(method);
                }
            }
            amr.push("mfa".to_string());
            let Some((token, session)) = sessions::promote(
                ctx.store,
                ctx.now,
                ctx.limits,
                pending,
                Step::SecondFactor { then },
                amr,
                hardware_bound,
            )
            .await?
            else {
                return Err(Error::invalid("This sign-in was already completed."));
            };
            ctx.audit(
                AuditKind::LoginSecondFactor,
                Outcome::Success,
                Some(&user.id),
                json!({
                    "kind": kind, "factor_id": factor.id, "next": session.state.as_str(), "step_up": step_up,
                    "acr": crate::core::policy::assurance::acr_for(&session.amr), "hardware_bound": hardware_bound,
                }),
            )
            .await?;
            if kind == FactorKind::RecoveryCode {
                let remaining = ctx.store.remaining_recovery_codes(&user.id).await?;
                notify(
                    ctx.notifier,
                    user,
                    "recovery_code_used",
                    json!({ "remaining": remaining }),
                )
                .await;
            }
            Ok(SignedIn {
                token,
                session,
                user: user.clone(),
            })
        }
        failed => {
            let replayed = matches!(failed, Checked::Replayed);
            ctx.audit(AuditKind::LoginSecondFactor, Outcome::Failure, Some(&user.id), json!({
                "kind": kind, "reason": if replayed { "code_reused" } else { "wrong_code" }, "consecutive_failures": attempt.number,
            }))
            .await?;
            if replayed {
                notify(ctx.notifier, user, "code_reused", json!({ "kind": kind })).await;
            }
            if attempt.locks_on_failure {
                lock_alerts(ctx, user, kind).await?;
            }
            Err(Error::WrongCode(match (replayed, kind) {
                (true, FactorKind::RecoveryCode) => "That recovery code was already used.".into(),
                (true, _) => "That code was already used. Wait for the next code.".into(),
                (false, FactorKind::WebAuthn) => "The security key or passkey was not accepted.".into(),
                (false, _) => "That code is not right.".into(),
            }))
        }
    }
}

async fn lock_alerts(ctx: &RequestCtx<'_>, user: &User, kind: FactorKind) -> Result<()> {
    let until = ctx.now + ctx.factor_policy.lock_for;
    ctx.audit(
        AuditKind::FactorLocked,
        Outcome::Denied,
        Some(&user.id),
        json!({ "kind": kind, "until": until }),
    )
    .await?;
    let values = json!({ "kind": kind, "until": until.to_rfc3339(), "username": user.username, "ip": ctx.origin.ip });
    notify(ctx.notifier, user, "factor_locked", values.clone()).await;
    for admin in ctx
        .store
        .users_with_role("admin", crate::core::store::MEMBERS_READ_AT_MOST)
        .await?
    {
        if admin.id != user.id
            && let Err(e) = mail(ctx.notifier, &admin, "factor_locked_admin", values.clone()).await
        {
            tracing::warn!(error = %e, "could not alert an administrator");
        }
    }
    Ok(())
}
