//! What an audit event is, as stored: its outcome, where the request came from, and the record itself. A leaf
//! (it imports nothing of `core`): `core::store` speaks these shapes, and `audit::record`, which writes them
//! through the store, sits above it.
use chrono::{DateTime, Utc};
use serde::Serialize;

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
    /// An [`AuditKind`](super::AuditKind)'s name when written by this version; a `String` so that kinds written
    /// by other versions still read back.
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
