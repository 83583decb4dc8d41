//! The bulk write behind `gatehouse bench seed` (`core::accounts::seed`): one chunk of users, their role rows
//! and their factors as three multi-row `INSERT`s in one transaction.
use chrono::Utc;
use entity::{factor, user, user_role};
use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait};

use super::db_error;
use crate::core::Result;
use crate::core::factors::Factor;
use crate::core::model::User;

pub(super) async fn insert(db: &DatabaseConnection, users: &[User], role: &str, factors: &[Factor]) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let now = users.first().map_or_else(Utc::now, |u| u.created_at);
    let txn = db.begin().await.map_err(db_error)?;
    user::Entity::insert_many(users.iter().map(super::users::to_model))
        .exec(&txn)
        .await
        .map_err(db_error)?;
    user_role::Entity::insert_many(users.iter().map(|u| user_role::ActiveModel {
        user_id: Set(u.id.clone()),
        role_name: Set(role.to_string()),
        created_at: Set(now),
    }))
    .exec(&txn)
    .await
    .map_err(db_error)?;
    if !factors.is_empty() {
        factor::Entity::insert_many(factors.iter().map(super::factors::to_model))
            .exec(&txn)
            .await
            .map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)
}
