//! What the directory keeps about people and groups beside the account itself — the shapes the store speaks
//! (a leaf: it imports nothing that reaches the store).
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where an account came from: shown in the console and the admin API, so an administrator knows whether a
/// change they make by hand will be overwritten by the next provisioning run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountSource {
    /// `gatehouse user add`.
    Cli,
    /// The admin console.
    Console,
    /// The admin REST API.
    Api,
    /// A SCIM client (an HR system or directory).
    Scim,
    /// The first administrator, created at start-up.
    Setup,
}

impl AccountSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountSource::Cli => "cli",
            AccountSource::Console => "console",
            AccountSource::Api => "api",
            AccountSource::Scim => "scim",
            AccountSource::Setup => "setup",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Cli, Self::Console, Self::Api, Self::Scim, Self::Setup]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// The directory's record of one account (1:1 with `users`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirectoryEntry {
    pub user_id: String,
    pub source: AccountSource,
    /// The audit actor that created it when it came over SCIM (`scim:<client>`).
    pub source_client: Option<String>,
    /// The provisioning system's own identifier (SCIM `externalId`); unique.
    pub external_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    /// A manager named by the directory who is not (yet) an account here: linked when they arrive.
    pub manager_ref: Option<String>,
    /// Deleted over SCIM: disabled and invisible to SCIM, personal data purged after the retention period.
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl DirectoryEntry {
    pub fn new(user_id: &str, source: AccountSource, now: DateTime<Utc>) -> Self {
        DirectoryEntry {
            user_id: user_id.to_string(),
            source,
            source_client: None,
            external_id: None,
            given_name: None,
            family_name: None,
            employee_number: None,
            department: None,
            manager_ref: None,
            deleted_at: None,
            updated_at: now,
        }
    }
}

/// A group as the directory keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: String,
    pub external_id: Option<String>,
    pub source_client: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The name under which group names are unique and mapped to roles: case-insensitive, trimmed.
pub fn group_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// One row of the explicit group → role table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupRoleMapping {
    pub role: String,
    pub group_name: String,
    /// The operator allowed this group to grant an administrative role (`--allow-admin`).
    pub allow_admin: bool,
    pub created_at: DateTime<Utc>,
}

/// A static bearer token for a provisioning system. Only the SHA-256 digest is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScimToken {
    pub id: String,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What changed in an account's group-granted roles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RoleGrantChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}
