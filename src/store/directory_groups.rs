//! The directory's groups, their members, the explicit group → role table, and the roles groups granted.
use chrono::{DateTime, Utc};
use entity::{role_scim_group, scim_group, scim_group_member, scim_role_grant, user_role};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::db_error;
use crate::core::Result;
use crate::core::provisioning::directory::{DirectoryGroup, GroupRoleMapping, RoleGrantChange, group_key};

fn to_domain(m: scim_group::Model) -> DirectoryGroup {
    DirectoryGroup {
        id: m.id,
        display_name: m.display_name,
        external_id: m.external_id,
        source_client: m.source_client,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn member(group_id: &str, user_id: &str, now: DateTime<Utc>) -> scim_group_member::ActiveModel {
    scim_group_member::ActiveModel {
        group_id: Set(group_id.to_string()),
        user_id: Set(user_id.to_string()),
        created_at: Set(now),
    }
}

pub(super) async fn insert_group(db: &DatabaseConnection, g: &DirectoryGroup, members: &[String]) -> Result<()> {
    let txn = db.begin().await.map_err(db_error)?;
    scim_group::ActiveModel {
        id: Set(g.id.clone()),
        display_name: Set(g.display_name.clone()),
        name_normalized: Set(group_key(&g.display_name)),
        external_id: Set(g.external_id.clone()),
        source_client: Set(g.source_client.clone()),
        created_at: Set(g.created_at),
        updated_at: Set(g.updated_at),
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let mut unique: Vec<&String> = members.iter().collect();
    unique.sort();
    unique.dedup();
    for user_id in unique {
        member(&g.id, user_id, g.created_at)
            .insert(&txn)
            .await
            .map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)
}

pub(super) async fn group(db: &DatabaseConnection, id: &str) -> Result<Option<DirectoryGroup>> {
    Ok(scim_group::Entity::find_by_id(id.to_string())
        .one(db)
        .await
        .map_err(db_error)?
        .map(to_domain))
}

pub(super) async fn group_by_name(db: &DatabaseConnection, name: &str) -> Result<Option<DirectoryGroup>> {
    Ok(scim_group::Entity::find()
        .filter(scim_group::Column::NameNormalized.eq(group_key(name)))
        .one(db)
        .await
        .map_err(db_error)?
        .map(to_domain))
}

pub(super) async fn group_by_external_id(db: &DatabaseConnection, external_id: &str) -> Result<Option<DirectoryGroup>> {
    Ok(scim_group::Entity::find()
        .filter(scim_group::Column::ExternalId.eq(external_id))
        .one(db)
        .await
        .map_err(db_error)?
        .map(to_domain))
}

pub(super) async fn list_groups(db: &DatabaseConnection) -> Result<Vec<DirectoryGroup>> {
    Ok(scim_group::Entity::find()
        .order_by_asc(scim_group::Column::NameNormalized)
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(to_domain)
        .collect())
}

pub(super) async fn update_group(db: &DatabaseConnection, g: &DirectoryGroup) -> Result<bool> {
    let done = scim_group::Entity::update_many()
        .col_expr(
            scim_group::Column::DisplayName,
            sea_orm::sea_query::Expr::value(g.display_name.clone()),
        )
        .col_expr(
            scim_group::Column::NameNormalized,
            sea_orm::sea_query::Expr::value(group_key(&g.display_name)),
        )
        .col_expr(
            scim_group::Column::ExternalId,
            sea_orm::sea_query::Expr::value(g.external_id.clone()),
        )
        .col_expr(
            scim_group::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(g.updated_at),
        )
        .filter(scim_group::Column::Id.eq(g.id.clone()))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected > 0)
}

pub(super) async fn delete_group(db: &DatabaseConnection, id: &str) -> Result<Option<Vec<String>>> {
    let txn = db.begin().await.map_err(db_error)?;
    let members = scim_group_member::Entity::find()
        .filter(scim_group_member::Column::GroupId.eq(id))
        .order_by_asc(scim_group_member::Column::UserId)
        .all(&txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    scim_group_member::Entity::delete_many()
        .filter(scim_group_member::Column::GroupId.eq(id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    let done = scim_group::Entity::delete_by_id(id.to_string())
        .exec(&txn)
        .await
        .map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    Ok((done.rows_affected > 0).then_some(members))
}

pub(super) async fn group_members(db: &DatabaseConnection, id: &str) -> Result<Vec<String>> {
    Ok(scim_group_member::Entity::find()
        .filter(scim_group_member::Column::GroupId.eq(id))
        .order_by_asc(scim_group_member::Column::UserId)
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

pub(super) async fn all_group_members(db: &DatabaseConnection) -> Result<Vec<(String, String)>> {
    Ok(scim_group_member::Entity::find()
        .order_by_asc(scim_group_member::Column::GroupId)
        .order_by_asc(scim_group_member::Column::UserId)
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|m| (m.group_id, m.user_id))
        .collect())
}

pub(super) async fn change_group_members(
    db: &DatabaseConnection,
    id: &str,
    add: &[String],
    remove: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = db.begin().await.map_err(db_error)?;
    if !remove.is_empty() {
        scim_group_member::Entity::delete_many()
            .filter(scim_group_member::Column::GroupId.eq(id))
            .filter(scim_group_member::Column::UserId.is_in(remove.iter().cloned()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    for user_id in add {
        scim_group_member::Entity::insert(member(id, user_id, now))
            .on_conflict_do_nothing_on([scim_group_member::Column::GroupId, scim_group_member::Column::UserId])
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    scim_group::Entity::update_many()
        .col_expr(scim_group::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(scim_group::Column::Id.eq(id))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    txn.commit().await.map_err(db_error)
}

pub(super) async fn groups_of_user(db: &DatabaseConnection, user_id: &str) -> Result<Vec<DirectoryGroup>> {
    let ids: Vec<String> = scim_group_member::Entity::find()
        .filter(scim_group_member::Column::UserId.eq(user_id))
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|m| m.group_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scim_group::Entity::find()
        .filter(scim_group::Column::Id.is_in(ids))
        .order_by_asc(scim_group::Column::NameNormalized)
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(to_domain)
        .collect())
}

pub(super) async fn group_mappings(db: &DatabaseConnection) -> Result<Vec<GroupRoleMapping>> {
    Ok(role_scim_group::Entity::find()
        .order_by_asc(role_scim_group::Column::RoleName)
        .order_by_asc(role_scim_group::Column::GroupNormalized)
        .all(db)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|m| GroupRoleMapping {
            role: m.role_name,
            group_name: m.group_name,
            allow_admin: m.allow_admin,
            created_at: m.created_at,
        })
        .collect())
}

pub(super) async fn put_group_mapping(db: &DatabaseConnection, m: &GroupRoleMapping) -> Result<()> {
    role_scim_group::Entity::insert(role_scim_group::ActiveModel {
        role_name: Set(m.role.clone()),
        group_normalized: Set(group_key(&m.group_name)),
        group_name: Set(m.group_name.trim().to_string()),
        allow_admin: Set(m.allow_admin),
        created_at: Set(m.created_at),
    })
    .on_conflict(
        OnConflict::columns([
            role_scim_group::Column::RoleName,
            role_scim_group::Column::GroupNormalized,
        ])
        .update_columns([role_scim_group::Column::GroupName, role_scim_group::Column::AllowAdmin])
        .to_owned(),
    )
    .exec(db)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn delete_group_mapping(db: &DatabaseConnection, role: &str, group_name: &str) -> Result<bool> {
    let done = role_scim_group::Entity::delete_many()
        .filter(role_scim_group::Column::RoleName.eq(role))
        .filter(role_scim_group::Column::GroupNormalized.eq(group_key(group_name)))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected > 0)
}

pub(super) async fn set_group_roles(
    db: &DatabaseConnection,
    user_id: &str,
    roles: &[String],
    now: DateTime<Utc>,
) -> Result<RoleGrantChange> {
    let txn = db.begin().await.map_err(db_error)?;
    let held: Vec<String> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(&txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|r| r.role_name)
        .collect();
    let granted: Vec<String> = scim_role_grant::Entity::find()
        .filter(scim_role_grant::Column::UserId.eq(user_id))
        .all(&txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|r| r.role_name)
        .collect();
    let mut change = RoleGrantChange::default();
    for role in roles {
        if held.contains(role) {
            continue;
        }
        user_role::ActiveModel {
            user_id: Set(user_id.to_string()),
            role_name: Set(role.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(db_error)?;
        if !granted.contains(role) {
            scim_role_grant::ActiveModel {
                user_id: Set(user_id.to_string()),
                role_name: Set(role.clone()),
            }
            .insert(&txn)
            .await
            .map_err(db_error)?;
        }
        change.added.push(role.clone());
    }
    for role in granted.iter().filter(|r| !roles.contains(r)) {
        scim_role_grant::Entity::delete_many()
            .filter(scim_role_grant::Column::UserId.eq(user_id))
            .filter(scim_role_grant::Column::RoleName.eq(role.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        let gone = user_role::Entity::delete_many()
            .filter(user_role::Column::UserId.eq(user_id))
            .filter(user_role::Column::RoleName.eq(role.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        if gone.rows_affected > 0 {
            change.removed.push(role.clone());
        }
    }
    txn.commit().await.map_err(db_error)?;
    Ok(change)
}
