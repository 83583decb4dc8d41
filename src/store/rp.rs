use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{client_assertion, rp_session};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{SeaStore, db_error};
use crate::core::store::RpStore;
use crate::core::{Error, Result};

#[async_trait]
impl RpStore for SeaStore {
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

    async fn add_rp_session(&self, sid: &str, client_id: &str, user_id: &str, now: DateTime<Utc>) -> Result<()> {
        rp_session::Entity::insert(rp_session::ActiveModel {
            sid: Set(sid.into()),
            client_id: Set(client_id.into()),
            user_id: Set(user_id.into()),
            created_at: Set(now),
        })
        .on_conflict_do_nothing_on([rp_session::Column::Sid, rp_session::Column::ClientId])
        .exec(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

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
}
