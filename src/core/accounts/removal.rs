//! Deleting a user, for good (`docs/admin.md`, "Deleting a user"). Disabling is the reversible choice; deleting
//! is for accounts that must not come back: the person left and their data should go.
//!
//! What it means, all in one store transaction (`UserStore::delete_user`):
//! - every browser session ends and every token grant (refresh families, `offline_access` included, and access
//!   tokens) is revoked; relying parties the sessions signed in to get their back-channel logout from the
//!   server's sweep, which finds the sessions gone;
//! - second factors, recovery codes, trusted browsers, OIDC consents, unredeemed authorization codes and
//!   device authorizations, password links and attempt counters are removed;
//! - factor-reset requests about the user are removed, open ones included (there is nobody left to reset;
//!   the `recovery.*` events keep their history), so their approval, cancel and enrolment links die with them;
//! - role memberships go, and the user's reports have no manager any more (listed in the event: an
//!   administrator approves their factor resets until they get a new one);
//! - the username and the e-mail address become free for a new account, which gets a new id and so inherits
//!   nothing.
//!
//! The audit log is append-only and keeps every entry about the user under their (now unused) id; the
//! `user.deleted` event records the username, so the log stays readable.
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::User;
use crate::core::store::{DeletedUser, Store};
use crate::core::{Error, Result};

/// Deletes `user` and everything stored for them (see the module doc); what was removed. `Error::Conflict`
/// for the last administrator, who would leave nobody able to administer.
pub async fn delete(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User) -> Result<DeletedUser> {
    let is_admin = store.roles_of(&user.id).await?.iter().any(|r| r == "admin");
    if is_admin && store.count_users_with_role("admin").await? <= 1 {
        return Err(Error::Conflict(format!(
            "Refusing to delete {}, the last administrator: give another user the role 'admin' first.",
            user.username
        )));
    }
    let Some(deleted) = store.delete_user(&user.id, now).await? else {
        return Err(Error::NotFound(format!("user '{}'", user.username)));
    };
    let mut details = serde_json::to_value(&deleted).map_err(|e| Error::Internal(e.to_string()))?;
    if let Some(map) = details.as_object_mut() {
        map.insert("username".into(), json!(user.username));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserDeleted,
        Outcome::Success,
        Some(&user.id),
        details,
    )
    .await?;
    Ok(deleted)
}
