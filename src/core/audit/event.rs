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
    pub fn parse(text: &str) -> Option<Self> {
        [Outcome::Success, Outcome::Failure, Outcome::Denied]
            .into_iter()
            .find(|o| o.as_str() == text)
    }

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
    /// A command-line action, recorded as the operating-system user who ran it: the one who ran `sudo`, else
    /// the environment's user, else the account the process runs as (services and containers often set no
    /// `USER`), so the audit log never says `cli:unknown` while the system knows better.
    pub fn cli() -> Self {
        let env = |name: &str| std::env::var(name).ok();
        Origin {
            actor: cli_actor(env, || whoami::username().ok()),
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

/// Which audit events to read: every field that is set must match. Newest first; `before_id` is the cursor (the
/// id of the last event of the page before).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub subject_user_id: Option<String>,
    /// Exactly as stored: `user:<id>`, `client:<client_id>`, `cli:<os user>`, `system:…`, `anonymous`.
    pub actor: Option<String>,
    /// A kind's stored name, or a prefix of names ending in `*` (`oidc.*`).
    pub kind: Option<String>,
    pub outcome: Option<Outcome>,
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
    pub before_id: Option<i64>,
}

/// How many events of one kind ended one way: a row of [`AuditStore::count_audit`](crate::core::store::AuditStore::count_audit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditCount {
    pub kind: String,
    pub outcome: Outcome,
    pub count: u64,
}

/// `cli:<who>` from `SUDO_USER`, `USER`, `LOGNAME` (the first set and not empty), else the process's account.
fn cli_actor(env: impl Fn(&str) -> Option<String>, os_user: impl FnOnce() -> Option<String>) -> String {
    let named = ["SUDO_USER", "USER", "LOGNAME"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()));
    let who = named.or_else(os_user).unwrap_or_else(|| "unknown".into());
    format!("cli:{who}")
}

#[cfg(test)]
mod tests {
    use super::cli_actor;

    #[test]
    fn cli_actor_prefers_the_sudo_user_then_the_environment_then_the_process_account() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        let os = || Some("svc-gatehouse".to_string());
        assert_eq!(
            cli_actor(env(&[("SUDO_USER", "alice"), ("USER", "root")]), os),
            "cli:alice"
        );
        assert_eq!(cli_actor(env(&[("SUDO_USER", ""), ("USER", "bob")]), os), "cli:bob");
        assert_eq!(cli_actor(env(&[("LOGNAME", "carol")]), os), "cli:carol");
        assert_eq!(cli_actor(env(&[]), os), "cli:svc-gatehouse");
        assert_eq!(cli_actor(env(&[]), || None), "cli:unknown");
    }
}
