use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::hardware_token;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::{SeaStore, db_error};
use crate::core::factors::oath_token::import::TokenType;
use crate::core::factors::oath_token::token::{HardwareToken, algorithm_name, parse_algorithm, type_name};
use crate::core::factors::{Factor, FactorKind, FactorStatus};
use crate::core::store::HardwareTokenStore;
use crate::core::{Error, Result};

fn to_domain(m: hardware_token::Model) -> Result<HardwareToken> {
    let token_type = match m.token_type.as_str() {
        "hotp" => TokenType::Hotp,
        "totp" => TokenType::Totp,
        other => return Err(Error::Internal(format!("unknown token type {other}"))),
    };
    Ok(HardwareToken {
        algorithm: parse_algorithm(&m.algorithm)
            .ok_or_else(|| Error::Internal(format!("unknown algorithm {}", m.algorithm)))?,
        token_type,
        serial: m.serial,
        secret_enc: m.secret_enc,
        digits: m.digits.max(0) as u32,
        period: m.period.max(0) as u64,
        counter: m.counter.max(0) as u64,
        drift: m.drift,
        last_step: m.last_step,
        imported_at: m.imported_at,
        bound_user_id: m.bound_user_id,
        factor_id: m.factor_id,
        bound_at: m.bound_at,
    })
}

#[async_trait]
impl HardwareTokenStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "import_hardware_tokens"))]
    async fn import_hardware_tokens(&self, tokens: &[HardwareToken]) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        for t in tokens {
            hardware_token::ActiveModel {
                serial: Set(t.serial.clone()),
                token_type: Set(type_name(t.token_type).into()),
                secret_enc: Set(t.secret_enc.clone()),
                digits: Set(t.digits as i32),
                algorithm: Set(algorithm_name(t.algorithm).into()),
                period: Set(t.period as i64),
                counter: Set(t.counter.min(i64::MAX as u64) as i64),
                drift: Set(t.drift),
                last_step: Set(t.last_step),
                imported_at: Set(t.imported_at),
                bound_user_id: Set(None),
                factor_id: Set(None),
                bound_at: Set(None),
            }
            .insert(&txn)
            .await
            .map_err(db_error)?;
        }
        txn.commit().await.map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "hardware_token"))]
    async fn hardware_token(&self, serial: &str) -> Result<Option<HardwareToken>> {
        hardware_token::Entity::find_by_id(serial.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_hardware_tokens"))]
    async fn list_hardware_tokens(&self) -> Result<Vec<HardwareToken>> {
        hardware_token::Entity::find()
            .order_by_asc(hardware_token::Column::Serial)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "page_hardware_tokens"))]
    async fn page_hardware_tokens(&self, after_serial: Option<&str>, limit: u64) -> Result<Vec<HardwareToken>> {
        let mut query = hardware_token::Entity::find();
        if let Some(after) = after_serial {
            query = query.filter(hardware_token::Column::Serial.gt(after));
        }
        query
            .order_by_asc(hardware_token::Column::Serial)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "bind_hardware_token"))]
    async fn bind_hardware_token(
        &self,
        serial: &str,
        factor: &Factor,
        counter: i64,
        drift: i64,
        last_step: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        debug_assert!(factor.kind == FactorKind::OathToken && factor.status == FactorStatus::Active);
        let txn = self.db.begin().await.map_err(db_error)?;
        let bound = hardware_token::Entity::update_many()
            .col_expr(
                hardware_token::Column::BoundUserId,
                Expr::value(factor.user_id.as_str()),
            )
            .col_expr(hardware_token::Column::FactorId, Expr::value(factor.id.as_str()))
            .col_expr(hardware_token::Column::BoundAt, Expr::value(now))
            .col_expr(hardware_token::Column::Counter, Expr::value(counter))
            .col_expr(hardware_token::Column::Drift, Expr::value(drift))
            .col_expr(hardware_token::Column::LastStep, Expr::value(last_step))
            .filter(hardware_token::Column::Serial.eq(serial))
            .filter(hardware_token::Column::BoundUserId.is_null())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        if bound.rows_affected != 1 {
            txn.rollback().await.map_err(db_error)?;
            return Ok(false);
        }
        super::factors::to_model(factor).insert(&txn).await.map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "advance_hotp_counter"))]
    async fn advance_hotp_counter(&self, serial: &str, matched: i64) -> Result<bool> {
        let result = hardware_token::Entity::update_many()
            .col_expr(hardware_token::Column::Counter, Expr::value(matched + 1))
            .filter(hardware_token::Column::Serial.eq(serial))
            .filter(hardware_token::Column::Counter.lte(matched))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "advance_token_step"))]
    async fn advance_token_step(&self, serial: &str, step: i64) -> Result<bool> {
        let result = hardware_token::Entity::update_many()
            .col_expr(hardware_token::Column::LastStep, Expr::value(step))
            .filter(hardware_token::Column::Serial.eq(serial))
            .filter(
                Condition::any()
                    .add(hardware_token::Column::LastStep.is_null())
                    .add(hardware_token::Column::LastStep.lt(step)),
            )
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }
}
