//! The directory's groups and their members. A group matters to Gatehouse only through the roles the operator
//! mapped to it (`mapping`): every change of a group's name or members brings its members' roles in line.
use serde_json::json;

use super::directory::DirectoryGroup;
use super::mapping::{check_group_name, refresh_roles};
use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::{Error, Result};

/// Members a request may name at once.
pub const MAX_MEMBERS: usize = 10_000;

/// A group as the directory describes it (SCIM POST/PUT, PATCH after it is applied).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupSpec {
    pub display_name: String,
    pub external_id: Option<String>,
    /// SCIM ids of the member users.
    pub members: Vec<String>,
}

async fn check(ctx: &RequestCtx<'_>, spec: &GroupSpec) -> Result<(String, Option<String>, Vec<String>)> {
    let name = check_group_name(&spec.display_name).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(format!("displayName: {m}")),
        other => other,
    })?;
    let external_id = spec
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            if e.chars().count() > 256 || e.chars().any(char::is_control) {
                Err(Error::invalid(
                    "externalId: at most 256 characters and no control characters.",
                ))
            } else {
                Ok(e.to_string())
            }
        })
        .transpose()?;
    if spec.members.len() > MAX_MEMBERS {
        return Err(Error::invalid(format!(
            "members: at most {MAX_MEMBERS} in one request."
        )));
    }
    let mut members = spec.members.clone();
    members.sort();
    members.dedup();
    for id in &members {
        let known = id.len() <= 64 && ctx.store.user_by_id(id).await?.is_some();
        let deleted = known
            && ctx
                .store
                .directory_entry(id)
                .await?
                .is_some_and(|e| e.deleted_at.is_some());
        if !known || deleted {
            return Err(Error::invalid(format!(
                "members: no user with id '{}'.",
                crate::core::model::truncate(id, 64)
            )));
        }
    }
    Ok((name, external_id, members))
}

pub async fn create(ctx: &RequestCtx<'_>, spec: &GroupSpec) -> Result<DirectoryGroup> {
    let (name, external_id, members) = check(ctx, spec).await?;
    let group = DirectoryGroup {
        id: uuid::Uuid::new_v4().to_string(),
        display_name: name,
        external_id,
        source_client: Some(ctx.origin.actor.clone()),
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    ctx.store.insert_group(&group, &members).await.map_err(|e| match e {
        Error::Conflict(_) => Error::Conflict(format!(
            "displayName: a group named '{}' exists already.",
            group.display_name
        )),
        other => other,
    })?;
    ctx.audit(
        AuditKind::DirectoryGroupChanged,
        Outcome::Success,
        None,
        json!({ "change": "created", "group": group.display_name, "group_id": group.id, "added": members }),
    )
    .await?;
    for user_id in &members {
        refresh_roles(ctx.store, ctx.now, ctx.origin, user_id).await?;
    }
    Ok(group)
}

/// Makes `group` what `spec` describes: name, externalId and exactly these members.
pub async fn replace(ctx: &RequestCtx<'_>, group: &DirectoryGroup, spec: &GroupSpec) -> Result<DirectoryGroup> {
    let (name, external_id, members) = check(ctx, spec).await?;
    let current = ctx.store.group_members(&group.id).await?;
    let added: Vec<String> = members.iter().filter(|m| !current.contains(m)).cloned().collect();
    let removed: Vec<String> = current.iter().filter(|m| !members.contains(m)).cloned().collect();
    let renamed = name != group.display_name;
    let mut updated = group.clone();
    if renamed || external_id != group.external_id {
        updated.display_name = name;
        updated.external_id = external_id;
        updated.updated_at = ctx.now;
        let found = ctx.store.update_group(&updated).await.map_err(|e| match e {
            Error::Conflict(_) => Error::Conflict(format!(
                "displayName: a group named '{}' exists already.",
                updated.display_name
            )),
            other => other,
        })?;
        if !found {
            return Err(Error::NotFound(format!("group '{}'", group.id)));
        }
    }
    if !added.is_empty() || !removed.is_empty() {
        ctx.store
            .change_group_members(&group.id, &added, &removed, ctx.now)
            .await?;
        updated.updated_at = ctx.now;
    }
    if renamed || !added.is_empty() || !removed.is_empty() {
        ctx.audit(
            AuditKind::DirectoryGroupChanged,
            Outcome::Success,
            None,
            json!({
                "change": "updated", "group": updated.display_name, "group_id": group.id,
                "old_name": renamed.then_some(&group.display_name), "added": added, "removed": removed,
            }),
        )
        .await?;
    }
    // A new name can match other mappings: then every member's roles may change.
    let affected: Vec<&String> = if renamed {
        members.iter().chain(removed.iter()).collect()
    } else {
        added.iter().chain(removed.iter()).collect()
    };
    for user_id in affected {
        refresh_roles(ctx.store, ctx.now, ctx.origin, user_id).await?;
    }
    Ok(updated)
}

pub async fn delete(ctx: &RequestCtx<'_>, group: &DirectoryGroup) -> Result<()> {
    let Some(former) = ctx.store.delete_group(&group.id).await? else {
        return Err(Error::NotFound(format!("group '{}'", group.id)));
    };
    ctx.audit(
        AuditKind::DirectoryGroupChanged,
        Outcome::Success,
        None,
        json!({ "change": "deleted", "group": group.display_name, "group_id": group.id, "removed": former }),
    )
    .await?;
    for user_id in &former {
        refresh_roles(ctx.store, ctx.now, ctx.origin, user_id).await?;
    }
    Ok(())
}
