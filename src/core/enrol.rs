//! Adding and removing second factors. Each needs a fresh sign-in (or the enrolment-only session that follows
//! the password of a user who must have a factor and has none), and a new factor is active only after the
//! user proves it works.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::audit::{self, AuditKind, Origin, Outcome};
use super::context::RequestCtx;
use super::factors::{Factor, FactorKind, FactorStatus, recovery_code, totp};
use super::model::{Session, SessionState, User};
use super::notify::Notifier;
use super::second_factor::notify;
use super::store::Store;
use super::throttle::{self, Policy};
use super::{Error, Keys, Result};

/// How recent a sign-in must be to change factors.
pub const FRESH_FOR: Duration = Duration::minutes(10);

pub fn is_fresh(session: &Session, now: DateTime<Utc>) -> bool {
    // A sign-in whose second factor a trusted browser skipped is never fresh enough to change factors: that
    // needs the password and an existing factor, proven now (the reauthentication ignores the trusted browser).
    let factor_skipped = session.amr.iter().any(|m| m == super::trusted_devices::AMR_MARKER);
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
    if super::enforcement::requirement_for(store, now, user)
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

fn factor_name(input: &str, default: &str) -> Result<String> {
    let name = input.trim();
    let name = if name.is_empty() { default } else { name };
    if name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(Error::invalid("A name has at most 64 characters."));
    }
    Ok(name.to_string())
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

pub struct TotpEnrolment {
    pub factor_id: String,
    pub provisioning: totp::Provisioning,
}

/// Starts adding an authenticator app: a pending factor with a new sealed secret (replacing any earlier
/// unfinished one).
pub async fn start_totp(
    store: &dyn Store,
    keys: &Keys,
    now: DateTime<Utc>,
    session: &Session,
    user: &User,
    issuer: &str,
) -> Result<TotpEnrolment> {
    require_fresh(session, now)?;
    require_proof_for_adding(session, &store.factors_of(&user.id).await?)?;
    require_allowed(store, now, user, FactorKind::Totp).await?;
    store.delete_pending_factors(&user.id, FactorKind::Totp).await?;
    let secret = totp::new_secret();
    let mut factor = Factor::new(
        &user.id,
        FactorKind::Totp,
        "Authenticator app".into(),
        FactorStatus::Pending,
        marked(json!({}), session),
        now,
    );
    factor.secret_enc = Some(keys.sealer.seal(&secret, &factor.seal_context())?);
    store.insert_factor(&factor).await?;
    Ok(TotpEnrolment {
        factor_id: factor.id,
        provisioning: totp::provisioning(&secret, &user.username, issuer)?,
    })
}

/// The pending authenticator-app enrolment, shown again (e.g. after a wrong code).
pub async fn pending_totp(
    store: &dyn Store,
    keys: &Keys,
    user: &User,
    factor_id: &str,
    issuer: &str,
) -> Result<TotpEnrolment> {
    let factor = store
        .factor_of(&user.id, factor_id)
        .await?
        .filter(|f| f.kind == FactorKind::Totp && f.status == FactorStatus::Pending)
        .ok_or_else(|| Error::invalid("This enrolment has expired; start again."))?;
    let secret = keys
        .sealer
        .open(factor.secret_enc.as_deref().unwrap_or_default(), &factor.seal_context())?;
    Ok(TotpEnrolment {
        factor_id: factor.id,
        provisioning: totp::provisioning(&secret, &user.username, issuer)?,
    })
}

/// Finishes adding an authenticator app: the first code proves it works and becomes the replay floor.
pub async fn confirm_totp(
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    factor_id: &str,
    name: &str,
    code: &str,
) -> Result<Factor> {
    let RequestCtx {
        store,
        keys,
        now,
        origin,
        ..
    } = *ctx;
    require_fresh(session, now)?;
    let name = factor_name(name, "Authenticator app")?;
    let factor = store
        .factor_of(&user.id, factor_id)
        .await?
        .filter(|f| f.kind == FactorKind::Totp && f.status == FactorStatus::Pending)
        .ok_or_else(|| Error::invalid("This enrolment has expired; start again."))?;
    let attempt = throttle::begin(store, &Policy::PASSWORD, &format!("enrol:{}", user.id), now).await?;
    let secret = keys
        .sealer
        .open(factor.secret_enc.as_deref().unwrap_or_default(), &factor.seal_context())?;
    let step = match totp::check(&secret, code, now.timestamp().max(0) as u64, None) {
        totp::Check::Accepted { step } => step,
        _ => {
            audit::record(
                store,
                now,
                origin,
                AuditKind::FactorEnrolment,
                Outcome::Failure,
                Some(&user.id),
                json!({ "kind": "totp", "reason": "wrong_code" }),
            )
            .await?;
            return Err(Error::WrongCode(
                "That code is not right. Check the time on your phone and try the next code.".into(),
            ));
        }
    };
    throttle::succeeded(store, &attempt).await?;
    if !store.activate_factor(&factor.id, &name, Some(step as i64), now).await? {
        return Err(Error::invalid("This enrolment was already completed."));
    }
    let factor = Factor {
        name,
        status: FactorStatus::Active,
        last_step: Some(step as i64),
        ..factor
    };
    announce_added(ctx, user, &factor).await?;
    Ok(factor)
}

pub async fn remove(
    store: &dyn Store,
    notifier: &dyn Notifier,
    now: DateTime<Utc>,
    origin: &Origin,
    session: &Session,
    user: &User,
    factor_id: &str,
) -> Result<Factor> {
    require_fresh(session, now)?;
    let factor = store
        .factor_of(&user.id, factor_id)
        .await?
        .ok_or_else(|| Error::NotFound("factor".into()))?;
    require_factor_proven(session, &store.factors_of(&user.id).await?)?;
    store.delete_factor(&user.id, &factor.id).await?;
    // Any factor removal ends every trusted browser: the trust was earned with the factors the user had.
    super::trusted_devices::revoke_all(store, now, origin, &user.id, "factor_removed").await?;
    // Tokens of sign-ins that used a factor of this kind end with it.
    let revoked = super::grants::revoke_for_removed_factor(store, now, &user.id, factor.kind).await?;
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
    Ok(factor)
}

/// Ten new one-time codes, replacing any earlier ones; shown once, stored as keyed hashes. Only for users
/// who have a primary factor: backup codes alone are not a second factor.
pub async fn new_recovery_codes(
    store: &dyn Store,
    notifier: &dyn Notifier,
    keys: &Keys,
    now: DateTime<Utc>,
    origin: &Origin,
    session: &Session,
    user: &User,
) -> Result<Vec<String>> {
    require_fresh(session, now)?;
    let factors = store.factors_of(&user.id).await?;
    require_proof_for_adding(session, &factors)?;
    require_allowed(store, now, user, FactorKind::RecoveryCode).await?;
    if !factors
        .iter()
        .any(|f| f.status == FactorStatus::Active && !f.kind.is_backup())
    {
        return Err(Error::invalid(
            "Add an authenticator app or security key first; recovery codes back it up.",
        ));
    }
    let codes = recovery_code::generate();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| recovery_code::normalize(c))
        .map(|c| recovery_code::digest(&keys.recovery_codes, &c))
        .collect();
    let factor = Factor::new(
        &user.id,
        FactorKind::RecoveryCode,
        "Recovery codes".into(),
        FactorStatus::Active,
        json!({}),
        now,
    );
    store.replace_recovery_codes(&factor, &hashes).await?;
    // Replacing the recovery codes resets a factor: trusted browsers must prove a factor again.
    super::trusted_devices::revoke_all(store, now, origin, &user.id, "recovery_codes_replaced").await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::FactorRecoveryCodesGenerated,
        Outcome::Success,
        Some(&user.id),
        json!({ "count": hashes.len() }),
    )
    .await?;
    notify(
        notifier,
        user,
        "factor_added",
        json!({ "factor": factor.name, "ip": origin.ip }),
    )
    .await;
    Ok(codes)
}
