//! Which directory groups grant which Gatehouse roles: an explicit table the operator keeps
//! (`gatehouse role set ROLE --scim-group NAME`, several groups per role), matched by group name
//! (case-insensitively). A group the table does not name grants nothing.
//!
//! An administrative role (`admin`, and `helpdesk`, whose agents execute factor resets) is granted by a group
//! only where the operator said so (`--allow-admin`): otherwise whoever controls the HR system could mint
//! administrators. A mapping without that permission is refused when it is made, and ignored (and audited) if
//! one is found anyway.
//!
//! A role a group granted is taken away when no group grants it any more; a role given by hand is never taken
//! away by provisioning. The last administrator keeps the role (as `accounts::remove_role` would refuse too).
use chrono::{DateTime, Utc};
use serde_json::json;

use super::directory::{GroupRoleMapping, group_key};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// Roles a group may grant only with the operator's explicit permission.
pub const PRIVILEGED_ROLES: [&str; 2] = ["admin", "helpdesk"];

pub fn is_privileged(role: &str) -> bool {
    PRIVILEGED_ROLES.contains(&role)
}

/// A group name as SCIM sends it: 1 to 256 characters, no control characters.
pub fn check_group_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 256 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "A group name has 1 to 256 characters and no control characters.",
        ));
    }
    Ok(name.to_string())
}

/// Maps `group` to `role`; then the group's members get the role.
pub async fn map(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    role: &str,
    group: &str,
    allow_admin: bool,
) -> Result<()> {
    let group = check_group_name(group)?;
    if !store.list_roles().await?.iter().any(|r| r.name == role) {
        return Err(Error::NotFound(format!(
            "role '{}'",
            crate::core::model::truncate(role, 64)
        )));
    }
    if is_privileged(role) && !allow_admin {
        audit::record(
            store,
            now,
            origin,
            AuditKind::DirectoryMappingChanged,
            Outcome::Denied,
            None,
            json!({ "role": role, "group": group, "reason": "administrative_role" }),
        )
        .await?;
        return Err(Error::NotAllowed(format!(
            "The group '{group}' would make whoever controls the directory able to grant the role '{role}': \
             map it only if you mean that, with --allow-admin."
        )));
    }
    store
        .put_group_mapping(&GroupRoleMapping {
            role: role.to_string(),
            group_name: group.clone(),
            allow_admin,
            created_at: now,
        })
        .await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::DirectoryMappingChanged,
        Outcome::Success,
        None,
        json!({ "role": role, "group": group, "allow_admin": allow_admin, "change": "mapped" }),
    )
    .await?;
    refresh_group(store, now, origin, &group).await
}

/// Removes the mapping of `group` to `role`; the group's members lose the role (unless given by hand or by
/// another group).
pub async fn unmap(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, role: &str, group: &str) -> Result<()> {
    if !store.delete_group_mapping(role, group).await? {
        return Err(Error::NotFound(format!(
            "mapping of group '{}' to role '{}'",
            crate::core::model::truncate(group, 64),
            crate::core::model::truncate(role, 64)
        )));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::DirectoryMappingChanged,
        Outcome::Success,
        None,
        json!({ "role": role, "group": group, "change": "unmapped" }),
    )
    .await?;
    refresh_group(store, now, origin, group).await
}

async fn refresh_group(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, group: &str) -> Result<()> {
    if let Some(group) = store.group_by_name(group).await? {
        for user_id in store.group_members(&group.id).await? {
            refresh_roles(store, now, origin, &user_id).await?;
        }
    }
    Ok(())
}

/// The roles the groups named `groups` grant, and the mappings ignored for lack of the operator's permission.
pub fn roles_for(mappings: &[GroupRoleMapping], groups: &[String]) -> (Vec<String>, Vec<GroupRoleMapping>) {
    let keys: Vec<String> = groups.iter().map(|g| group_key(g)).collect();
    let mut roles = Vec::new();
    let mut ignored = Vec::new();
    for mapping in mappings.iter().filter(|m| keys.contains(&group_key(&m.group_name))) {
        if is_privileged(&mapping.role) && !mapping.allow_admin {
            ignored.push(mapping.clone());
        } else if !roles.contains(&mapping.role) {
            roles.push(mapping.role.clone());
        }
    }
    roles.sort();
    (roles, ignored)
}

/// Brings the roles `user_id` holds through groups in line with their groups and the table.
pub async fn refresh_roles(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user_id: &str) -> Result<()> {
    let groups: Vec<String> = store
        .groups_of_user(user_id)
        .await?
        .into_iter()
        .map(|g| g.display_name)
        .collect();
    let (mut roles, ignored) = roles_for(&store.group_mappings().await?, &groups);
    for mapping in &ignored {
        audit::record(
            store,
            now,
            origin,
            AuditKind::DirectoryRolesChanged,
            Outcome::Denied,
            Some(user_id),
            json!({ "role": mapping.role, "group": mapping.group_name, "reason": "administrative_role_not_allowed" }),
        )
        .await?;
    }
    let held = store.roles_of(user_id).await?;
    let mut kept_last_admin = false;
    if held.iter().any(|r| r == "admin")
        && !roles.iter().any(|r| r == "admin")
        && store.count_users_with_role("admin").await? <= 1
    {
        roles.push("admin".to_string());
        kept_last_admin = true;
    }
    let change = store.set_group_roles(user_id, &roles, now).await?;
    if !change.added.is_empty() || !change.removed.is_empty() || kept_last_admin {
        audit::record(
            store,
            now,
            origin,
            AuditKind::DirectoryRolesChanged,
            Outcome::Success,
            Some(user_id),
            json!({
                "added": change.added, "removed": change.removed, "groups": groups,
                "kept_last_admin": kept_last_admin,
            }),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(role: &str, group: &str, allow_admin: bool) -> GroupRoleMapping {
        GroupRoleMapping {
            role: role.into(),
            group_name: group.into(),
            allow_admin,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn groups_grant_mapped_roles_and_admin_only_when_allowed() {
        let table = [
            mapping("staff", "Engineering", false),
            mapping("staff", "Sales", false),
            mapping("admin", "IT Admins", false),
            mapping("helpdesk", "Service Desk", true),
        ];
        let (roles, ignored) = roles_for(&table, &["engineering".into(), "SALES".into(), "IT Admins".into()]);
        assert_eq!(roles, vec!["staff".to_string()]);
        assert_eq!(ignored.len(), 1);
        assert_eq!(ignored[0].role, "admin");
        let (roles, _) = roles_for(&table, &["Service Desk".into()]);
        assert_eq!(roles, vec!["helpdesk".to_string()]);
        let (roles, ignored) = roles_for(&table, &["Marketing".into()]);
        assert!(roles.is_empty() && ignored.is_empty());
    }
}
