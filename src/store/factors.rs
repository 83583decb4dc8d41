use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{factor, recovery_code};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::{SeaStore, db_error};
use crate::core::factors::{Factor, FactorKind, FactorStatus};
use crate::core::store::{CodeUse, FactorStore};
use crate::core::{Error, Result};

fn to_domain(m: factor::Model) -> Result<Factor> {
    Ok(Factor {
        kind: FactorKind::parse(&m.kind).ok_or_else(|| Error::Internal(format!("unknown factor kind {}", m.kind)))?,
        status: FactorStatus::parse(&m.status)
            .ok_or_else(|| Error::Internal(format!("unknown factor status {}", m.status)))?,
        data: serde_json::from_str(&m.data).unwrap_or(serde_json::Value::Null),
        id: m.id,
        user_id: m.user_id,
        name: m.name,
        secret_enc: m.secret_enc,
        last_step: m.last_step,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
    })
}

pub(super) fn to_model(f: &Factor) -> factor::ActiveModel {
    factor::ActiveModel {
        id: Set(f.id.clone()),
        user_id: Set(f.user_id.clone()),
        kind: Set(f.kind.as_str().into()),
        name: Set(f.name.clone()),
        status: Set(f.status.as_str().into()),
        secret_enc: Set(f.secret_enc.clone()),
        data: Set(f.data.to_string()),
        last_step: Set(f.last_step),
        created_at: Set(f.created_at),
        last_used_at: Set(f.last_used_at),
    }
}

#[async_trait]
impl FactorStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_factor"))]
    async fn insert_factor(&self, f: &Factor) -> Result<()> {
        to_model(f).insert(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "factors_of"))]
    async fn factors_of(&self, user_id: &str) -> Result<Vec<Factor>> {
        factor::Entity::find()
            .filter(factor::Column::UserId.eq(user_id))
            .order_by_asc(factor::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "factor_of"))]
    async fn factor_of(&self, user_id: &str, factor_id: &str) -> Result<Option<Factor>> {
        factor::Entity::find()
            .filter(factor::Column::UserId.eq(user_id))
            .filter(factor::Column::Id.eq(factor_id))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "activate_factor"))]
    async fn activate_factor(
        &self,
        factor_id: &str,
        name: &str,
        last_step: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = factor::Entity::update_many()
            .col_expr(factor::Column::Status, Expr::value(FactorStatus::Active.as_str()))
            .col_expr(factor::Column::Name, Expr::value(name))
            .col_expr(factor::Column::LastStep, Expr::value(last_step))
            .col_expr(factor::Column::LastUsedAt, Expr::value(now))
            .filter(factor::Column::Id.eq(factor_id))
            .filter(factor::Column::Status.eq(FactorStatus::Pending.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_factor"))]
    async fn delete_factor(&self, user_id: &str, factor_id: &str) -> Result<bool> {
        let result = factor::Entity::delete_many()
            .filter(factor::Column::UserId.eq(user_id))
            .filter(factor::Column::Id.eq(factor_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "touch_factor"))]
    async fn touch_factor(&self, factor_id: &str, now: DateTime<Utc>) -> Result<()> {
        factor::Entity::update_many()
            .col_expr(factor::Column::LastUsedAt, Expr::value(now))
            .filter(factor::Column::Id.eq(factor_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_pending_factors"))]
    async fn delete_pending_factors(&self, user_id: &str, kind: FactorKind) -> Result<u64> {
        let result = factor::Entity::delete_many()
            .filter(factor::Column::UserId.eq(user_id))
            .filter(factor::Column::Kind.eq(kind.as_str()))
            .filter(factor::Column::Status.eq(FactorStatus::Pending.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "advance_step"))]
    async fn advance_step(&self, factor_id: &str, step: i64, now: DateTime<Utc>) -> Result<bool> {
        // One conditional UPDATE: of concurrent requests with the same code, exactly one moves the step.
        let result = factor::Entity::update_many()
            .col_expr(factor::Column::LastStep, Expr::value(step))
            .col_expr(factor::Column::LastUsedAt, Expr::value(now))
            .filter(factor::Column::Id.eq(factor_id))
            .filter(factor::Column::Status.eq(FactorStatus::Active.as_str()))
            .filter(
                Condition::any()
                    .add(factor::Column::LastStep.is_null())
                    .add(factor::Column::LastStep.lt(step)),
            )
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "replace_recovery_codes"))]
    async fn replace_recovery_codes(&self, f: &Factor, code_hashes: &[String]) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        factor::Entity::delete_many()
            .filter(factor::Column::UserId.eq(f.user_id.as_str()))
            .filter(factor::Column::Kind.eq(FactorKind::RecoveryCode.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        to_model(f).insert(&txn).await.map_err(db_error)?;
        for hash in code_hashes {
            recovery_code::ActiveModel {
                code_hash: Set(hash.clone()),
                factor_id: Set(f.id.clone()),
                user_id: Set(f.user_id.clone()),
                used_at: Set(None),
            }
            .insert(&txn)
            .await
            .map_err(db_error)?;
        }
        txn.commit().await.map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_recovery_code"))]
    async fn use_recovery_code(&self, user_id: &str, code_hash: &str, now: DateTime<Utc>) -> Result<CodeUse> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let used = recovery_code::Entity::update_many()
            .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
            .filter(recovery_code::Column::UserId.eq(user_id))
            .filter(recovery_code::Column::CodeHash.eq(code_hash))
            .filter(recovery_code::Column::UsedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        if used.rows_affected != 1 {
            txn.rollback().await.map_err(db_error)?;
            let before = recovery_code::Entity::find()
                .filter(recovery_code::Column::UserId.eq(user_id))
                .filter(recovery_code::Column::CodeHash.eq(code_hash))
                .filter(recovery_code::Column::UsedAt.is_not_null())
                .one(&self.db)
                .await
                .map_err(db_error)?;
            return Ok(if before.is_some() {
                CodeUse::AlreadyUsed
            } else {
                CodeUse::Unknown
            });
        }
        factor::Entity::update_many()
            .col_expr(factor::Column::LastUsedAt, Expr::value(now))
            .filter(factor::Column::UserId.eq(user_id))
            .filter(factor::Column::Kind.eq(FactorKind::RecoveryCode.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(CodeUse::Accepted)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "remaining_recovery_codes"))]
    async fn remaining_recovery_codes(&self, user_id: &str) -> Result<u64> {
        recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(user_id))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&self.db)
            .await
            .map_err(db_error)
    }
}
