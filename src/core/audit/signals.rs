//! Security events derived from audit events: the audit kinds that mean a credential changed, a session was
//! revoked or an account was disabled or enabled become Shared Signals events, queued in the outbox for every
//! stream that asked for them.
//!
//! Why here: every such change, whatever path made it (a person's page, the admin API or console, the CLI, SCIM,
//! the recovery flow, a sweeper), already records exactly one audit event in `audit::record`, and an event that
//! cannot be recorded fails the operation. Deriving the signal at that one place catches every path without
//! touching any of them, and a new path that audits correctly signals correctly.
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::kind::AuditKind;
use crate::core::Result;
use crate::core::ssf::{self, OutboxEntry};
use crate::core::store::Store;

/// CAEP's `credential_type` for one of our factor kinds.
fn credential_type(kind: &str) -> &'static str {
    match kind {
        "webauthn" => "fido2-roaming",
        "sms" => "phone-sms",
        "totp" | "oath_token" => "app",
        "recovery_code" => "recovery-code",
        _ => "unknown",
    }
}

/// The event type and its claims for an audit event, or `None` when it signals nothing.
pub fn event_for(kind: AuditKind, details: &Value, now: DateTime<Utc>) -> Option<(&'static str, Value)> {
    let at = now.timestamp();
    let change = |credential: &str, change_type: &str, reason: &str| {
        json!({ "credential_type": credential, "change_type": change_type, "event_timestamp": at,
                "reason_admin": { "en": reason } })
    };
    let factor = || details.get("kind").and_then(Value::as_str).unwrap_or_default();
    let revoked = |reason: &str| json!({ "event_timestamp": at, "reason_admin": { "en": reason } });
    Some(match kind {
        AuditKind::FactorAdded => (
            ssf::CREDENTIAL_CHANGE,
            change(credential_type(factor()), "create", "factor added"),
        ),
        AuditKind::FactorRemoved => (
            ssf::CREDENTIAL_CHANGE,
            change(credential_type(factor()), "delete", "factor removed"),
        ),
        AuditKind::RecoveryDone => (
            ssf::CREDENTIAL_CHANGE,
            change("unknown", "delete", "factors reset by the helpdesk"),
        ),
        AuditKind::PasswordChanged => (ssf::CREDENTIAL_CHANGE, change("password", "update", "password changed")),
        AuditKind::PasswordSetByAdmin => (
            ssf::CREDENTIAL_CHANGE,
            change("password", "update", "password set by an administrator"),
        ),
        AuditKind::PasswordResetCompleted => (ssf::CREDENTIAL_CHANGE, change("password", "update", "password reset")),
        AuditKind::SessionSignedOut => (ssf::SESSION_REVOKED, revoked("signed out")),
        AuditKind::UserSessionEnded | AuditKind::UserSessionsEnded => {
            (ssf::SESSION_REVOKED, revoked("sessions ended by an administrator"))
        }
        AuditKind::UserDisabled => (ssf::ACCOUNT_DISABLED, json!({ "event_timestamp": at })),
        AuditKind::DirectoryDeactivated | AuditKind::DirectoryDeleted => (
            ssf::ACCOUNT_DISABLED,
            json!({ "event_timestamp": at, "reason": "deprovisioned" }),
        ),
        AuditKind::UserEnabled => (ssf::ACCOUNT_ENABLED, json!({ "event_timestamp": at })),
        _ => return None,
    })
}

/// Queues the signal of a successful audit event about `user_id` for every stream that wants it, capturing the
/// subject (`sub`, `email`) now: the account may be gone by the time the SET is signed.
pub async fn enqueue(
    store: &dyn Store,
    now: DateTime<Utc>,
    kind: AuditKind,
    user_id: &str,
    details: &Value,
) -> Result<()> {
    let Some((event_type, event)) = event_for(kind, details, now) else {
        return Ok(());
    };
    let streams: Vec<_> = store
        .ssf_streams()
        .await?
        .into_iter()
        .filter(|s| s.wants(event_type))
        .collect();
    if streams.is_empty() {
        return Ok(());
    }
    let email = store.user_by_id(user_id).await?.map(|u| u.email);
    let payload = json!({ "sub": user_id, "email": email, "event": event });
    let entries: Vec<_> = streams
        .iter()
        .map(|s| entry(&s.id, event_type, payload.clone(), now))
        .collect();
    store.enqueue_ssf(&entries).await
}

/// A new outbox row, due now.
pub fn entry(stream_id: &str, event_type: &str, payload: Value, now: DateTime<Utc>) -> OutboxEntry {
    OutboxEntry {
        id: uuid::Uuid::new_v4().to_string(),
        stream_id: stream_id.to_string(),
        jti: uuid::Uuid::new_v4().simple().to_string(),
        event_type: event_type.to_string(),
        payload,
        attempts: 0,
        next_attempt_at: now,
        delivered_at: None,
        failed_at: None,
        last_error: None,
        created_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_and_account_kinds_signal_and_others_do_not() {
        let now = Utc::now();
        let (t, e) = event_for(AuditKind::FactorRemoved, &json!({ "kind": "totp" }), now).expect("signals");
        assert_eq!(t, ssf::CREDENTIAL_CHANGE);
        assert_eq!(e["credential_type"], "app");
        assert_eq!(e["change_type"], "delete");
        let (t, e) = event_for(AuditKind::PasswordResetCompleted, &json!({}), now).expect("signals");
        assert_eq!(
            (t, e["credential_type"].as_str()),
            (ssf::CREDENTIAL_CHANGE, Some("password"))
        );
        assert_eq!(
            event_for(AuditKind::DirectoryDeactivated, &json!({}), now).map(|x| x.0),
            Some(ssf::ACCOUNT_DISABLED)
        );
        assert_eq!(
            event_for(AuditKind::UserEnabled, &json!({}), now).map(|x| x.0),
            Some(ssf::ACCOUNT_ENABLED)
        );
        assert!(event_for(AuditKind::LoginPassword, &json!({}), now).is_none());
        assert!(event_for(AuditKind::UserCreated, &json!({}), now).is_none());
    }
}
