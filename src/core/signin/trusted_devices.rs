//! Trusted devices ("remember this browser"): after a proven second factor, a user whose combined role policy
//! has `trusted_device_days > 0` may trust the browser; later sign-ins of that user in that browser, within
//! the window, skip the second factor — never the password.
//!
//! Guarantees:
//! - The trust is a server-side record keyed by (SHA-256 of a random 256-bit per-browser cookie, user id). One
//!   cookie holds the trust of several accounts; trusting one account never touches another's record.
//! - A cookie that is malformed, unknown, another browser's, or another user's finds no record: the ordinary
//!   second step follows. So do an expired record and a role whose `trusted_device_days` is now 0 (or shorter
//!   than the age of the trust: the window is `min(stored expiry, trusted_at + today's days)`).
//! - Only a user whose second step accepts one of their factors with full access can skip (a user whose factors
//!   no longer count still has to prove one and only reaches enrolment).
//! - A skipped second factor is recorded truthfully: `amr` is `pwd` + [`device::AMR_MARKER`], never `mfa`; the acr
//!   rule (`assurance::acr_for`) counts it as multi-factor, never as phishing-resistant (docs/decisions.md).
//! - Every trust, skip, refusal and revocation is an audit event. Password resets, factor removals, replaced
//!   recovery codes and a changed phone number revoke all of the user's trusted devices; adding a factor does not.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

pub mod device;

use self::device::TrustedDevice;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{User, truncate};
use crate::core::policy::{Access, Plan, Requirement};
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// Whether a cookie value has the shape of one we issued (43 base64url characters = 256 bits); anything else
/// is ignored, and replaced when the browser is next trusted.
pub fn well_formed(cookie: &str) -> bool {
    cookie.len() == 43
        && cookie
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Trusts the browser for the user after a proven second factor, for the days of the combined policy.
/// Reuses the browser's cookie when it has a well-formed one (so other accounts' trust in it stays), else
/// makes a new one. Returns the cookie value to set, or `None` when the policy allows no trusted devices.
pub async fn trust(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    requirement: &Requirement,
    existing_cookie: Option<&str>,
) -> Result<Option<String>> {
    let days = requirement.trusted_device_days;
    if days == 0 {
        audit::record(
            store,
            now,
            origin,
            AuditKind::DeviceTrusted,
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": "policy_allows_none" }),
        )
        .await?;
        return Ok(None);
    }
    let cookie = existing_cookie
        .filter(|c| well_formed(c))
        .map(str::to_string)
        .unwrap_or_else(random_token);
    let device = TrustedDevice {
        id: uuid::Uuid::new_v4().to_string(),
        browser_hash: token_digest(&cookie),
        user_id: user.id.clone(),
        user_agent: truncate(origin.user_agent.as_deref().unwrap_or(""), 256),
        created_at: now,
        trusted_at: now,
        last_seen_at: now,
        expires_at: now + Duration::days(days.into()),
    };
    store.put_trusted_device(&device).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::DeviceTrusted,
        Outcome::Success,
        Some(&user.id),
        json!({ "days": days, "expires_at": device.expires_at, "browser": device.browser() }),
    )
    .await?;
    Ok(Some(cookie))
}

/// Decides, after a correct password, whether this browser's trust lets the user skip the second step.
/// `true` only for a live record of this very (browser, user) under a policy that still allows it; every
/// presented-but-refused cookie is audited with the reason.
pub async fn skips_second_factor(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    requirement: &Requirement,
    plan: &Plan,
    cookie: Option<&str>,
) -> Result<bool> {
    let Some(cookie) = cookie else {
        return Ok(false);
    };
    // Only a user who would otherwise prove an accepted factor and get full access can skip it.
    if plan.accepted.is_empty() || !plan.compliant || plan.then != Access::Full {
        return Ok(false);
    }
    let record = if well_formed(cookie) {
        store.trusted_device(&token_digest(cookie), &user.id).await?
    } else {
        None
    };
    let refused = |reason: &'static str| async move {
        audit::record(
            store,
            now,
            origin,
            AuditKind::LoginTrustedDevice,
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": reason }),
        )
        .await
    };
    let Some(device) = record else {
        refused(if well_formed(cookie) {
            "not_trusted_for_user"
        } else {
            "malformed_cookie"
        })
        .await?;
        return Ok(false);
    };
    let days = requirement.trusted_device_days;
    if days == 0 {
        refused("policy_allows_none").await?;
        return Ok(false);
    }
    if device.effective_expiry(days) <= now {
        store.delete_trusted_device(&user.id, &device.id).await?;
        refused("expired").await?;
        return Ok(false);
    }
    store.touch_trusted_device(&device.id, now).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::LoginTrustedDevice,
        Outcome::Success,
        Some(&user.id),
        json!({ "device_id": device.id, "browser": device.browser(), "expires_at": device.effective_expiry(days) }),
    )
    .await?;
    Ok(true)
}

/// The user's trusted browsers that are still live under `days` (today's policy), newest first.
pub async fn list(store: &dyn Store, now: DateTime<Utc>, user: &User, days: u32) -> Result<Vec<TrustedDevice>> {
    Ok(store
        .trusted_devices_of(&user.id)
        .await?
        .into_iter()
        .filter(|d| d.effective_expiry(days) > now)
        .map(|d| TrustedDevice {
            expires_at: d.effective_expiry(days),
            ..d
        })
        .collect())
}

/// Revokes one of the user's trusted browsers (the account page).
pub async fn revoke(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User, id: &str) -> Result<()> {
    if !store.delete_trusted_device(&user.id, id).await? {
        return Err(Error::NotFound("trusted browser".into()));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::DeviceRevoked,
        Outcome::Success,
        Some(&user.id),
        json!({ "device_id": id }),
    )
    .await
}

/// Revokes all of a user's trusted browsers, for `reason` (`user`, `admin`, `password_reset`,
/// `factor_removed`, `phone_changed`, …). Audited even when there were none, so the event log shows the check.
pub async fn revoke_all(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user_id: &str,
    reason: &str,
) -> Result<u64> {
    let removed = store.delete_trusted_devices_of(user_id).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::DeviceRevokedAll,
        Outcome::Success,
        Some(user_id),
        json!({ "reason": reason, "count": removed }),
    )
    .await?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_cookie_shape_is_looked_up() {
        assert!(well_formed(&random_token()));
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"é".repeat(22),
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
