//! Audit events: who did what to whom, when, from where, and how it ended. Every authentication decision
//! and every administrative change writes one; the table refuses updates and deletes. What an event is about
//! is an [`AuditKind`] (`kind.rs`), so every kind written is one of a known, documented list.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Result;
use super::store::Store;

mod kind;
pub use kind::AuditKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// Where a request came from, for the audit log.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Origin {
    /// `user:<id>` for a signed-in person, `cli:<os user>` for the command line, `anonymous` otherwise.
    pub actor: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl Origin {
    pub fn cli() -> Self {
        let who = std::env::var("SUDO_USER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "unknown".into());
        Origin {
            actor: format!("cli:{who}"),
            ..Default::default()
        }
    }

    pub fn with_actor(&self, actor: String) -> Self {
        Origin { actor, ..self.clone() }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    /// An [`AuditKind`]'s name when written by this version; a `String` so that kinds written by other versions
    /// still read back.
    pub kind: String,
    pub outcome: Outcome,
    pub actor: Option<String>,
    pub subject_user_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
}

/// Writes one audit event. A failure to audit fails the operation that asked for it: an authentication
/// decision that cannot be recorded is not made.
pub async fn record(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    kind: AuditKind,
    outcome: Outcome,
    subject_user_id: Option<&str>,
    details: serde_json::Value,
) -> Result<()> {
    let event = AuditEvent {
        at: now,
        kind: kind.as_str().to_string(),
        outcome,
        actor: (!origin.actor.is_empty()).then(|| origin.actor.clone()),
        subject_user_id: subject_user_id.map(str::to_string),
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.as_ref().map(|ua| super::model::truncate(ua, 512)),
        request_id: origin.request_id.clone(),
        details,
    };
    tracing::info!(kind = kind.as_str(), outcome = outcome.as_str(), actor = %origin.actor, subject = ?subject_user_id, "audit");
    store.append_audit(&event).await
}
