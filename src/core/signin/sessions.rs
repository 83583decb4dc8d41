//! Browser sessions, stored server-side so that every instance sees the same ones and sign-out is real.
//! The cookie holds a 256-bit random token; the database holds its SHA-256. Ending a session ends the token
//! grants its sign-ins earned (`core::grants`); the pure rules grants judge a refresh by — the limits, expiry,
//! the `sid` — are in `rules.rs`, below both.
use chrono::{DateTime, Duration, Utc};

pub mod rules;

pub use self::rules::{SessionLimits, TOUCH_INTERVAL_SECS, expired, sid};
use crate::core::Result;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{Session, SessionState, User, UserStatus};
use crate::core::policy::acr_age::{LevelProofs, Proofs};
use crate::core::policy::{self, RolePolicy};
use crate::core::secrets::{random_token, token_digest};
use crate::core::signin::flow::{self, Step};
use crate::core::store::{SessionContext, Store};

/// Whether a signed-in session no longer meets a second-factor requirement now in force: a role (or the user's
/// own flag) that became stricter after the sign-in, or a factor kind the role stopped counting. Such a session
/// ends at its next request, so the next sign-in asks for a factor that counts (or leads to enrolment) before
/// any page or relying party sees the user as signed in.
fn falls_short_of_policy(session: &Session, user: &User, policies: &[RolePolicy], now: DateTime<Utc>) -> bool {
    session.state == SessionState::Authenticated
        && crate::core::grants::meets_policy(&session.amr, &policy::evaluate(user, policies), None, now).is_err()
}

/// How long a session may wait between the password and the second factor (or enrolment).
pub const PENDING_LIFETIME_MINUTES: i64 = 15;

/// A new session for a user who has just authenticated; returns the cookie token and the record to store.
pub fn new_session(
    user_id: &str,
    amr: Vec<String>,
    now: DateTime<Utc>,
    limits: SessionLimits,
    origin: &Origin,
) -> (String, Session) {
    new_session_in(SessionState::Authenticated, user_id, amr, now, limits, origin)
}

/// A new session in `state`; pending states live only a few minutes.
pub fn new_session_in(
    state: SessionState,
    user_id: &str,
    amr: Vec<String>,
    now: DateTime<Utc>,
    limits: SessionLimits,
    origin: &Origin,
) -> (String, Session) {
    let token = random_token();
    let session = Session {
        id_hash: token_digest(&token),
        user_id: user_id.to_string(),
        state,
        amr,
        created_at: now,
        auth_time: now,
        last_seen_at: now,
        expires_at: now
            + if state == SessionState::Authenticated {
                limits.absolute
            } else {
                Duration::minutes(PENDING_LIFETIME_MINUTES)
            },
        ip: origin.ip.clone(),
        user_agent: origin
            .user_agent
            .as_ref()
            .map(|ua| crate::core::model::truncate(ua, 512)),
        proofs: Default::default(),
    };
    let session = Session {
        proofs: LevelProofs::default().proven(&session.amr, false, now),
        ..session
    };
    (token, session)
}

/// A live session behind a cookie, with what it was judged on: its user, and the policy of each role that user
/// holds (`policy::held_policies`) — which the page may use again rather than read them a second time
/// (`policy::enforcement::standing_with`).
#[derive(Clone, Debug)]
pub struct Resolved {
    pub session: Session,
    pub user: User,
    pub policies: Vec<RolePolicy>,
}

/// The signed-in (`Authenticated`) session and user behind a cookie token.
pub async fn resolve(
    store: &dyn Store,
    now: DateTime<Utc>,
    limits: SessionLimits,
    token: &str,
) -> Result<Option<Resolved>> {
    Ok(resolve_any(store, now, limits, token)
        .await?
        .filter(|r| r.session.state == SessionState::Authenticated))
}

/// The session and user behind a cookie token in whatever state, or `None` when it is unknown, expired,
/// idle too long (the server-wide limits, tightened by the user's role reauthentication limits), or its user is
/// disabled. Expired sessions are deleted on sight.
pub async fn resolve_any(
    store: &dyn Store,
    now: DateTime<Utc>,
    limits: SessionLimits,
    token: &str,
) -> Result<Option<Resolved>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let id_hash = token_digest(token);
    // The session, its user and the user's roles with their policies in one read: a policy change applies from
    // the next request.
    let Some(SessionContext { session, user, roles }) = store.session_context(&id_hash).await? else {
        return Ok(None);
    };
    let policies = policy::held_policies(roles, now);
    if expired(&session, now, limits, &policies) {
        store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    let Some(user) = user else {
        return Ok(None);
    };
    if user.status != UserStatus::Active {
        return Ok(None);
    }
    if falls_short_of_policy(&session, &user, &policies, now) {
        store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    if (now - session.last_seen_at).num_seconds() >= TOUCH_INTERVAL_SECS {
        store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(Resolved {
        session,
        user,
        policies,
    }))
}

/// Moves a sign-in on after `step` succeeded: the session is replaced, under a new id, by one in the state the
/// step leads to (`flow::advance`) with the given methods; `None` when it was already replaced (a concurrent
/// request won). A signed-in session that stepped up is replaced the same way; the relying parties it signed in
/// to stay attached to its successor, for back-channel logout.
pub async fn promote(
    store: &dyn Store,
    now: DateTime<Utc>,
    limits: SessionLimits,
    pending: &Session,
    step: Step,
    amr: Vec<String>,
    hardware_bound: bool,
) -> Result<Option<(String, Session)>> {
    let state = flow::advance(Some(pending.state), step)?;
    let origin = Origin {
        ip: pending.ip.clone(),
        user_agent: pending.user_agent.clone(),
        ..Default::default()
    };
    let (token, mut session) = new_session_in(state, &pending.user_id, amr, now, limits, &origin);
    // A step-up re-authenticates (fresh `auth_time`) but does not extend the absolute lifetime, which counts from
    // the sign-in.
    if pending.state == SessionState::Authenticated {
        session.created_at = pending.created_at;
        session.expires_at = pending.expires_at;
    }
    // What the session proved before (a step-up keeps the ages of the levels it does not prove again), and what
    // this step proves now.
    session.proofs = LevelProofs::of_session(pending).proven(&session.amr, hardware_bound, now);
    Ok(store
        .promote_session(pending, &session)
        .await?
        .then_some((token, session)))
}

/// Ends the session a browser had before a new sign-in, whatever its state: every sign-in gets a new session id,
/// and the old one does not linger (nor do the token grants of its sign-ins). Nothing to do for a missing, unknown
/// or expired token.
pub async fn end_previous(
    store: &dyn Store,
    now: DateTime<Utc>,
    limits: SessionLimits,
    token: Option<&str>,
) -> Result<()> {
    let Some(token) = token else {
        return Ok(());
    };
    if let Some(Resolved { session: old, .. }) = resolve_any(store, now, limits, token).await? {
        crate::core::grants::revoke_for_session(store, now, &old).await?;
        store.delete_session(&old.id_hash).await?;
    }
    Ok(())
}

/// Ends a session server-side (the cookie alone is worthless afterwards), and with it the token grants its
/// sign-ins earned (`offline_access` families excepted; `core::grants`).
pub async fn end(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, session: &Session) -> Result<()> {
    let revoked = crate::core::grants::revoke_for_session(store, now, session).await?;
    store.delete_session(&session.id_hash).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::SessionSignedOut,
        Outcome::Success,
        Some(&session.user_id),
        serde_json::json!({ "tokens_revoked": revoked }),
    )
    .await
}
