use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::sms_code;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::store::{CodeUse, SmsCode, SmsCodeStore};

#[async_trait]
impl SmsCodeStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "replace_sms_code"))]
    async fn replace_sms_code(&self, code: &SmsCode, now: DateTime<Utc>) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        sms_code::Entity::update_many()
            .col_expr(sms_code::Column::ExpiresAt, Expr::value(now))
            .filter(sms_code::Column::FactorId.eq(code.factor_id.as_str()))
            .filter(sms_code::Column::SessionHash.eq(code.session_hash.as_str()))
            .filter(sms_code::Column::UsedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        sms_code::ActiveModel {
            id: Set(code.id.clone()),
            factor_id: Set(code.factor_id.clone()),
            session_hash: Set(code.session_hash.clone()),
            code_hash: Set(code.code_hash.clone()),
            created_at: Set(code.created_at),
            expires_at: Set(code.expires_at),
            used_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(db_error)?;
        txn.commit().await.map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_sms_code"))]
    async fn use_sms_code(
        &self,
        factor_id: &str,
        session_hash: &str,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<CodeUse> {
        let result = sms_code::Entity::update_many()
            .col_expr(sms_code::Column::UsedAt, Expr::value(now))
            .filter(sms_code::Column::FactorId.eq(factor_id))
            .filter(sms_code::Column::SessionHash.eq(session_hash))
            .filter(sms_code::Column::CodeHash.eq(code_hash))
            .filter(sms_code::Column::UsedAt.is_null())
            .filter(sms_code::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if result.rows_affected == 1 {
            return Ok(CodeUse::Accepted);
        }
        let used_before = sms_code::Entity::find()
            .filter(sms_code::Column::FactorId.eq(factor_id))
            .filter(sms_code::Column::SessionHash.eq(session_hash))
            .filter(sms_code::Column::CodeHash.eq(code_hash))
            .filter(sms_code::Column::UsedAt.is_not_null())
            .one(&self.db)
            .await
            .map_err(db_error)?;
        Ok(if used_before.is_some() {
            CodeUse::AlreadyUsed
        } else {
            CodeUse::Unknown
        })
    }
}
