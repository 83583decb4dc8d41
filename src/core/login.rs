//! Interactive sign-in with a password. Unknown accounts, accounts without a password and wrong passwords
//! take the same time and get the same answer; every attempt is an audit event.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::audit::{self, Origin, Outcome};
use super::model::{Session, User, UserStatus, truncate};
use super::password::{self, Verdict};
use super::sessions::{self, SessionLimits};
use super::store::Store;
use super::{Error, Result, accounts};

pub struct SignedIn {
    /// Goes into the session cookie; never stored.
    pub token: String,
    pub session: Session,
    pub user: User,
}

/// Identifier and password lengths beyond which no account can match.
const MAX_IDENTIFIER: usize = 254;
const MAX_PASSWORD_BYTES: usize = 4 * password::MAX_CHARS;

pub async fn password_sign_in(
    store: &dyn Store,
    now: DateTime<Utc>,
    limits: SessionLimits,
    origin: &Origin,
    identifier: &str,
    password: &str,
) -> Result<SignedIn> {
    let plausible = identifier.len() <= MAX_IDENTIFIER && password.len() <= MAX_PASSWORD_BYTES;
    let user = if plausible && !identifier.trim().is_empty() {
        match accounts::find(store, identifier).await {
            Ok(user) => Some(user),
            Err(Error::NotFound(_)) => None,
            Err(other) => return Err(other),
        }
    } else {
        None
    };
    let stored = if plausible {
        user.as_ref().and_then(|u| u.password_hash.clone())
    } else {
        None
    };
    let verdict = password::verify_async(truncate(password, password::MAX_CHARS * 2), stored).await?;

    let (user, needs_rehash) = match (user, verdict) {
        (Some(user), Verdict::Match { needs_rehash }) => (user, needs_rehash),
        (user, _) => {
            let reason = if user.is_some() {
                "wrong_password"
            } else {
                "unknown_user"
            };
            audit::record(
                store,
                now,
                origin,
                "login.password",
                Outcome::Failure,
                user.as_ref().map(|u| u.id.as_str()),
                json!({
                    "identifier": truncate(identifier, 64), "reason": reason,
                }),
            )
            .await?;
            return Err(Error::InvalidCredentials);
        }
    };
    if user.status != UserStatus::Active {
        audit::record(
            store,
            now,
            origin,
            "login.password",
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": "disabled" }),
        )
        .await?;
        return Err(Error::AccountDisabled);
    }
    if needs_rehash {
        let hash = password::hash_async(password.to_string()).await?;
        store.set_password_hash(&user.id, &hash, None, now).await?;
    }
    let (token, session) = sessions::new_session(&user.id, vec!["pwd".into()], now, limits, origin);
    store.insert_session(&session).await?;
    audit::record(
        store,
        now,
        origin,
        "login.password",
        Outcome::Success,
        Some(&user.id),
        json!({ "rehashed": needs_rehash }),
    )
    .await?;
    Ok(SignedIn { token, session, user })
}
