//! The directory's record of each account (`user_directory`) and the static tokens of provisioning systems.
//! Groups and the group → role table are in `directory_groups`.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{scim_token, user, user_directory};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use super::{SeaStore, db_error};
use crate::core::model::User;
use crate::core::provisioning::directory::{
    AccountSource, DirectoryEntry, DirectoryGroup, GroupRoleMapping, RoleGrantChange, ScimToken,
};
use crate::core::store::DirectoryStore;
use crate::core::{Error, Result};

fn entry_to_domain(m: user_directory::Model) -> Result<DirectoryEntry> {
    Ok(DirectoryEntry {
        source: AccountSource::parse(&m.source)
            .ok_or_else(|| Error::Internal(format!("unknown account source {}", m.source)))?,
        user_id: m.user_id,
        source_client: m.source_client,
        external_id: m.external_id,
        given_name: m.given_name,
        family_name: m.family_name,
        employee_number: m.employee_number,
        department: m.department,
        manager_ref: m.manager_ref,
        deleted_at: m.deleted_at,
        updated_at: m.updated_at,
    })
}

fn entry_model(e: &DirectoryEntry) -> user_directory::ActiveModel {
    user_directory::ActiveModel {
        user_id: Set(e.user_id.clone()),
        source: Set(e.source.as_str().to_string()),
        source_client: Set(e.source_client.clone()),
        external_id: Set(e.external_id.clone()),
        given_name: Set(e.given_name.clone()),
        family_name: Set(e.family_name.clone()),
        employee_number: Set(e.employee_number.clone()),
        department: Set(e.department.clone()),
        manager_ref: Set(e.manager_ref.clone()),
        deleted_at: Set(e.deleted_at),
        updated_at: Set(e.updated_at),
    }
}

fn token_to_domain(m: scim_token::Model) -> ScimToken {
    ScimToken {
        id: m.id,
        name: m.name,
        token_hash: m.token_hash,
        created_at: m.created_at,
        created_by: m.created_by,
        last_used_at: m.last_used_at,
        revoked_at: m.revoked_at,
    }
}

#[async_trait]
impl DirectoryStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_account"))]
    async fn insert_account(&self, u: &User, roles: &[String], entry: &DirectoryEntry) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        super::users::insert_user_rows(&txn, u, roles).await?;
        entry_model(entry).insert(&txn).await.map_err(db_error)?;
        txn.commit().await.map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "directory_entry"))]
    async fn directory_entry(&self, user_id: &str) -> Result<Option<DirectoryEntry>> {
        user_directory::Entity::find_by_id(user_id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(entry_to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "directory_entries"))]
    async fn directory_entries(&self) -> Result<Vec<DirectoryEntry>> {
        user_directory::Entity::find()
            .order_by_asc(user_directory::Column::UserId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(entry_to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_directory_entry"))]
    async fn put_directory_entry(&self, entry: &DirectoryEntry) -> Result<()> {
        user_directory::Entity::insert(entry_model(entry))
            .on_conflict(
                OnConflict::column(user_directory::Column::UserId)
                    .update_columns([
                        user_directory::Column::Source,
                        user_directory::Column::SourceClient,
                        user_directory::Column::ExternalId,
                        user_directory::Column::GivenName,
                        user_directory::Column::FamilyName,
                        user_directory::Column::EmployeeNumber,
                        user_directory::Column::Department,
                        user_directory::Column::ManagerRef,
                        user_directory::Column::DeletedAt,
                        user_directory::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "user_by_external_id"))]
    async fn user_by_external_id(&self, external_id: &str) -> Result<Option<User>> {
        let Some(entry) = user_directory::Entity::find()
            .filter(user_directory::Column::ExternalId.eq(external_id))
            .one(&self.db)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        user::Entity::find_by_id(entry.user_id)
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(super::users::to_domain)
            .transpose()
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "entries_waiting_for_manager")
    )]
    async fn entries_waiting_for_manager(&self, references: &[String]) -> Result<Vec<DirectoryEntry>> {
        if references.is_empty() {
            return Ok(Vec::new());
        }
        user_directory::Entity::find()
            .filter(user_directory::Column::ManagerRef.is_in(references.iter().cloned()))
            .order_by_asc(user_directory::Column::UserId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(entry_to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "deleted_entries_before"))]
    async fn deleted_entries_before(&self, before: DateTime<Utc>) -> Result<Vec<DirectoryEntry>> {
        user_directory::Entity::find()
            .filter(user_directory::Column::DeletedAt.lte(before))
            .order_by_asc(user_directory::Column::DeletedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(entry_to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_group"))]
    async fn insert_group(&self, group: &DirectoryGroup, members: &[String]) -> Result<()> {
        super::directory_groups::insert_group(&self.db, group, members).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "group"))]
    async fn group(&self, id: &str) -> Result<Option<DirectoryGroup>> {
        super::directory_groups::group(&self.db, id).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "group_by_name"))]
    async fn group_by_name(&self, name: &str) -> Result<Option<DirectoryGroup>> {
        super::directory_groups::group_by_name(&self.db, name).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "group_by_external_id"))]
    async fn group_by_external_id(&self, external_id: &str) -> Result<Option<DirectoryGroup>> {
        super::directory_groups::group_by_external_id(&self.db, external_id).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_groups"))]
    async fn list_groups(&self) -> Result<Vec<DirectoryGroup>> {
        super::directory_groups::list_groups(&self.db).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "update_group"))]
    async fn update_group(&self, group: &DirectoryGroup) -> Result<bool> {
        super::directory_groups::update_group(&self.db, group).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_group"))]
    async fn delete_group(&self, id: &str) -> Result<Option<Vec<String>>> {
        super::directory_groups::delete_group(&self.db, id).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "group_members"))]
    async fn group_members(&self, id: &str) -> Result<Vec<String>> {
        super::directory_groups::group_members(&self.db, id).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "all_group_members"))]
    async fn all_group_members(&self) -> Result<Vec<(String, String)>> {
        super::directory_groups::all_group_members(&self.db).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "change_group_members"))]
    async fn change_group_members(
        &self,
        id: &str,
        add: &[String],
        remove: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        super::directory_groups::change_group_members(&self.db, id, add, remove, now).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "groups_of_user"))]
    async fn groups_of_user(&self, user_id: &str) -> Result<Vec<DirectoryGroup>> {
        super::directory_groups::groups_of_user(&self.db, user_id).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "group_mappings"))]
    async fn group_mappings(&self) -> Result<Vec<GroupRoleMapping>> {
        super::directory_groups::group_mappings(&self.db).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_group_mapping"))]
    async fn put_group_mapping(&self, mapping: &GroupRoleMapping) -> Result<()> {
        super::directory_groups::put_group_mapping(&self.db, mapping).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_group_mapping"))]
    async fn delete_group_mapping(&self, role: &str, group_name: &str) -> Result<bool> {
        super::directory_groups::delete_group_mapping(&self.db, role, group_name).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_group_roles"))]
    async fn set_group_roles(&self, user_id: &str, roles: &[String], now: DateTime<Utc>) -> Result<RoleGrantChange> {
        super::directory_groups::set_group_roles(&self.db, user_id, roles, now).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_scim_token"))]
    async fn insert_scim_token(&self, token: &ScimToken) -> Result<()> {
        scim_token::ActiveModel {
            id: Set(token.id.clone()),
            name: Set(token.name.clone()),
            token_hash: Set(token.token_hash.clone()),
            created_at: Set(token.created_at),
            created_by: Set(token.created_by.clone()),
            last_used_at: Set(token.last_used_at),
            revoked_at: Set(token.revoked_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "scim_token_by_hash"))]
    async fn scim_token_by_hash(&self, token_hash: &str) -> Result<Option<ScimToken>> {
        Ok(scim_token::Entity::find()
            .filter(scim_token::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(token_to_domain))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "scim_tokens"))]
    async fn scim_tokens(&self) -> Result<Vec<ScimToken>> {
        Ok(scim_token::Entity::find()
            .order_by_asc(scim_token::Column::Name)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(token_to_domain)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_scim_token"))]
    async fn revoke_scim_token(&self, name: &str, now: DateTime<Utc>) -> Result<bool> {
        let done = scim_token::Entity::update_many()
            .col_expr(
                scim_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(scim_token::Column::Name.eq(name))
            .filter(scim_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected > 0)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "touch_scim_token"))]
    async fn touch_scim_token(&self, id: &str, now: DateTime<Utc>) -> Result<()> {
        scim_token::Entity::update_many()
            .col_expr(
                scim_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(scim_token::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
