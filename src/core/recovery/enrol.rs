//! The enrolment link mailed when a reset took effect: checked without being used (the page that asks for the
//! password), and used together with the user's password to open a session that allows nothing but enrolling a new
//! factor.
use serde_json::json;

use super::flow::{Ctx, by_link};
use super::{FactorResetRequest, ResetState};
use crate::core::audit::{AuditKind, Outcome};
use crate::core::factors::password;
use crate::core::factors::password::lock as password_lock;
use crate::core::model::{User, UserStatus};
use crate::core::secrets::token_digest;
use crate::core::signin::flow::{self, Step};
use crate::core::signin::login::SignedIn;
use crate::core::signin::sessions::{self, rules::SessionLimits};
use crate::core::store::ResetLink;
use crate::core::throttle::{self, Policy};
use crate::core::{Error, Result};

/// The user an enrolment link is for, if it can still be used. Does not use it up.
pub async fn check_enrol_link(ctx: &Ctx<'_>, token: &str) -> Result<User> {
    Ok(usable_enrol_link(ctx, token).await?.1)
}

/// The request an enrolment link belongs to and its user, if the link can still be used.
async fn usable_enrol_link(ctx: &Ctx<'_>, token: &str) -> Result<(FactorResetRequest, User)> {
    let request = by_link(ctx, ResetLink::Enrol, token).await?;
    let usable = request.state == ResetState::Done
        && request.enrol_used_at.is_none()
        && request.enrol_expires_at.is_some_and(|until| ctx.now < until);
    if !usable {
        return Err(Error::InvalidLink);
    }
    let user = ctx
        .store
        .user_by_id(&request.user_id)
        .await?
        .ok_or(Error::InvalidLink)?;
    if user.status != UserStatus::Active {
        return Err(Error::InvalidLink);
    }
    Ok((request, user))
}

/// Uses the enrolment link together with the user's password: a session that allows nothing but enrolling a
/// new factor (which is then proven like any new factor). The password is checked as at the sign-in page: on
/// the account's attempt counter (`factors::password::lock`), so a wrong one counts against the account's password
/// attempts and a locked password is refused here too. A refusal leaves the link usable.
pub async fn redeem_enrol_link(
    ctx: &Ctx<'_>,
    passwords: &password::PasswordPool,
    limits: SessionLimits,
    password_policy: &Policy,
    token: &str,
    typed_password: &str,
) -> Result<SignedIn> {
    const KIND: AuditKind = AuditKind::RecoveryEnrolLink;
    // The request's id goes on every event, so the request's timeline (and the auditors' export) shows its use.
    let (request, user) = match usable_enrol_link(ctx, token).await {
        Ok(found) => found,
        Err(e) => {
            ctx.audit(KIND, Outcome::Failure, None, json!({ "reason": "invalid_link" }))
                .await?;
            return Err(e);
        }
    };
    check_password(
        ctx,
        passwords,
        password_policy,
        &user,
        typed_password,
        KIND,
        &request.id,
    )
    .await?;
    if ctx
        .store
        .use_enrol_link(&token_digest(token), ctx.now)
        .await?
        .as_deref()
        != Some(user.id.as_str())
    {
        ctx.audit(
            KIND,
            Outcome::Failure,
            Some(&user.id),
            json!({ "request": request.id, "reason": "link_already_used" }),
        )
        .await?;
        return Err(Error::InvalidLink);
    }
    let (token, session) = sessions::new_session_in(
        flow::advance(None, Step::RecoveryLink)?,
        &user.id,
        vec!["pwd".into()],
        ctx.now,
        limits,
        ctx.origin,
    );
    ctx.store.insert_session(&session).await?;
    ctx.audit(
        KIND,
        Outcome::Success,
        Some(&user.id),
        json!({ "request": request.id, "next": "enrolment" }),
    )
    .await?;
    Ok(SignedIn { token, session, user })
}

/// Checks the user's password as the sign-in page does: on the account's attempt counter
/// (`factors::password::lock`), so a wrong one counts against the account's password attempts and a locked password
/// is refused. Every refusal is audited as `kind` on `request_id`.
pub(super) async fn check_password(
    ctx: &Ctx<'_>,
    passwords: &password::PasswordPool,
    password_policy: &Policy,
    user: &User,
    typed_password: &str,
    kind: AuditKind,
    request_id: &str,
) -> Result<()> {
    // The verification's place first: when busy, the attempt is refused before it counts.
    let slot = passwords.try_reserve()?;
    let attempt = match throttle::begin(
        ctx.store,
        password_policy,
        &password_lock::account_key(&user.id),
        ctx.now,
    )
    .await
    {
        Ok(attempt) => attempt,
        Err(refusal) => {
            ctx.audit(
                kind,
                Outcome::Denied,
                Some(&user.id),
                json!({ "request": request_id, "reason": "throttled" }),
            )
            .await?;
            return Err(refusal);
        }
    };
    let typed = if typed_password.len() <= 4 * password::MAX_CHARS {
        typed_password.to_string()
    } else {
        String::new()
    };
    match slot.verify(typed, user.password_hash.clone()).await? {
        password::Verdict::Match { .. } if !attempt.locked => {}
        _ => {
            let reason = if attempt.locked {
                "password_locked"
            } else {
                "wrong_password"
            };
            ctx.audit(
                kind,
                Outcome::Failure,
                Some(&user.id),
                json!({ "request": request_id, "reason": reason, "consecutive_failures": attempt.number }),
            )
            .await?;
            if attempt.locks_on_failure {
                password_lock::announce(ctx.store, ctx.notifier, ctx.now, ctx.origin, user, attempt.number).await?;
            }
            return Err(Error::InvalidCredentials);
        }
    }
    throttle::succeeded(ctx.store, &attempt).await?;
    Ok(())
}
