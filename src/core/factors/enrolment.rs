//! What every kind of second factor shares when it is added or removed: one guard before adding
//! (`require_may_add`: a fresh sign-in, proof of an existing factor, a kind the role policy counts), one attempt
//! counter for the proofs typed while enrolling, one audit event for a failed enrolment, and one announcement of
//! a factor that became active. Each kind's own steps live in its home (`factors::totp`, `factors::sms`,
//! `factors::oath_token`, `factors::webauthn`, `factors::recovery_code`) and call these, so the rules cannot
//! drift apart between kinds.
//!
//! Guarantees: adding or removing a factor needs a fresh sign-in (or the enrolment-only session that follows
//! the password of a user who must have a factor and has none); the password alone never adds to or strips an
//! account of its factors; a new factor is active only after the user proves it works.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{Factor, FactorKind, FactorStatus};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::context::RequestCtx;
use crate::core::model::{Session, SessionState, User};
use crate::core::notify::{Notifier, SmsGateway, notify};
use crate::core::store::Store;
use crate::core::throttle::{self, Attempt, Policy};
use crate::core::{Error, Result};

/// How recent a sign-in must be to change factors.
pub const FRESH_FOR: Duration = Duration::minutes(10);

pub fn is_fresh(session: &Session, now: DateTime<Utc>) -> bool {
    // A sign-in whose second factor a trusted browser skipped is never fresh enough to change factors: that
    // needs the password and an existing factor, proven now (the reauthentication ignores the trusted browser).
    let factor_skipped = session
        .amr
        .iter()
        .any(|m| m == crate::core::signin::trusted_devices::device::AMR_MARKER);
    session.state == SessionState::PendingEnrolment
        || (session.state == SessionState::Authenticated && now - session.auth_time <= FRESH_FOR && !factor_skipped)
}

pub fn require_fresh(session: &Session, now: DateTime<Utc>) -> Result<()> {
    if is_fresh(session, now) {
        Ok(())
    } else {
        Err(Error::ReauthenticationRequired)
    }
}

/// Removing a factor from an account that has a primary factor needs a sign-in that proved a second factor
/// (`mfa` in `amr`: a code, a key, or a recovery code — the self-service path of a user who lost one factor). A
/// session that holds only the password — signed in before the account had a factor, perhaps in another browser —
/// must sign in again with a factor first, so the password alone never strips an account of its factors.
pub fn require_factor_proven<'a>(session: &Session, factors: impl IntoIterator<Item = &'a Factor>) -> Result<()> {
    let has_primary = factors
        .into_iter()
        .any(|f| f.status == FactorStatus::Active && !f.kind.is_backup());
    if has_primary && !session.amr.iter().any(|m| m == "mfa") {
        return Err(Error::ReauthenticationRequired);
    }
    Ok(())
}

/// The key in a factor's `data` naming the session that added it (a prefix of the session's id hash: enough to
/// tell sessions apart, useless to take one over).
pub const ADDED_IN: &str = "added_in";

fn session_tag(session: &Session) -> String {
    session.id_hash.chars().take(16).collect()
}

/// `data` of a new factor, marked with the session that adds it.
pub fn marked(mut data: serde_json::Value, session: &Session) -> serde_json::Value {
    if let Some(map) = data.as_object_mut() {
        map.insert(ADDED_IN.into(), session_tag(session).into());
    }
    data
}

/// Adding a factor to an account that already has a primary factor needs a sign-in that proved a second factor,
/// unless every such factor was added in this very session (a user setting up a second factor right after their
/// first). Otherwise a session that holds only the password — signed in before the account's first factor
/// existed, perhaps by someone else in another browser — could add a factor of its own within its fresh
/// minutes. Enrolment-only sessions are exempt: they exist only to add a factor, after the password and a
/// factor of a kind that stopped counting, or the recovery enrolment link.
pub fn require_proof_for_adding(session: &Session, factors: &[Factor]) -> Result<()> {
    if session.state != SessionState::Authenticated {
        return Ok(());
    }
    let tag = session_tag(session);
    require_factor_proven(
        session,
        factors
            .iter()
            .filter(|f| f.data[ADDED_IN].as_str() != Some(tag.as_str())),
    )
}

/// Whether this session signed in with a recovery code: the user may have lost a factor, and is guided to replace it.
pub fn signed_in_with_recovery_code(session: &Session) -> bool {
    session.state == SessionState::Authenticated && session.amr.iter().any(|m| m == FactorKind::RecoveryCode.amr())
}

/// Refuses to add a factor of a kind the user's role policy does not count: it could never satisfy the policy,
/// and an account should hold only factors that sign-in accepts.
pub async fn require_allowed(store: &dyn Store, now: DateTime<Utc>, user: &User, kind: FactorKind) -> Result<()> {
    if crate::core::policy::enforcement::requirement_for(store, now, user)
        .await?
        .allows(kind)
    {
        Ok(())
    } else {
        Err(Error::NotAllowed(
            "Your account's policy does not accept this kind of factor. Add one of the kinds offered.".into(),
        ))
    }
}

pub(crate) fn factor_name(input: &str, default: &str) -> Result<String> {
    let name = input.trim();
    let name = if name.is_empty() { default } else { name };
    if name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(Error::invalid("A name has at most 64 characters."));
    }
    Ok(name.to_string())
}

/// The checks before any factor is added, the same for every kind: a fresh sign-in, proof of a factor the
/// account already has (`require_proof_for_adding`), and a kind the role policy counts. Returns the user's
/// factors as they were read for the check.
pub async fn require_may_add(
    store: &dyn Store,
    now: DateTime<Utc>,
    session: &Session,
    user: &User,
    kind: FactorKind,
) -> Result<Vec<Factor>> {
    require_fresh(session, now)?;
    let factors = store.factors_of(&user.id).await?;
    require_proof_for_adding(session, &factors)?;
    require_allowed(store, now, user, kind).await?;
    Ok(factors)
}

/// The user's unfinished enrolment `factor_id` of `kind`; gone (finished, replaced or never started) is one answer.
pub async fn pending_factor(store: &dyn Store, user: &User, factor_id: &str, kind: FactorKind) -> Result<Factor> {
    store
        .factor_of(&user.id, factor_id)
        .await?
        .filter(|f| f.kind == kind && f.status == FactorStatus::Pending)
        .ok_or_else(|| Error::invalid("This enrolment has expired; start again."))
}

/// Reserves an attempt at proving a new factor: one counter per user for every kind, under the password policy,
/// so enrolment cannot be used to guess codes faster than sign-in.
pub async fn reserve_attempt(store: &dyn Store, user: &User, now: DateTime<Utc>) -> Result<Attempt> {
    throttle::begin(store, &Policy::PASSWORD, &format!("enrol:{}", user.id), now).await
}

/// Audits a failed enrolment of `kind` (a wrong code, a refused key, an unknown token); `details` add to the kind.
pub async fn audit_failure(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    kind: FactorKind,
    details: serde_json::Value,
) -> Result<()> {
    let mut values = json!({ "kind": kind });
    if let (Some(map), Some(extra)) = (values.as_object_mut(), details.as_object()) {
        map.extend(extra.clone());
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::FactorEnrolment,
        Outcome::Failure,
        Some(&user.id),
        values,
    )
    .await
}

/// Records a newly active factor and tells the user (a factor they did not add is a sign of compromise).
pub async fn announce_added(ctx: &RequestCtx<'_>, user: &User, factor: &Factor) -> Result<()> {
    let details = json!({ "kind": factor.kind, "factor_id": factor.id, "name": factor.name, "serial": factor.data.get("serial") });
    ctx.audit(AuditKind::FactorAdded, Outcome::Success, Some(&user.id), details)
        .await?;
    notify(
        ctx.notifier,
        user,
        "factor_added",
        json!({ "factor": factor.name, "ip": ctx.origin.ip }),
    )
    .await;
    Ok(())
}

/// What removing a factor took along.
#[derive(Clone, Debug)]
pub struct Removed {
    pub factor: Factor,
    /// Trusted browsers revoked with it (every one the user had).
    pub trusted_devices_revoked: u64,
}

/// Removing a factor needs a fresh sign-in that proved a factor (`require_factor_proven`), or one that added
/// every primary factor the account has itself: a user who sets up an authenticator app and at once removes it
/// again (a wrong phone, a typo in the name) is not asked to prove what this very session just proved. A session
/// that holds only the password never removes a factor it did not add.
pub fn require_may_remove(session: &Session, factors: &[Factor], now: DateTime<Utc>) -> Result<()> {
    require_fresh(session, now)?;
    if session.state != SessionState::Authenticated {
        return Err(Error::ReauthenticationRequired);
    }
    require_proof_for_adding(session, factors)
}

/// Removing a factor from a session that proved only a method whose recovery path the user's roles close (an
/// SMS code where `backup-sms` is not allowed, a recovery code without `recovery-codes`, another factor without
/// `backup-factor`) is refused, audited, and the user told the way that is open: a factor-reset request. A change
/// of an SMS factor's number removes the old factor, so it is judged the same way (`sms::replaceable`).
pub(crate) async fn require_open_path(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    session: &Session,
    user: &User,
    factor: &Factor,
) -> Result<()> {
    let roles = store.roles_of(&user.id).await?;
    let policy = crate::core::policy::roles::recovery_policy(store, now, &roles).await?;
    let Some(closed) = crate::core::policy::recovery::closed_self_service(&policy, &session.amr) else {
        return Ok(());
    };
    audit::record(
        store,
        now,
        origin,
        AuditKind::FactorRemoved,
        Outcome::Denied,
        Some(&user.id),
        json!({
            "kind": factor.kind, "factor_id": factor.id, "reason": "recovery_path_closed",
            "recovery_path": closed, "open_paths": policy.paths,
        }),
    )
    .await?;
    Err(Error::NotAllowed(format!(
        "Your role does not let you change your factors after signing in this way ({}). Sign in with another \
         factor, or open a reset request: on the second-factor page, choose \"I can't use any of my factors\".",
        closed.as_str()
    )))
}

/// Removes a factor of the signed-in user; the user is told by mail and, when a phone number is on file, by a
/// text to it (a removal they did not make is a takeover in progress).
#[allow(clippy::too_many_arguments)]
pub async fn remove(
    store: &dyn Store,
    notifier: &dyn Notifier,
    sms: &dyn SmsGateway,
    now: DateTime<Utc>,
    origin: &Origin,
    session: &Session,
    user: &User,
    factor_id: &str,
) -> Result<Removed> {
    require_fresh(session, now)?;
    let factor = store
        .factor_of(&user.id, factor_id)
        .await?
        .ok_or_else(|| Error::NotFound("factor".into()))?;
    require_may_remove(session, &store.factors_of(&user.id).await?, now)?;
    require_open_path(store, now, origin, session, user, &factor).await?;
    store.delete_factor(&user.id, &factor.id).await?;
    // Any factor removal ends every trusted browser: the trust was earned with the factors the user had.
    let trusted_devices_revoked =
        crate::core::signin::trusted_devices::revoke_all(store, now, origin, &user.id, "factor_removed").await?;
    // Tokens of sign-ins that used a factor of this kind end with it.
    let revoked = crate::core::grants::revoke_for_removed_factor(store, now, &user.id, factor.kind).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::FactorRemoved,
        Outcome::Success,
        Some(&user.id),
        json!({
            "kind": factor.kind, "factor_id": factor.id, "name": factor.name, "tokens_revoked": revoked,
        }),
    )
    .await?;
    notify(
        notifier,
        user,
        "factor_removed",
        json!({ "factor": factor.name, "ip": origin.ip }),
    )
    .await;
    if let Some(phone) = user.phone.as_deref() {
        let args = [
            ("username", user.username.as_str().into()),
            ("factor", factor.name.as_str().into()),
        ];
        let text = crate::core::notify::text(notifier, user, "sms-factor-removed", &args);
        if let Err(e) = sms.send_sms(phone, &text).await {
            tracing::warn!(error = %e, "could not text the factor removal notice");
        }
    }
    Ok(Removed {
        factor,
        trusted_devices_revoked,
    })
}
