use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{role, user, user_role};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::{SeaStore, db_error};
use crate::core::factors::Factor;
use crate::core::model::{Role, User, UserStatus};
use crate::core::store::{DeletedUser, ProfileChange, UserStore};
use crate::core::{Error, Result};

/// The escape character of LIKE patterns: not a backslash, whose quoting differs between SQLite and PostgreSQL.
pub(super) const LIKE_ESCAPE: char = '!';

/// `text` as a literal inside a LIKE pattern: its wildcards and the escape character itself are escaped.
pub(super) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            out.push(LIKE_ESCAPE);
        }
        out.push(c);
    }
    out
}

pub(super) fn to_domain(m: user::Model) -> Result<User> {
    Ok(User {
        status: UserStatus::parse(&m.status)
            .ok_or_else(|| Error::Internal(format!("unknown user status {}", m.status)))?,
        id: m.id,
        username: m.username,
        email: m.email,
        display_name: m.display_name,
        phone: m.phone,
        manager_id: m.manager_id,
        password_hash: m.password_hash,
        password_changed_at: m.password_changed_at,
        mfa_required: m.mfa_required,
        created_at: m.created_at,
        updated_at: m.updated_at,
        locale: m.locale,
    })
}

fn one(found: Option<user::Model>) -> Result<Option<User>> {
    found.map(to_domain).transpose()
}

/// The account's row as sea-orm inserts it.
pub(super) fn to_model(u: &User) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(u.id.clone()),
        username: Set(u.username.clone()),
        email: Set(u.email.clone()),
        email_normalized: Set(u.email.to_lowercase()),
        display_name: Set(u.display_name.clone()),
        phone: Set(u.phone.clone()),
        status: Set(u.status.as_str().to_string()),
        manager_id: Set(u.manager_id.clone()),
        password_hash: Set(u.password_hash.clone()),
        password_changed_at: Set(u.password_changed_at),
        mfa_required: Set(u.mfa_required),
        created_at: Set(u.created_at),
        updated_at: Set(u.updated_at),
        locale: Set(u.locale.clone()),
    }
}

/// The account's row and its role rows, inside the caller's transaction.
pub(super) async fn insert_user_rows(txn: &DatabaseTransaction, u: &User, roles: &[String]) -> Result<()> {
    to_model(u).insert(txn).await.map_err(db_error)?;
    for role_name in roles {
        user_role::ActiveModel {
            user_id: Set(u.id.clone()),
            role_name: Set(role_name.clone()),
            created_at: Set(u.created_at),
        }
        .insert(txn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

#[async_trait]
impl UserStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_user"))]
    async fn insert_user(&self, u: &User, roles: &[String]) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        insert_user_rows(&txn, u, roles).await?;
        txn.commit().await.map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "user_by_id"))]
    async fn user_by_id(&self, id: &str) -> Result<Option<User>> {
        one(user::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "user_by_username"))]
    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        one(user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await
            .map_err(db_error)?)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "user_by_email"))]
    async fn user_by_email(&self, email_normalized: &str) -> Result<Option<User>> {
        one(user::Entity::find()
            .filter(user::Column::EmailNormalized.eq(email_normalized))
            .one(&self.db)
            .await
            .map_err(db_error)?)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_users"))]
    async fn list_users(&self) -> Result<Vec<User>> {
        user::Entity::find()
            .order_by_asc(user::Column::Username)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "search_users"))]
    async fn search_users(&self, needle: &str, limit: u64) -> Result<Vec<User>> {
        self.page_users(Some(needle), None, limit).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "page_users"))]
    async fn page_users(&self, needle: Option<&str>, after_username: Option<&str>, limit: u64) -> Result<Vec<User>> {
        let mut query = user::Entity::find();
        if let Some(needle) = needle {
            // Lower-cased on both sides; SQLite's LOWER folds ASCII only, so the text as typed is tried as well (an
            // exact-case `Ö` still finds `Ö`).
            let lower = format!("%{}%", escape_like(&needle.to_lowercase()));
            let exact = format!("%{}%", escape_like(needle));
            let mut any = Condition::any();
            for column in [user::Column::Username, user::Column::Email, user::Column::DisplayName] {
                any = any
                    .add(
                        Expr::expr(Func::lower(Expr::col(column)))
                            .like(LikeExpr::new(lower.clone()).escape(LIKE_ESCAPE)),
                    )
                    .add(Expr::col(column).like(LikeExpr::new(exact.clone()).escape(LIKE_ESCAPE)));
            }
            query = query.filter(any);
        }
        if let Some(after) = after_username {
            query = query.filter(user::Column::Username.gt(after));
        }
        query
            .order_by_asc(user::Column::Username)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_password_hash"))]
    async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        changed_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut update = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(user::Column::UpdatedAt, Expr::value(now));
        if let Some(changed_at) = changed_at {
            update = update.col_expr(user::Column::PasswordChangedAt, Expr::value(changed_at));
        }
        update
            .filter(user::Column::Id.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_status"))]
    async fn set_status(&self, user_id: &str, status: UserStatus, now: DateTime<Utc>) -> Result<()> {
        user::Entity::update_many()
            .col_expr(user::Column::Status, Expr::value(status.as_str()))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_mfa_required"))]
    async fn set_mfa_required(&self, user_id: &str, required: bool, now: DateTime<Utc>) -> Result<()> {
        user::Entity::update_many()
            .col_expr(user::Column::MfaRequired, Expr::value(required))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_locale"))]
    async fn set_locale(&self, user_id: &str, locale: Option<&str>) -> Result<()> {
        user::Entity::update_many()
            .col_expr(user::Column::Locale, Expr::value(locale.map(str::to_string)))
            .filter(user::Column::Id.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "roles_of"))]
    async fn roles_of(&self, user_id: &str) -> Result<Vec<String>> {
        Ok(user_role::Entity::find()
            .filter(user_role::Column::UserId.eq(user_id))
            .order_by_asc(user_role::Column::RoleName)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|r| r.role_name)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "add_role"))]
    async fn add_role(&self, user_id: &str, role_name: &str, now: DateTime<Utc>) -> Result<bool> {
        let inserted = user_role::ActiveModel {
            user_id: Set(user_id.to_string()),
            role_name: Set(role_name.to_string()),
            created_at: Set(now),
        }
        .insert(&self.db)
        .await;
        match inserted.map_err(db_error) {
            Ok(_) => Ok(true),
            Err(Error::Conflict(_)) => Ok(false),
            Err(other) => Err(other),
        }
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "remove_role"))]
    async fn remove_role(&self, user_id: &str, role_name: &str) -> Result<bool> {
        let result = user_role::Entity::delete_many()
            .filter(user_role::Column::UserId.eq(user_id))
            .filter(user_role::Column::RoleName.eq(role_name))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected > 0)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_roles"))]
    async fn list_roles(&self) -> Result<Vec<Role>> {
        Ok(role::Entity::find()
            .order_by_asc(role::Column::Name)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|r| Role {
                name: r.name,
                description: r.description,
                builtin: r.builtin,
            })
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_role"))]
    async fn insert_role(&self, r: &Role, now: DateTime<Utc>) -> Result<()> {
        role::ActiveModel {
            name: Set(r.name.clone()),
            description: Set(r.description.clone()),
            builtin: Set(false),
            created_at: Set(now),
        }
        .insert(&self.db)
        .await
        .map_err(|e| match db_error(e) {
            Error::Conflict(_) => Error::Conflict(format!("A role named '{}' exists already.", r.name)),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "users_with_role"))]
    async fn users_with_role(&self, role_name: &str, limit: u64) -> Result<Vec<User>> {
        // One statement with the members as a subquery: a list of ids bound as parameters would exceed the
        // database's limit on bound values for a role of tens of thousands of members.
        let members = Query::select()
            .column(user_role::Column::UserId)
            .from(user_role::Entity)
            .and_where(user_role::Column::RoleName.eq(role_name))
            .to_owned();
        user::Entity::find()
            .filter(user::Column::Id.in_subquery(members))
            .order_by_asc(user::Column::Username)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_seeded_users"))]
    async fn insert_seeded_users(&self, users: &[User], role: &str, factors: &[Factor]) -> Result<()> {
        super::seed::insert(&self.db, users, role, factors).await
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "count_usernames_with_prefix")
    )]
    async fn count_usernames_with_prefix(&self, prefix: &str) -> Result<u64> {
        user::Entity::find()
            .filter(
                Expr::col(user::Column::Username)
                    .like(LikeExpr::new(format!("{}%", escape_like(prefix))).escape(LIKE_ESCAPE)),
            )
            .count(&self.db)
            .await
            .map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "manages_anyone"))]
    async fn manages_anyone(&self, user_id: &str) -> Result<bool> {
        Ok(user::Entity::find()
            .filter(user::Column::ManagerId.eq(user_id))
            .count(&self.db)
            .await
            .map_err(db_error)?
            > 0)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "count_users_with_role"))]
    async fn count_users_with_role(&self, role_name: &str) -> Result<u64> {
        user_role::Entity::find()
            .filter(user_role::Column::RoleName.eq(role_name))
            .count(&self.db)
            .await
            .map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "count_users_with_status"))]
    async fn count_users_with_status(&self, status: UserStatus) -> Result<u64> {
        user::Entity::find()
            .filter(user::Column::Status.eq(status.as_str()))
            .count(&self.db)
            .await
            .map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "update_profile"))]
    async fn update_profile(&self, user_id: &str, change: &ProfileChange<'_>, now: DateTime<Utc>) -> Result<bool> {
        let mut update = user::Entity::update_many().col_expr(user::Column::UpdatedAt, Expr::value(now));
        update = match *change {
            ProfileChange::Username(username) => update.col_expr(user::Column::Username, Expr::value(username)),
            ProfileChange::Email(email) => update
                .col_expr(user::Column::Email, Expr::value(email))
                .col_expr(user::Column::EmailNormalized, Expr::value(email.to_lowercase())),
            ProfileChange::DisplayName(name) => update.col_expr(user::Column::DisplayName, Expr::value(name)),
            ProfileChange::Phone(phone) => update.col_expr(user::Column::Phone, Expr::value(phone)),
            ProfileChange::Manager(manager_id) => update.col_expr(user::Column::ManagerId, Expr::value(manager_id)),
        };
        let result = update
            .filter(user::Column::Id.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_user"))]
    async fn delete_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<Option<DeletedUser>> {
        super::user_removal::delete_user(&self.db, user_id, now).await
    }
}
