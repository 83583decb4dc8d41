use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{factor, webauthn_ceremony};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::store::CeremonyStore;

#[async_trait]
impl CeremonyStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_ceremony"))]
    async fn put_ceremony(
        &self,
        key: &str,
        kind: &str,
        state: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        webauthn_ceremony::Entity::delete_by_id(key.to_string())
            .exec(&txn)
            .await
            .map_err(db_error)?;
        webauthn_ceremony::ActiveModel {
            key: Set(key.to_string()),
            kind: Set(kind.to_string()),
            state: Set(state.to_string()),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(db_error)?;
        txn.commit().await.map_err(db_error)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "take_ceremony"))]
    async fn take_ceremony(&self, key: &str, kind: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        let claimed = webauthn_ceremony::Entity::update_many()
            .col_expr(webauthn_ceremony::Column::UsedAt, Expr::value(now))
            .filter(webauthn_ceremony::Column::Key.eq(key))
            .filter(webauthn_ceremony::Column::Kind.eq(kind))
            .filter(webauthn_ceremony::Column::UsedAt.is_null())
            .filter(webauthn_ceremony::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if claimed.rows_affected != 1 {
            return Ok(None);
        }
        Ok(webauthn_ceremony::Entity::find_by_id(key.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(|m| m.state))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "update_factor_data"))]
    async fn update_factor_data(&self, factor_id: &str, data: &serde_json::Value, now: DateTime<Utc>) -> Result<()> {
        factor::Entity::update_many()
            .col_expr(factor::Column::Data, Expr::value(data.to_string()))
            .col_expr(factor::Column::LastUsedAt, Expr::value(now))
            .filter(factor::Column::Id.eq(factor_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
