//! The temporary access pass: for a user who cannot reach their mailbox, the agent who executes an approved reset
//! may be handed a pass to read to them instead of (or besides) the mailed enrolment link.
//!
//! It is issued only by `flow::execute_with`, inside the same conditional UPDATE that moves an approved request to
//! waiting, so no pass exists without an approval that reached execution. It works only once the reset took effect
//! (state `done`), for `recovery_pass_minutes` after the end of the cooling-off, together with the user's password,
//! and opens exactly the session the enrolment link opens: one that allows enrolling a factor and nothing else
//! (no relying party, no step-up, no acr). It dies at its first use (one conditional UPDATE: one winner), and when
//! a factor was enrolled after the reset. Ten characters from 31 (≈ 49 bits) are too few for a plain hash, so it is
//! stored as an HMAC under a server key (`Keys::temporary_pass`), like recovery codes, and attempts are throttled
//! per account like a factor's codes.
use serde_json::json;

use super::enrol::check_password;
use super::flow::Ctx;
use super::{FactorResetRequest, ResetState};
use crate::core::audit::{AuditKind, Outcome};
use crate::core::factors::{FactorStatus, password};
use crate::core::model::{User, UserStatus};
use crate::core::signin::flow::{self, Step};
use crate::core::signin::login::SignedIn;
use crate::core::signin::sessions::{self, rules::SessionLimits};
use crate::core::throttle::{self, Policy};
use crate::core::{Error, Result, accounts};

pub use super::pass_code::{ALPHABET, LEN, digest, generate, normalize};

/// The throttle key of a user's pass attempts.
fn throttle_key(user_id: &str) -> String {
    format!("recovery-pass:{user_id}")
}

/// What the pass form needs from the server.
pub struct Redeem<'a> {
    pub key: &'a [u8; 32],
    pub passwords: &'a password::PasswordPool,
    pub limits: SessionLimits,
    /// Throttles pass attempts per account, like a factor's codes.
    pub pass_policy: &'a Policy,
    pub password_policy: &'a Policy,
}

/// Uses `typed_pass` with the user's password: an enrolment-only session, as the enrolment link opens. Every
/// refusal is audited (`recovery.pass_used`) and answered with the same `InvalidCredentials`, so the form does not
/// tell a wrong pass from an expired or used one.
pub async fn redeem(
    ctx: &Ctx<'_>,
    with: &Redeem<'_>,
    username: &str,
    typed_pass: &str,
    typed_password: &str,
) -> Result<SignedIn> {
    const KIND: AuditKind = AuditKind::RecoveryPassUsed;
    let user = match accounts::find(ctx.store, username).await {
        Ok(user) if user.status == UserStatus::Active => user,
        Ok(_) | Err(Error::NotFound(_) | Error::Invalid(_)) => {
            ctx.audit(KIND, Outcome::Failure, None, json!({ "reason": "unknown_user" }))
                .await?;
            return Err(Error::InvalidCredentials);
        }
        Err(e) => return Err(e),
    };
    let attempt = match throttle::begin(ctx.store, with.pass_policy, &throttle_key(&user.id), ctx.now).await {
        Ok(attempt) => attempt,
        Err(refusal) => {
            ctx.audit(KIND, Outcome::Denied, Some(&user.id), json!({ "reason": "throttled" }))
                .await?;
            return Err(refusal);
        }
    };
    let hash = normalize(typed_pass).map(|p| digest(with.key, &p));
    let request = match &hash {
        Some(hash) => pass_request(ctx, &user, hash).await?,
        None => None,
    };
    let (Some(request), Some(hash)) = (request, hash) else {
        ctx.audit(
            KIND,
            Outcome::Failure,
            Some(&user.id),
            json!({ "reason": "wrong_pass" }),
        )
        .await?;
        return Err(Error::InvalidCredentials);
    };
    let (request_id, user_id) = (request.id.as_str(), request.user_id.as_str());
    let refuse = |reason: &'static str| async move {
        ctx.audit(
            KIND,
            Outcome::Failure,
            Some(user_id),
            json!({ "request": request_id, "reason": reason }),
        )
        .await?;
        Err::<SignedIn, Error>(Error::InvalidCredentials)
    };
    if request.pass_used_at.is_some() {
        return refuse("pass_used").await;
    }
    if request.state != ResetState::Done {
        return refuse("reset_not_done").await;
    }
    if request.pass_expires_at.is_none_or(|until| ctx.now >= until) {
        return refuse("pass_expired").await;
    }
    if factor_enrolled_since(ctx, &request).await? {
        ctx.store.end_temporary_pass(&request.id).await?;
        return refuse("factor_enrolled").await;
    }
    check_password(
        ctx,
        with.passwords,
        with.password_policy,
        &user,
        typed_password,
        KIND,
        &request.id,
    )
    .await?;
    if !ctx.store.use_temporary_pass(&request.id, &hash, ctx.now).await? {
        return refuse("pass_used").await;
    }
    throttle::succeeded(ctx.store, &attempt).await?;
    let (token, session) = sessions::new_session_in(
        flow::advance(None, Step::RecoveryLink)?,
        &user.id,
        vec!["pwd".into()],
        ctx.now,
        with.limits,
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
    let to = super::notices::targets(ctx.store, &user, &request).await?;
    let mail = ("recovery_pass_used", json!({}));
    super::notices::tell_all(ctx.notifier, ctx.sms, &user, &to, mail, ("sms-recovery-pass-used", &[])).await;
    Ok(SignedIn { token, session, user })
}

/// The user's reset whose unused pass has this digest (a used or ended pass's digest is forgotten).
async fn pass_request(ctx: &Ctx<'_>, user: &User, hash: &str) -> Result<Option<FactorResetRequest>> {
    Ok(ctx
        .store
        .list_factor_resets(Some(&user.id), false)
        .await?
        .into_iter()
        .find(|r| r.pass_hash.as_deref() == Some(hash)))
}

/// Whether the user has a factor that was added after the reset took effect: the pass has no more use then.
async fn factor_enrolled_since(ctx: &Ctx<'_>, request: &FactorResetRequest) -> Result<bool> {
    let since = request.closed_at.unwrap_or(request.created_at);
    Ok(ctx
        .store
        .factors_of(&request.user_id)
        .await?
        .iter()
        .any(|f| f.status == FactorStatus::Active && f.created_at >= since))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_is_ten_unambiguous_characters_and_reads_back_in_any_case() {
        for _ in 0..200 {
            let pass = generate();
            assert_eq!(pass.len(), LEN + 1);
            let plain = normalize(&pass).unwrap();
            assert!(!plain.contains(['0', 'O', '1', 'l', 'I']), "{pass}");
            assert_eq!(normalize(&pass.to_lowercase()).as_deref(), Some(plain.as_str()));
        }
        for bad in [
            "",
            "ABCDE-FGHJ",
            "ABCDE-FGHJK0",
            "ABCDEFGHJO",
            "ABCDE FGHJI",
            &"A".repeat(100),
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
        let key = [7u8; 32];
        assert_ne!(digest(&key, "ABCDEFGHJK"), digest(&[8u8; 32], "ABCDEFGHJK"), "keyed");
    }
}
