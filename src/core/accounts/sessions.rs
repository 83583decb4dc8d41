//! A user's browser sessions as an administrator — or the user on their own sessions page — sees them: listing
//! the live ones, ending one, ending all (the administrator), ending all but the one in use (the user).
//!
//! A session is named by its `sid` (`signin::sessions::rules::sid`): 128 bits derived from the stored digest of
//! the cookie token by a one-way hash, the same value relying parties already receive in ID tokens and logout
//! tokens. It is stable for the session's life and reveals nothing that leads back to the cookie or to the
//! stored digest, so showing it in a console, a log or a ticket gives nobody a way in. (A session that steps up
//! gets a new cookie and so a new `sid`; relying parties keep the old one through the sign-in record.)
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{Session, User};
use crate::core::policy::assurance;
use crate::core::signin::sessions::{SessionLimits, expired, sid};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// One live browser session of a user (nothing secret: no cookie, no digest of one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    /// The session's `sid`: what `end_session` takes.
    pub id: String,
    /// `authenticated`, or a sign-in waiting for its second factor or enrolment.
    pub state: &'static str,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// When the user last proved who they are (sign-in or step-up).
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The methods used (RFC 8176), and the level they reach.
    pub amr: Vec<String>,
    pub acr: &'static str,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl SessionInfo {
    fn of(session: &Session) -> Self {
        SessionInfo {
            id: sid(session),
            state: session.state.as_str(),
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            auth_time: session.auth_time,
            expires_at: session.expires_at,
            amr: session.amr.clone(),
            acr: assurance::acr_for(&session.amr),
            ip: session.ip.clone(),
            user_agent: session.user_agent.clone(),
        }
    }
}

/// The user's sessions that are live at `now` under `limits` tightened by their roles (the rule every request
/// applies, `signin::sessions::resolve_any`), oldest first.
pub async fn sessions(
    store: &dyn Store,
    now: DateTime<Utc>,
    limits: SessionLimits,
    user: &User,
) -> Result<Vec<SessionInfo>> {
    let policies = crate::core::policy::enforcement::role_policies(store, now, &user.id).await?;
    Ok(store
        .sessions_of_user(&user.id)
        .await?
        .iter()
        .filter(|s| !expired(s, now, limits, &policies))
        .map(SessionInfo::of)
        .collect())
}

/// Ends the session `session_id` (its `sid`) of the user, and with it the token grants its sign-ins earned
/// (`offline_access` families excepted, as at sign-out); its cookie stops working at once. `Error::NotFound`
/// when the user has no such session.
pub async fn end_session(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    session_id: &str,
) -> Result<()> {
    let wanted = session_id.trim();
    let Some(session) = store
        .sessions_of_user(&user.id)
        .await?
        .into_iter()
        .find(|s| sid(s) == wanted)
    else {
        return Err(Error::NotFound(format!(
            "session '{}' of {}",
            crate::core::model::truncate(wanted, 64),
            user.username
        )));
    };
    end_one(store, now, origin, user, &session).await
}

async fn end_one(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User, session: &Session) -> Result<()> {
    let revoked = crate::core::grants::revoke_for_session(store, now, session).await?;
    store.delete_session(&session.id_hash).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserSessionEnded,
        Outcome::Success,
        Some(&user.id),
        json!({ "session": sid(session), "tokens_revoked": revoked }),
    )
    .await
}

/// Ends every session of the user but `keep` (the one the user is using), each as `end_session` does (its
/// sign-ins' token grants revoked, `offline_access` families excepted, one audit event each); how many ended.
/// What the user keeps is exactly the browser in front of them.
pub async fn end_other_sessions(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    keep: &Session,
) -> Result<u64> {
    let mut ended = 0;
    for session in store.sessions_of_user(&user.id).await? {
        if session.id_hash == keep.id_hash {
            continue;
        }
        end_one(store, now, origin, user, &session).await?;
        ended += 1;
    }
    Ok(ended)
}

/// Ends every session of the user and revokes every token grant of theirs, `offline_access` included
/// (`SessionStore::end_sign_ins_of_user`, what disabling an account does); how many sessions ended.
pub async fn end_sessions(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User) -> Result<u64> {
    let ended = store.end_sign_ins_of_user(&user.id, now).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserSessionsEnded,
        Outcome::Success,
        Some(&user.id),
        json!({ "sessions_ended": ended }),
    )
    .await?;
    Ok(ended)
}
