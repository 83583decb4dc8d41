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
use crate::core::ssf::{self, OutboxEntry, StreamStatus};
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

/// The events (type and claims) of an audit event; none when it signals nothing. A change that ends every
/// session of the user (a password changed, reset or set, a factor reset done, an account disabled or
/// deprovisioned) is also a `session-revoked`, so a receiver that only follows sessions hears of it too.
pub fn events_for(kind: AuditKind, details: &Value, now: DateTime<Utc>) -> Vec<(&'static str, Value)> {
    let at = now.timestamp();
    let change = |credential: &str, change_type: &str, reason: &str| {
        json!({ "credential_type": credential, "change_type": change_type, "event_timestamp": at,
                "reason_admin": { "en": reason } })
    };
    let factor = || details.get("kind").and_then(Value::as_str).unwrap_or_default();
    let revoked = |reason: &str| {
        (
            ssf::SESSION_REVOKED,
            json!({ "event_timestamp": at, "reason_admin": { "en": reason } }),
        )
    };
    let disabled = |reason: Option<&str>| {
        let mut event = json!({ "event_timestamp": at });
        if let Some(reason) = reason {
            event["reason"] = json!(reason);
        }
        (ssf::ACCOUNT_DISABLED, event)
    };
    match kind {
        AuditKind::FactorAdded => vec![(
            ssf::CREDENTIAL_CHANGE,
            change(credential_type(factor()), "create", "factor added"),
        )],
        AuditKind::FactorRemoved => vec![(
            ssf::CREDENTIAL_CHANGE,
            change(credential_type(factor()), "delete", "factor removed"),
        )],
        // One `credential-change` per kind of factor the reset removed (`unknown` for a record that names none).
        AuditKind::RecoveryDone => {
            let kinds = details.get("kinds_removed").and_then(Value::as_array);
            let mut kinds: Vec<&str> = kinds.into_iter().flatten().filter_map(Value::as_str).collect();
            if kinds.is_empty() {
                kinds.push("unknown");
            }
            let mut events: Vec<(&'static str, Value)> = kinds
                .into_iter()
                .map(|kind| {
                    let event = change(credential_type(kind), "delete", "factors reset by the helpdesk");
                    (ssf::CREDENTIAL_CHANGE, event)
                })
                .collect();
            events.push(revoked("factors reset by the helpdesk"));
            events
        }
        // A first password (setup or invitation link) creates the credential; a reset link replaces it.
        AuditKind::PasswordChanged => match details.get("via").and_then(Value::as_str) {
            Some("initial_setup" | "invitation") => {
                vec![(
                    ssf::CREDENTIAL_CHANGE,
                    change("password", "create", "first password chosen"),
                )]
            }
            _ => vec![
                (ssf::CREDENTIAL_CHANGE, change("password", "update", "password reset")),
                revoked("password reset"),
            ],
        },
        AuditKind::PasswordSetByAdmin => vec![
            (
                ssf::CREDENTIAL_CHANGE,
                change("password", "update", "password set by an administrator"),
            ),
            revoked("password set by an administrator"),
        ],
        AuditKind::SessionSignedOut => vec![revoked("signed out")],
        AuditKind::UserSessionEnded | AuditKind::UserSessionsEnded => {
            vec![revoked("sessions ended by an administrator")]
        }
        AuditKind::UserDisabled => vec![disabled(None), revoked("account disabled")],
        AuditKind::DirectoryDeactivated | AuditKind::DirectoryDeleted => {
            vec![disabled(Some("deprovisioned")), revoked("account deprovisioned")]
        }
        AuditKind::UserEnabled => vec![(ssf::ACCOUNT_ENABLED, json!({ "event_timestamp": at }))],
        // The account and all stored for it are gone (`gatehouse user delete`, or the purge after a SCIM deletion).
        AuditKind::UserDeleted => vec![(ssf::ACCOUNT_PURGED, json!({ "event_timestamp": at }))],
        // A client revoked a refresh token (RFC 7009): the sign-in's whole family ends. A single access token is
        // not a session, and reuse of a rotated refresh token names no user in its (denied) event.
        AuditKind::OidcTokenRevoked if details.get("kind").and_then(Value::as_str) == Some("refresh_token") => {
            vec![revoked("refresh token revoked by the application")]
        }
        AuditKind::OidcConsentRevoked => vec![revoked("access of an application withdrawn by the user")],
        _ => Vec::new(),
    }
}

/// Queues the signals of a successful audit event about `user_id` for every stream that wants them — not disabled,
/// and not one the receiver took the user out of — capturing the subject (`sub`, `email`) now: the account may
/// be gone by the time the SET is signed.
pub async fn enqueue(
    store: &dyn Store,
    now: DateTime<Utc>,
    kind: AuditKind,
    user_id: &str,
    details: &Value,
) -> Result<()> {
    let events = events_for(kind, details, now);
    if events.is_empty() {
        return Ok(());
    }
    // A disabled stream queues nothing; a stream the receiver took this user out of hears nothing of them.
    let mut streams = store.ssf_streams().await?;
    streams.retain(|s| s.status != StreamStatus::Disabled);
    if streams.is_empty() {
        return Ok(());
    }
    let without = store.ssf_streams_without(user_id).await?;
    streams.retain(|s| !without.contains(&s.id));
    let wanted: Vec<_> = events
        .iter()
        .flat_map(|(event_type, event)| {
            streams
                .iter()
                .filter(|s| s.wants(event_type))
                .map(move |s| (s, *event_type, event))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let email = store.user_by_id(user_id).await?.map(|u| u.email);
    let entries: Vec<_> = wanted
        .into_iter()
        .map(|(s, event_type, event)| {
            let payload = json!({ "sub": user_id, "email": email, "event": event });
            entry(&s.id, event_type, payload, now)
        })
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

    fn types(kind: AuditKind, details: Value) -> Vec<&'static str> {
        events_for(kind, &details, Utc::now())
            .into_iter()
            .map(|e| e.0)
            .collect()
    }

    #[test]
    fn credential_and_account_kinds_signal_and_others_do_not() {
        let now = Utc::now();
        let events = events_for(AuditKind::FactorRemoved, &json!({ "kind": "totp" }), now);
        assert_eq!(events.len(), 1);
        let (t, e) = &events[0];
        assert_eq!(*t, ssf::CREDENTIAL_CHANGE);
        assert_eq!(e["credential_type"], "app");
        assert_eq!(e["change_type"], "delete");
        let events = events_for(AuditKind::PasswordChanged, &json!({ "via": "password_reset" }), now);
        assert_eq!(events[0].1["credential_type"], "password");
        assert_eq!(events[0].1["change_type"], "update");
        assert_eq!(
            types(AuditKind::PasswordChanged, json!({ "via": "invitation" })),
            vec![ssf::CREDENTIAL_CHANGE],
            "a first password ends no session"
        );
        let events = events_for(AuditKind::PasswordChanged, &json!({ "via": "initial_setup" }), now);
        assert_eq!(events[0].1["change_type"], "create");
        assert_eq!(
            types(AuditKind::DirectoryDeactivated, json!({})),
            vec![ssf::ACCOUNT_DISABLED, ssf::SESSION_REVOKED]
        );
        assert_eq!(
            types(AuditKind::RecoveryDone, json!({})),
            vec![ssf::CREDENTIAL_CHANGE, ssf::SESSION_REVOKED]
        );
        let reset = events_for(
            AuditKind::RecoveryDone,
            &json!({ "kinds_removed": ["totp", "webauthn"] }),
            now,
        );
        let changed: Vec<&Value> = reset.iter().map(|e| &e.1["credential_type"]).collect();
        assert_eq!(changed[..2], [&json!("app"), &json!("fido2-roaming")][..]);
        assert_eq!(reset.len(), 3, "one change per kind, then the revocation");
        assert_eq!(types(AuditKind::UserEnabled, json!({})), vec![ssf::ACCOUNT_ENABLED]);
        assert!(types(AuditKind::LoginPassword, json!({})).is_empty());
        assert!(types(AuditKind::UserCreated, json!({})).is_empty());
        assert!(types(AuditKind::PasswordResetCompleted, json!({})).is_empty());
        assert_eq!(types(AuditKind::UserDeleted, json!({})), vec![ssf::ACCOUNT_PURGED]);
        assert_eq!(
            types(AuditKind::OidcTokenRevoked, json!({ "kind": "refresh_token" })),
            vec![ssf::SESSION_REVOKED]
        );
        assert!(types(AuditKind::OidcTokenRevoked, json!({ "kind": "access_token" })).is_empty());
        assert_eq!(
            types(AuditKind::OidcConsentRevoked, json!({})),
            vec![ssf::SESSION_REVOKED]
        );
    }
}
