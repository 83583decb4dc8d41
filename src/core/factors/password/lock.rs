//! The password lockout: after `password_lockout_failures` consecutive wrong passwords for one account, the
//! password stops working — the right one included — until a password reset by mail or `gatehouse user
//! unlock` clears it. Why it exists, and why the limit is high and the delays come first: `docs/decisions.md`.
//!
//! Guarantees:
//! - Failures count **per account**: username and e-mail address resolve to the account first and share one
//!   counter (`password:user:<id>`), so each way of naming the account does not get its own free guesses.
//!   Identifiers that name no account keep a counter of their own, with the same delays and the same silent
//!   lock, so the counters reveal nothing about which accounts exist.
//! - The lock is the counter in the database (`throttle`, `Policy::password_sign_in`): shared by all instances,
//!   and reserved by compare-and-swap before the password is checked, so parallel guesses cannot pass it.
//! - It is silent: a locked account answers exactly as a wrong password does, after the same delays and the
//!   same hashing. The user and the administrators learn of it by mail, once — when the lock happens.
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::core::Result;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::User;
use crate::core::notify::{Notifier, mail, notify};
use crate::core::secrets::token_digest;
use crate::core::store::Store;
use crate::core::throttle;

/// The counter of an account, whichever identifier was typed.
pub fn account_key(user_id: &str) -> String {
    format!("password:user:{user_id}")
}

/// The counter of an identifier that names no account (known or not, the delays look the same).
pub fn unknown_key(identifier: &str) -> String {
    format!("password:{}", &token_digest(&identifier.trim().to_lowercase())[..32])
}

/// Whether the account's password is locked now (for `gatehouse user show` and tests).
pub async fn is_locked(store: &dyn Store, policy: &throttle::Policy, user: &User) -> Result<bool> {
    let failures = store.attempt_counter(&account_key(&user.id)).await?.map(|(n, _)| n);
    Ok(failures.is_some_and(|n| policy.locked_until_cleared(n)))
}

/// The attempt that reached the limit failed: audit `login.password_locked` and tell the user and every
/// administrator by mail. Called once per lock (only one reserved attempt can be the one that reaches it).
pub async fn announce(
    store: &dyn Store,
    notifier: &dyn Notifier,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    failures: u32,
) -> Result<()> {
    audit::record(
        store,
        now,
        origin,
        AuditKind::LoginPasswordLocked,
        Outcome::Denied,
        Some(&user.id),
        json!({ "failures": failures }),
    )
    .await?;
    let values = json!({
        "username": user.username, "failures": failures, "ip": origin.ip,
        "at": now.to_rfc3339(),
    });
    notify(notifier, user, "password_locked", values.clone()).await;
    for admin in store
        .users_with_role("admin", crate::core::store::MEMBERS_READ_AT_MOST)
        .await?
    {
        if admin.id != user.id
            && let Err(e) = mail(notifier, &admin, "password_locked_admin", values.clone()).await
        {
            tracing::warn!(error = %e, "could not alert an administrator");
        }
    }
    Ok(())
}

/// Clears the account's password failures, and with them a lock; audited as `login.password_unlocked` when
/// there was something to clear. `via` says how (`password_reset`, `admin`, `password_set_by_admin`).
/// Returns the failures that were cleared.
pub async fn clear(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User, via: &str) -> Result<u32> {
    let failures = throttle::clear(store, &account_key(&user.id)).await?;
    if failures > 0 {
        audit::record(
            store,
            now,
            origin,
            AuditKind::LoginPasswordUnlocked,
            Outcome::Success,
            Some(&user.id),
            json!({ "via": via, "failures_cleared": failures }),
        )
        .await?;
    }
    Ok(failures)
}

/// `gatehouse user unlock`: clears the lock (and any failures) of the account; audited even when nothing was
/// locked, since an administrator acted on the account.
pub async fn unlock(
    store: &dyn Store,
    policy: &throttle::Policy,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
) -> Result<bool> {
    let was_locked = is_locked(store, policy, user).await?;
    let cleared = clear(store, now, origin, user, "admin").await?;
    if cleared == 0 {
        audit::record(
            store,
            now,
            origin,
            AuditKind::LoginPasswordUnlocked,
            Outcome::Success,
            Some(&user.id),
            json!({ "via": "admin", "failures_cleared": 0 }),
        )
        .await?;
    }
    Ok(was_locked)
}
