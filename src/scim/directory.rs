//! Reading the directory as SCIM resources: one resource, a targeted look-up (the `eq` filters provisioning
//! clients send before each change), or everything (any other filter, evaluated over the rendered resources).
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::error::ScimError;
use super::resource::{self, Member, UserView};
use crate::core::model::User;
use crate::core::provisioning::directory::{DirectoryEntry, DirectoryGroup};
use crate::core::store::Store;

/// An account SCIM may see: not deleted over SCIM (those wait for their purge, invisible).
pub async fn visible_user(store: &dyn Store, id: &str) -> Result<Option<(User, Option<DirectoryEntry>)>, ScimError> {
    if id.len() > 64 {
        return Ok(None);
    }
    let Some(user) = store.user_by_id(id).await? else {
        return Ok(None);
    };
    let entry = store.directory_entry(&user.id).await?;
    if entry.as_ref().is_some_and(|e| e.deleted_at.is_some()) {
        return Ok(None);
    }
    Ok(Some((user, entry)))
}

/// One user as a resource.
pub async fn user_json(
    store: &dyn Store,
    user: &User,
    entry: Option<&DirectoryEntry>,
    base: &str,
) -> Result<Value, ScimError> {
    let groups = store.groups_of_user(&user.id).await?;
    let manager = match &user.manager_id {
        Some(id) => store.user_by_id(id).await?,
        None => None,
    };
    Ok(resource::user_resource(
        &UserView {
            user,
            entry,
            groups: groups.iter().collect(),
            manager: manager.as_ref(),
        },
        base,
    ))
}

/// The users `ids` name (those visible), as resources.
pub async fn users_json(store: &dyn Store, users: Vec<User>, base: &str) -> Result<Vec<Value>, ScimError> {
    let mut out = Vec::new();
    for user in users {
        let entry = store.directory_entry(&user.id).await?;
        if entry.as_ref().is_some_and(|e| e.deleted_at.is_some()) {
            continue;
        }
        out.push(user_json(store, &user, entry.as_ref(), base).await?);
    }
    Ok(out)
}

/// Every visible user as a resource, read with four queries whatever their number.
pub async fn all_users_json(store: &dyn Store, base: &str) -> Result<Vec<Value>, ScimError> {
    let users = store.list_users().await?;
    let entries: HashMap<String, DirectoryEntry> = store
        .directory_entries()
        .await?
        .into_iter()
        .map(|e| (e.user_id.clone(), e))
        .collect();
    let groups: HashMap<String, DirectoryGroup> = store
        .list_groups()
        .await?
        .into_iter()
        .map(|g| (g.id.clone(), g))
        .collect();
    let mut groups_of: HashMap<&str, Vec<&DirectoryGroup>> = HashMap::new();
    let memberships = store.all_group_members().await?;
    for (group_id, user_id) in &memberships {
        if let Some(group) = groups.get(group_id) {
            groups_of.entry(user_id.as_str()).or_default().push(group);
        }
    }
    let by_id: HashMap<&str, &User> = users.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut out = Vec::with_capacity(users.len());
    for user in &users {
        let entry = entries.get(&user.id);
        if entry.is_some_and(|e| e.deleted_at.is_some()) {
            continue;
        }
        let mut member_of = groups_of.remove(user.id.as_str()).unwrap_or_default();
        member_of.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        let view = UserView {
            user,
            entry,
            groups: member_of,
            manager: user.manager_id.as_deref().and_then(|id| by_id.get(id).copied()),
        };
        out.push(resource::user_resource(&view, base));
    }
    Ok(out)
}

/// One group as a resource.
/// A person deleted over SCIM stays a member in the store until the purge, but not in the group SCIM shows: RFC 7644
/// §3.6 has a deleted resource answer 404 and drop out of every query, and a PATCH, applied to the group as shown,
/// would otherwise carry the hidden member along and be refused for naming an unknown user.
pub async fn group_json(store: &dyn Store, group: &DirectoryGroup, base: &str) -> Result<Value, ScimError> {
    let mut members = Vec::new();
    for id in store.group_members(&group.id).await? {
        if let Some((user, _)) = visible_user(store, &id).await? {
            members.push((user.id, user.username));
        }
    }
    let members: Vec<Member> = members.iter().map(|(id, username)| Member { id, username }).collect();
    Ok(resource::group_resource(group, &members, base))
}

/// Every group as a resource (without the members deleted over SCIM, as `group_json`).
pub async fn all_groups_json(store: &dyn Store, base: &str) -> Result<Vec<Value>, ScimError> {
    let deleted: HashSet<String> = store
        .directory_entries()
        .await?
        .into_iter()
        .filter(|e| e.deleted_at.is_some())
        .map(|e| e.user_id)
        .collect();
    let users: HashMap<String, String> = store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| !deleted.contains(&u.id))
        .map(|u| (u.id, u.username))
        .collect();
    let mut members_of: HashMap<String, Vec<String>> = HashMap::new();
    for (group_id, user_id) in store.all_group_members().await? {
        members_of.entry(group_id).or_default().push(user_id);
    }
    let mut out = Vec::new();
    for group in store.list_groups().await? {
        let ids = members_of.remove(&group.id).unwrap_or_default();
        let members: Vec<Member> = ids
            .iter()
            .filter_map(|id| users.get(id).map(|username| Member { id, username }))
            .collect();
        out.push(resource::group_resource(&group, &members, base));
    }
    Ok(out)
}
