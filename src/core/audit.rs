//! Audit events: who did what to whom, when, from where, and how it ended. Every authentication decision
//! and every administrative change writes one; the table refuses updates and deletes. What an event is about
//! is an [`AuditKind`] (`kind.rs`), so every kind written is one of a known, documented list. The shapes of an
//! event (`event.rs`) are a leaf the store speaks; this file writes them.
use chrono::{DateTime, Utc};

use super::Result;
use super::store::Store;

pub mod event;
mod kind;
mod people;
pub mod signals;
pub use event::{AuditCount, AuditEvent, AuditFilter, AuditRecord, Origin, Outcome};
pub use kind::AuditKind;
pub use people::People;

/// The metrics an event counts for (`http::metrics` serves them): every event by kind and outcome, and the ones an
/// operator watches by name — sign-ins by step, factor and outcome, lockouts, factor-reset transitions. Labels
/// come from the fixed kinds and outcomes and from factor kinds the server itself wrote, so they stay few.
fn count(kind: AuditKind, outcome: Outcome, details: &serde_json::Value) {
    let (name, outcome_label) = (kind.as_str(), outcome.as_str());
    metrics::counter!("gatehouse_audit_events_total", "kind" => name, "outcome" => outcome_label).increment(1);
    let factor = details
        .get("kind")
        .and_then(|k| k.as_str())
        .and_then(super::factors::FactorKind::parse)
        .map(|k| k.as_str());
    match kind {
        AuditKind::LoginPassword => sign_in("password", "password", outcome_label),
        AuditKind::LoginPasskey => sign_in("passkey", "webauthn", outcome_label),
        AuditKind::LoginSecondFactor => sign_in("second_factor", factor.unwrap_or("unknown"), outcome_label),
        AuditKind::LoginTrustedDevice => sign_in("trusted_device", "device", outcome_label),
        AuditKind::LoginPasswordLocked => {
            metrics::counter!("gatehouse_lockouts_total", "what" => "password").increment(1)
        }
        AuditKind::FactorLocked => metrics::counter!("gatehouse_lockouts_total", "what" => factor.unwrap_or("factor"))
            .increment(1),
        _ if name.starts_with("recovery.") => {
            metrics::counter!("gatehouse_factor_resets_total", "event" => &name["recovery.".len()..], "outcome" => outcome_label)
                .increment(1)
        }
        _ => {}
    }
}

fn sign_in(step: &'static str, factor: &'static str, outcome: &'static str) {
    metrics::counter!("gatehouse_sign_ins_total", "step" => step, "factor" => factor, "outcome" => outcome)
        .increment(1);
}

/// The event `record` writes, built but not written: for an operation whose rows are written together with its
/// audit event (a token grant, `Store::record_grant`), which then calls [`written`].
pub fn event(
    now: DateTime<Utc>,
    origin: &Origin,
    kind: AuditKind,
    outcome: Outcome,
    subject_user_id: Option<&str>,
    details: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        at: now,
        kind: kind.as_str().to_string(),
        outcome,
        actor: (!origin.actor.is_empty()).then(|| origin.actor.clone()),
        subject_user_id: subject_user_id.map(str::to_string),
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.as_ref().map(|ua| super::model::truncate(ua, 512)),
        request_id: origin.request_id.clone(),
        details,
    }
}

/// What follows an event's write: the log line, the metrics, and for a successful event about a user its Shared
/// Signals event.
pub async fn written(store: &dyn Store, now: DateTime<Utc>, kind: AuditKind, event: &AuditEvent) -> Result<()> {
    // A token issued is the one event a busy provider writes thousands of times a second: its line is at debug
    // level (it is still stored, and counted in `gatehouse_audit_events_total`). Every other event, and every
    // refused grant, is logged at info.
    if kind == AuditKind::OidcToken && event.outcome == Outcome::Success {
        tracing::debug!(kind = kind.as_str(), outcome = event.outcome.as_str(), actor = event.actor.as_deref().unwrap_or_default(), subject = ?event.subject_user_id, "audit");
    } else {
        tracing::info!(kind = kind.as_str(), outcome = event.outcome.as_str(), actor = event.actor.as_deref().unwrap_or_default(), subject = ?event.subject_user_id, "audit");
    }
    count(kind, event.outcome, &event.details);
    if event.outcome == Outcome::Success
        && let Some(user_id) = &event.subject_user_id
    {
        signals::enqueue(store, now, kind, user_id, &event.details).await?;
    }
    Ok(())
}

/// Writes one audit event. A failure to audit fails the operation that asked for it: an authentication
/// decision that cannot be recorded is not made. A successful event about a user that means a credential,
/// session or account change also queues its Shared Signals event (`signals`), in the same way.
pub async fn record(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    kind: AuditKind,
    outcome: Outcome,
    subject_user_id: Option<&str>,
    details: serde_json::Value,
) -> Result<()> {
    let event = event(now, origin, kind, outcome, subject_user_id, details);
    store.append_audit(&event).await?;
    written(store, now, kind, &event).await
}
