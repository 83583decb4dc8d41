use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{one_time_token, session, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::{SeaStore, db_error};
use crate::core::model::{OneTimeToken, TokenPurpose};
use crate::core::store::TokenStore;
use crate::core::{Error, Result};

fn to_domain(m: one_time_token::Model) -> Result<OneTimeToken> {
    Ok(OneTimeToken {
        purpose: TokenPurpose::parse(&m.purpose)
            .ok_or_else(|| Error::Internal(format!("unknown token purpose {}", m.purpose)))?,
        token_hash: m.token_hash,
        user_id: m.user_id,
        created_at: m.created_at,
        expires_at: m.expires_at,
        used_at: m.used_at,
    })
}

#[async_trait]
impl TokenStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_token"))]
    async fn insert_token(&self, t: &OneTimeToken) -> Result<()> {
        one_time_token::ActiveModel {
            token_hash: Set(t.token_hash.clone()),
            purpose: Set(t.purpose.as_str().to_string()),
            user_id: Set(t.user_id.clone()),
            created_at: Set(t.created_at),
            expires_at: Set(t.expires_at),
            used_at: Set(t.used_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "token_by_hash"))]
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<OneTimeToken>> {
        one_time_token::Entity::find_by_id(token_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "revoke_tokens"))]
    async fn revoke_tokens(&self, user_id: &str, purpose: TokenPurpose, now: DateTime<Utc>) -> Result<u64> {
        let result = one_time_token::Entity::update_many()
            .col_expr(one_time_token::Column::UsedAt, Expr::value(now))
            .filter(one_time_token::Column::UserId.eq(user_id))
            .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
            .filter(one_time_token::Column::UsedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "redeem_password_token"))]
    async fn redeem_password_token(
        &self,
        token_hash: &str,
        purposes: &[TokenPurpose],
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let txn = self.db.begin().await.map_err(db_error)?;
        // The conditional UPDATE is the single-use guard: of concurrent redemptions, one changes the row
        // and the others match nothing, on SQLite (one writer at a time) and PostgreSQL (row lock) alike.
        let claimed = one_time_token::Entity::update_many()
            .col_expr(one_time_token::Column::UsedAt, Expr::value(now))
            .filter(one_time_token::Column::TokenHash.eq(token_hash))
            .filter(one_time_token::Column::UsedAt.is_null())
            .filter(one_time_token::Column::ExpiresAt.gt(now))
            .filter(one_time_token::Column::Purpose.is_in(purposes.iter().map(|p| p.as_str())))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        if claimed.rows_affected != 1 {
            txn.rollback().await.map_err(db_error)?;
            return Ok(None);
        }
        let Some(token) = one_time_token::Entity::find_by_id(token_hash.to_string())
            .one(&txn)
            .await
            .map_err(db_error)?
        else {
            txn.rollback().await.map_err(db_error)?;
            return Ok(None);
        };
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
            .col_expr(user::Column::PasswordChangedAt, Expr::value(now))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(token.user_id.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(token.user_id.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        // Tokens die with the password that earned them, `offline_access` families included.
        super::grants::revoke_of_user(&txn, &token.user_id, now).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(Some(token.user_id))
    }
}
