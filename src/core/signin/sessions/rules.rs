//! The pure rules of a browser session: the limits it lives under (the server-wide ones, tightened by its user's
//! roles), when it has outlived them, and the `sid` relying parties know it by. A leaf: `core::grants` judges a
//! refresh against these rules and `core::context` carries the limits, while `sessions`, which stores sessions
//! and ends their grants with them, sits above both.
use chrono::{DateTime, Duration, Utc};

use crate::core::model::Session;
use crate::core::policy::RolePolicy;
use crate::core::secrets::token_digest;

#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    /// From sign-in, whatever the activity.
    pub absolute: Duration,
    /// Without a request.
    pub idle: Duration,
}

/// `last_seen_at` is written at most this often, so reads do not turn into a write per request. The stored
/// value therefore lags the last request by less than this, and an idle limit (server-wide or a role's) can end
/// a session up to this much early — never late.
pub const TOUCH_INTERVAL_SECS: i64 = 60;

/// The limits a session of a user holding roles with `policies` is under: the server-wide ones, tightened by
/// the strictest role limits (`core::policy::evaluate` combines them the same way). A role's absolute limit
/// counts from `auth_time` — when the user last proved who they are (sign-in or step-up) — and ends the session
/// in addition to its own `expires_at`, which counts from the sign-in.
fn role_limits(limits: SessionLimits, policies: &[RolePolicy]) -> (Option<Duration>, Duration) {
    let absolute = policies
        .iter()
        .filter_map(|p| p.reauth_absolute_minutes)
        .min()
        .map(|m| Duration::minutes(m.into()));
    let idle = policies
        .iter()
        .filter_map(|p| p.reauth_idle_minutes)
        .min()
        .map_or(limits.idle, |m| Duration::minutes(m.into()).min(limits.idle));
    (absolute, idle)
}

/// Whether `session` has outlived its limits at `now`.
pub fn expired(session: &Session, now: DateTime<Utc>, limits: SessionLimits, policies: &[RolePolicy]) -> bool {
    let (absolute, idle) = role_limits(limits, policies);
    now >= session.expires_at
        || now - session.last_seen_at >= idle
        || absolute.is_some_and(|absolute| now - session.auth_time >= absolute)
}

/// The session id shared with relying parties (`sid`): derived from, but not revealing, the session's key.
pub fn sid(session: &Session) -> String {
    token_digest(&format!("sid:{}", session.id_hash))[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::audit::event::Origin;
    use crate::core::signin::sessions::new_session;

    fn limits() -> SessionLimits {
        SessionLimits {
            absolute: Duration::hours(12),
            idle: Duration::hours(2),
        }
    }

    fn policy(absolute: Option<u32>, idle: Option<u32>) -> RolePolicy {
        let mut p = RolePolicy::unrestricted("r", Utc::now());
        p.reauth_absolute_minutes = absolute;
        p.reauth_idle_minutes = idle;
        p
    }

    #[test]
    fn strictest_role_limits_tighten_the_server_wide_ones() {
        assert_eq!(role_limits(limits(), &[]), (None, Duration::hours(2)));
        let both = [
            policy(Some(720), Some(60)),
            policy(Some(600), Some(15)),
            policy(None, None),
        ];
        assert_eq!(
            role_limits(limits(), &both),
            (Some(Duration::minutes(600)), Duration::minutes(15))
        );
        // A role may not loosen the server-wide idle limit.
        assert_eq!(role_limits(limits(), &[policy(None, Some(600))]).1, Duration::hours(2));
    }

    #[test]
    fn the_role_absolute_limit_counts_from_auth_time() {
        let now = Utc::now();
        let (_, mut s) = new_session("u", vec![], now - Duration::hours(11), limits(), &Origin::default());
        s.last_seen_at = now;
        let admin = [policy(Some(600), None)];
        assert!(expired(&s, now, limits(), &admin));
        s.auth_time = now - Duration::hours(1);
        assert!(!expired(&s, now, limits(), &admin));
        assert!(!expired(&s, now, limits(), &[]));
    }
}
