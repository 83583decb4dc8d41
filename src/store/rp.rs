use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{client_assertion, dpop_proof, rp_session, session};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{SeaStore, db_error};
use crate::core::store::{RpSession, RpStore};
use crate::core::{Error, Result};

fn to_rp_session(m: rp_session::Model) -> RpSession {
    RpSession {
        sid: m.sid,
        client_id: m.client_id,
        session_hash: m.session_hash,
        user_id: m.user_id,
        created_at: m.created_at,
    }
}

#[async_trait]
impl RpStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_client_assertion"))]
    async fn use_client_assertion(
        &self,
        client_id: &str,
        jti_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // Expired entries of this client go first (they can no longer be replayed: the assertion is expired too).
        client_assertion::Entity::delete_many()
            .filter(client_assertion::Column::ClientId.eq(client_id))
            .filter(client_assertion::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        let inserted = client_assertion::Entity::insert(client_assertion::ActiveModel {
            client_id: Set(client_id.into()),
            jti_hash: Set(jti_hash.into()),
            expires_at: Set(expires_at),
        })
        .exec(&self.db)
        .await;
        match inserted.map_err(db_error) {
            Ok(_) => Ok(true),
            Err(Error::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_dpop_proof"))]
    async fn use_dpop_proof(
        &self,
        jkt: &str,
        jti_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // Expired records go first (their proofs' iat is too old to pass anyway); the index on expires_at finds them.
        dpop_proof::Entity::delete_many()
            .filter(dpop_proof::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        let inserted = dpop_proof::Entity::insert(dpop_proof::ActiveModel {
            jkt: Set(jkt.into()),
            jti_hash: Set(jti_hash.into()),
            expires_at: Set(expires_at),
        })
        .on_conflict_do_nothing_on([dpop_proof::Column::Jkt, dpop_proof::Column::JtiHash])
        .exec_without_returning(&self.db)
        .await
        .map_err(db_error)?;
        Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(1)))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "add_rp_session"))]
    async fn add_rp_session(&self, rp: &RpSession) -> Result<()> {
        rp_session::Entity::insert(rp_session::ActiveModel {
            sid: Set(rp.sid.clone()),
            client_id: Set(rp.client_id.clone()),
            session_hash: Set(rp.session_hash.clone()),
            user_id: Set(rp.user_id.clone()),
            created_at: Set(rp.created_at),
        })
        .on_conflict_do_nothing_on([rp_session::Column::Sid, rp_session::Column::ClientId])
        .exec(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "rp_sessions"))]
    async fn rp_sessions(&self, offset: u64, limit: u64) -> Result<Vec<RpSession>> {
        Ok(rp_session::Entity::find()
            .order_by_asc(rp_session::Column::CreatedAt)
            .order_by_asc(rp_session::Column::Sid)
            .order_by_asc(rp_session::Column::ClientId)
            .offset(offset)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_rp_session)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ended_rp_sessions"))]
    async fn ended_rp_sessions(
        &self,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<RpSession>> {
        let live = Query::select()
            .column(session::Column::IdHash)
            .from(session::Entity)
            .and_where(session::Column::ExpiresAt.gt(now))
            .and_where(session::Column::LastSeenAt.gt(idle_cutoff))
            .to_owned();
        Ok(rp_session::Entity::find()
            .filter(rp_session::Column::SessionHash.not_in_subquery(live))
            .order_by_asc(rp_session::Column::CreatedAt)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_rp_session)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "claim_rp_session"))]
    async fn claim_rp_session(&self, sid: &str, client_id: &str) -> Result<bool> {
        let result = rp_session::Entity::delete_many()
            .filter(rp_session::Column::Sid.eq(sid))
            .filter(rp_session::Column::ClientId.eq(client_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "take_rp_sessions"))]
    async fn take_rp_sessions(&self, sid: &str) -> Result<Vec<(String, String)>> {
        let found = rp_session::Entity::find()
            .filter(rp_session::Column::Sid.eq(sid))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        rp_session::Entity::delete_many()
            .filter(rp_session::Column::Sid.eq(sid))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(found.into_iter().map(|m| (m.client_id, m.user_id)).collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "sign_ins_of_session"))]
    async fn sign_ins_of_session(&self, session_hash: &str) -> Result<Vec<String>> {
        Ok(rp_session::Entity::find()
            .filter(rp_session::Column::SessionHash.eq(session_hash))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|m| m.sid)
            .collect())
    }
}
