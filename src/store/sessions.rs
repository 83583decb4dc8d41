use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::session;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::{SeaStore, db_error};
use crate::core::model::{Session, SessionState};
use crate::core::store::{SessionContext, SessionStore};
use crate::core::{Error, Result};

pub(super) fn to_domain(m: session::Model) -> Result<Session> {
    Ok(Session {
        state: SessionState::parse(&m.state)
            .ok_or_else(|| Error::Internal(format!("unknown session state {}", m.state)))?,
        amr: serde_json::from_str(&m.amr).map_err(|e| Error::Internal(format!("bad amr column: {e}")))?,
        id_hash: m.id_hash,
        user_id: m.user_id,
        created_at: m.created_at,
        auth_time: m.auth_time,
        last_seen_at: m.last_seen_at,
        expires_at: m.expires_at,
        ip: m.ip,
        user_agent: m.user_agent,
        proofs: match m.acr_proofs.as_deref() {
            None => Default::default(),
            Some(json) => {
                serde_json::from_str(json).map_err(|e| Error::Internal(format!("bad acr_proofs column: {e}")))?
            }
        },
    })
}

fn to_model(s: &Session) -> Result<session::ActiveModel> {
    Ok(session::ActiveModel {
        id_hash: Set(s.id_hash.clone()),
        user_id: Set(s.user_id.clone()),
        state: Set(s.state.as_str().to_string()),
        amr: Set(serde_json::to_string(&s.amr).map_err(|e| Error::Internal(e.to_string()))?),
        created_at: Set(s.created_at),
        auth_time: Set(s.auth_time),
        last_seen_at: Set(s.last_seen_at),
        expires_at: Set(s.expires_at),
        ip: Set(s.ip.clone()),
        user_agent: Set(s.user_agent.clone()),
        acr_proofs: Set(if s.proofs.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&s.proofs).map_err(|e| Error::Internal(e.to_string()))?)
        }),
    })
}

#[async_trait]
impl SessionStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_session"))]
    async fn insert_session(&self, s: &Session) -> Result<()> {
        to_model(s)?.insert(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "promote_session"))]
    async fn promote_session(&self, old: &Session, new: &Session) -> Result<bool> {
        // The row takes the new id and everything else of `new` in one conditional statement (no foreign key names
        // a session's id): of concurrent promotions of one session, only the first still finds it.
        let replace = session::Entity::update_many()
            .set(to_model(new)?)
            .filter(session::Column::IdHash.eq(old.id_hash.as_str()));
        // Only a signed-in session has relying parties (a pending one is new since the password): the one
        // statement is the whole change, without a transaction's extra round trips.
        if old.state != SessionState::Authenticated {
            return Ok(replace.exec(&self.db).await.map_err(db_error)?.rows_affected == 1);
        }
        let txn = self.db.begin().await.map_err(db_error)?;
        if replace.exec(&txn).await.map_err(db_error)?.rows_affected != 1 {
            txn.rollback().await.map_err(db_error)?;
            return Ok(false);
        }
        // A stepped-up session keeps the relying parties it signed in to (back-channel logout).
        entity::rp_session::Entity::update_many()
            .col_expr(
                entity::rp_session::Column::SessionHash,
                Expr::value(new.id_hash.clone()),
            )
            .filter(entity::rp_session::Column::SessionHash.eq(old.id_hash.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "session_by_hash"))]
    async fn session_by_hash(&self, id_hash: &str) -> Result<Option<Session>> {
        session::Entity::find_by_id(id_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "session_context"))]
    async fn session_context(&self, id_hash: &str) -> Result<Option<SessionContext>> {
        self.read_session_context(id_hash).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "touch_session"))]
    async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::IdHash.eq(id_hash))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_session"))]
    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        session::Entity::delete_by_id(id_hash.to_string())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "end_sign_ins_of_user"))]
    async fn end_sign_ins_of_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let ended = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        super::grants::revoke_of_user(&txn, user_id, now).await?;
        txn.commit().await.map_err(db_error)?;
        Ok(ended.rows_affected)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "sessions_of_user"))]
    async fn sessions_of_user(&self, user_id: &str) -> Result<Vec<Session>> {
        session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .order_by_asc(session::Column::CreatedAt)
            .order_by_asc(session::Column::IdHash)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "count_sessions_of_user"))]
    async fn count_sessions_of_user(&self, user_id: &str) -> Result<u64> {
        session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .count(&self.db)
            .await
            .map_err(db_error)
    }
}
