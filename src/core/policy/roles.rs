//! Administering role policies (the CLI now, the admin pages later): reading them, changing them, and the
//! per-user override. Every change is validated as a whole before anything is stored — a policy that
//! contradicts itself, or that would leave users holding several roles with no factor kind in common, is
//! refused and nothing changes — and every change is an audit event with the policy before and after.
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{Role, User, truncate};
use crate::core::policy::{self, PolicyChange, RolePolicy};
use crate::core::store::Store;
use crate::core::{Error, Result};

async fn known_role(store: &dyn Store, role: &str) -> Result<()> {
    let known: Vec<String> = store.list_roles().await?.into_iter().map(|r| r.name).collect();
    if known.iter().any(|r| r == role) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "Unknown role '{}'. Known roles: {}.",
            truncate(role, 64),
            known.join(", ")
        )))
    }
}

/// The policy of a role; a role nobody configured has the unrestricted one.
pub async fn show(store: &dyn Store, now: DateTime<Utc>, role: &str) -> Result<RolePolicy> {
    known_role(store, role).await?;
    Ok(store
        .role_policy(role)
        .await?
        .unwrap_or_else(|| RolePolicy::unrestricted(role, now)))
}

/// Every role's policy, by role name.
pub async fn list(store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<RolePolicy>> {
    let stored = store.role_policies().await?;
    Ok(store
        .list_roles()
        .await?
        .into_iter()
        .map(|role| {
            stored
                .iter()
                .find(|p| p.role == role.name)
                .cloned()
                .unwrap_or_else(|| RolePolicy::unrestricted(&role.name, now))
        })
        .collect())
}

/// The policies of `roles` (unrestricted where none is stored), in the order given.
pub async fn policies_of(store: &dyn Store, now: DateTime<Utc>, roles: &[String]) -> Result<Vec<RolePolicy>> {
    let stored = store.role_policies().await?;
    Ok(roles
        .iter()
        .map(|role| {
            stored
                .iter()
                .find(|p| &p.role == role)
                .cloned()
                .unwrap_or_else(|| RolePolicy::unrestricted(role, now))
        })
        .collect())
}

/// The recovery policy in force for someone holding `roles`: strictest wins (`recovery::effective`).
pub async fn recovery_policy(
    store: &dyn Store,
    now: DateTime<Utc>,
    roles: &[String],
) -> Result<policy::recovery::RecoveryPolicy> {
    let policies = policies_of(store, now, roles).await?;
    Ok(policy::recovery::effective(
        policies.iter().map(|p| (p.role.as_str(), &p.recovery)),
    ))
}

/// Refuses a set of roles one user would hold whose policies have no primary factor kind in common.
pub async fn check_role_set(store: &dyn Store, now: DateTime<Utc>, roles: &[String]) -> Result<()> {
    let policies = policies_of(store, now, roles).await?;
    policy::check_combination(&policies.iter().collect::<Vec<_>>())
}

/// Applies `change` to `role`'s policy. Returns the policy now in force and whether anything changed.
/// Adds a role with the unrestricted policy, for an operator to shape (`set`) and hand out (by hand or through
/// a directory group). A name has 1 to 64 of a-z 0-9 _ - and starts with a letter.
pub async fn add(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    name: &str,
    description: &str,
) -> Result<Role> {
    let ok = name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !ok {
        return Err(Error::invalid(
            "A role name has 1 to 64 of a-z 0-9 _ - and starts with a letter.",
        ));
    }
    let description = description.trim();
    if description.chars().count() > 200 || description.chars().any(char::is_control) {
        return Err(Error::invalid(
            "A description has at most 200 characters and no control characters.",
        ));
    }
    let role = Role {
        name: name.to_string(),
        description: description.to_string(),
        builtin: false,
    };
    store.insert_role(&role, now).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::RoleCreated,
        Outcome::Success,
        None,
        json!({ "role": name, "description": description }),
    )
    .await?;
    Ok(role)
}

pub async fn set(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    role: &str,
    change: &PolicyChange,
) -> Result<(RolePolicy, bool)> {
    let before = show(store, now, role).await?;
    let after = change.apply(&before, now);
    after.validate()?;
    let unchanged = RolePolicy {
        updated_at: before.updated_at,
        ..after.clone()
    } == before;
    if unchanged {
        return Ok((before, false));
    }
    // Every role set that users hold together with this role must keep a primary kind in common.
    let others = store.role_policies().await?;
    for set in store.role_sets().await?.iter().filter(|s| s.iter().any(|r| r == role)) {
        let combined: Vec<RolePolicy> = set
            .iter()
            .map(|r| {
                if r == role {
                    after.clone()
                } else {
                    others
                        .iter()
                        .find(|p| &p.role == r)
                        .cloned()
                        .unwrap_or_else(|| RolePolicy::unrestricted(r, now))
                }
            })
            .collect();
        policy::check_combination(&combined.iter().collect::<Vec<_>>())?;
    }
    store.put_role_policy(&after).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::RolePolicyChanged,
        Outcome::Success,
        None,
        json!({ "role": role, "before": before, "after": after }),
    )
    .await?;
    Ok((after, true))
}

/// The per-user override: requires a second factor of this user whatever their roles say (from the next
/// sign-in). Returns whether the flag changed.
pub async fn set_user_mfa_required(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    required: bool,
) -> Result<bool> {
    if user.mfa_required == required {
        return Ok(false);
    }
    store.set_mfa_required(&user.id, required, now).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserMfaRequiredChanged,
        Outcome::Success,
        Some(&user.id),
        json!({ "before": user.mfa_required, "after": required }),
    )
    .await?;
    Ok(true)
}
