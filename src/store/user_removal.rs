//! Deleting a user (`UserStore::delete_user`): every row stored for them, in one transaction, so a failure
//! halfway leaves the account whole. Tables that reference users, and what happens to each:
//!
//! | table | column | here |
//! |---|---|---|
//! | `users` | `manager_id` (foreign key, `SET NULL`) | cleared for the user's reports, listed first |
//! | `sessions`, `factors` (→ `sms_codes`), `recovery_codes`, `trusted_devices`, `one_time_tokens`, `user_roles`, `factor_resets` | `user_id` (foreign key, `CASCADE`) | deleted explicitly, counted |
//! | `consents`, `authorization_codes`, `device_codes` | `user_id` (no foreign key) | deleted |
//! | `refresh_tokens`, `issued_tokens` | `user_id` (no foreign key) | revoked, kept: a replayed token is still recognised |
//! | `attempt_counters` | the id inside the key | deleted |
//! | `rp_sessions` | `user_id` (no foreign key) | kept: the back-channel sweep finds their sessions gone and logs the relying parties out |
//! | `hardware_tokens` | `bound_user_id` | kept: a token binds once, as when its factor is removed |
//! | `factor_resets` | `approver_id`, `executor_id`, `routed_approver_id` | kept: other users' requests keep who decided them and whom they were sent to |
//! | `manager_absences` | `user_id` (foreign key, `CASCADE`) | deleted |
//! | `manager_absences` | `delegate_id` (foreign key, `SET NULL`) | cleared: such an absence routes up the chain |
//! | `audit_events` | `subject_user_id` | kept: the log is append-only |
//!
//! The children go first, explicitly, rather than through `ON DELETE CASCADE`: the counts go into the audit
//! event, and the outcome does not depend on a connection having foreign keys switched on.
use chrono::{DateTime, Utc};
use entity::{
    attempt_counter, authorization_code, consent, device_code, factor, factor_reset, manager_absence, one_time_token,
    recovery_code, scim_group_member, scim_role_grant, session, sms_code, trusted_device, user, user_directory,
    user_role,
};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::db_error;
use super::users::{LIKE_ESCAPE, escape_like};
use crate::core::Result;
use crate::core::recovery::ResetState;
use crate::core::store::{DeletedUser, FormerReport};

pub(super) async fn delete_user(
    db: &DatabaseConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<DeletedUser>> {
    let txn = db.begin().await.map_err(db_error)?;
    if user::Entity::find_by_id(user_id.to_string())
        .one(&txn)
        .await
        .map_err(db_error)?
        .is_none()
    {
        txn.rollback().await.map_err(db_error)?;
        return Ok(None);
    }
    let deleted = remove_rows(&txn, user_id, now).await?;
    txn.commit().await.map_err(db_error)?;
    Ok(Some(deleted))
}

async fn remove_rows(txn: &DatabaseTransaction, user_id: &str, now: DateTime<Utc>) -> Result<DeletedUser> {
    let reports = user::Entity::find()
        .filter(user::Column::ManagerId.eq(user_id))
        .order_by_asc(user::Column::Username)
        .all(txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|u| FormerReport {
            id: u.id,
            username: u.username,
        })
        .collect();
    user::Entity::update_many()
        .col_expr(user::Column::ManagerId, Expr::value(Option::<String>::None))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::ManagerId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::RoleName)
        .all(txn)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|r| r.role_name)
        .collect();
    let tokens_revoked = super::grants::revoke_of_user(txn, user_id, now).await?;
    let open_factor_resets = factor_reset::Entity::find()
        .filter(factor_reset::Column::UserId.eq(user_id))
        .filter(
            factor_reset::Column::State
                .is_in([ResetState::Requested, ResetState::Approved, ResetState::Waiting].map(ResetState::as_str)),
        )
        .count(txn)
        .await
        .map_err(db_error)?;
    let factors_of_user = Query::select()
        .column(factor::Column::Id)
        .from(factor::Entity)
        .and_where(factor::Column::UserId.eq(user_id))
        .to_owned();
    sms_code::Entity::delete_many()
        .filter(sms_code::Column::FactorId.in_subquery(factors_of_user))
        .exec(txn)
        .await
        .map_err(db_error)?;
    // Children before parents: recovery codes before their factor, everything before the user.
    let sessions = rows(
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let recovery_codes = rows(
        recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let factors = rows(
        factor::Entity::delete_many()
            .filter(factor::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let trusted_devices = rows(
        trusted_device::Entity::delete_many()
            .filter(trusted_device::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let consents = rows(
        consent::Entity::delete_many()
            .filter(consent::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let authorization_codes = rows(
        authorization_code::Entity::delete_many()
            .filter(authorization_code::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let device_authorizations = rows(
        device_code::Entity::delete_many()
            .filter(device_code::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let password_links = rows(
        one_time_token::Entity::delete_many()
            .filter(one_time_token::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    let factor_resets = rows(
        factor_reset::Entity::delete_many()
            .filter(factor_reset::Column::UserId.eq(user_id))
            .exec(txn),
    )
    .await?;
    // Counter keys name the account by id (`password:user:<id>`, `factor:<id>:totp`, `sms:account:<id>`, …).
    let counter_keys = LikeExpr::new(format!("%{}%", escape_like(user_id))).escape(LIKE_ESCAPE);
    let attempt_counters = rows(
        attempt_counter::Entity::delete_many()
            .filter(Expr::col(attempt_counter::Column::Key).like(counter_keys))
            .exec(txn),
    )
    .await?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    // The directory's record of the person, their group memberships and the roles groups granted them.
    scim_role_grant::Entity::delete_many()
        .filter(scim_role_grant::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    scim_group_member::Entity::delete_many()
        .filter(scim_group_member::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    user_directory::Entity::delete_many()
        .filter(user_directory::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    // Their own absence goes; another's absence that named them as delegate keeps going up the chain instead.
    manager_absence::Entity::delete_by_id(user_id.to_string())
        .exec(txn)
        .await
        .map_err(db_error)?;
    manager_absence::Entity::update_many()
        .col_expr(manager_absence::Column::DelegateId, Expr::value(Option::<String>::None))
        .filter(manager_absence::Column::DelegateId.eq(user_id))
        .exec(txn)
        .await
        .map_err(db_error)?;
    user::Entity::delete_by_id(user_id.to_string())
        .exec(txn)
        .await
        .map_err(db_error)?;
    Ok(DeletedUser {
        roles,
        reports,
        sessions,
        tokens_revoked,
        factors,
        recovery_codes,
        trusted_devices,
        consents,
        authorization_codes,
        device_authorizations,
        password_links,
        factor_resets,
        open_factor_resets,
        attempt_counters,
    })
}

async fn rows(
    delete: impl std::future::Future<Output = std::result::Result<sea_orm::DeleteResult, sea_orm::DbErr>>,
) -> Result<u64> {
    Ok(delete.await.map_err(db_error)?.rows_affected)
}
