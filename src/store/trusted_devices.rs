//! Trusted browsers over sea-orm: one row per (browser cookie digest, user), unique together.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::trusted_device;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::signin::trusted_devices::device::TrustedDevice;
use crate::core::store::TrustedDeviceStore;

fn to_domain(m: trusted_device::Model) -> TrustedDevice {
    TrustedDevice {
        id: m.id,
        browser_hash: m.browser_hash,
        user_id: m.user_id,
        user_agent: m.user_agent,
        created_at: m.created_at,
        trusted_at: m.trusted_at,
        last_seen_at: m.last_seen_at,
        expires_at: m.expires_at,
    }
}

#[async_trait]
impl TrustedDeviceStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_trusted_device"))]
    async fn put_trusted_device(&self, d: &TrustedDevice) -> Result<()> {
        let model = trusted_device::ActiveModel {
            id: Set(d.id.clone()),
            browser_hash: Set(d.browser_hash.clone()),
            user_id: Set(d.user_id.clone()),
            user_agent: Set(d.user_agent.clone()),
            created_at: Set(d.created_at),
            trusted_at: Set(d.trusted_at),
            last_seen_at: Set(d.last_seen_at),
            expires_at: Set(d.expires_at),
        };
        trusted_device::Entity::insert(model)
            .on_conflict(
                OnConflict::columns([trusted_device::Column::BrowserHash, trusted_device::Column::UserId])
                    .update_columns([
                        trusted_device::Column::UserAgent,
                        trusted_device::Column::TrustedAt,
                        trusted_device::Column::LastSeenAt,
                        trusted_device::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "trusted_device"))]
    async fn trusted_device(&self, browser_hash: &str, user_id: &str) -> Result<Option<TrustedDevice>> {
        Ok(trusted_device::Entity::find()
            .filter(trusted_device::Column::BrowserHash.eq(browser_hash))
            .filter(trusted_device::Column::UserId.eq(user_id))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "trusted_devices_of"))]
    async fn trusted_devices_of(&self, user_id: &str) -> Result<Vec<TrustedDevice>> {
        Ok(trusted_device::Entity::find()
            .filter(trusted_device::Column::UserId.eq(user_id))
            .order_by_desc(trusted_device::Column::TrustedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "touch_trusted_device"))]
    async fn touch_trusted_device(&self, id: &str, now: DateTime<Utc>) -> Result<()> {
        trusted_device::Entity::update_many()
            .col_expr(trusted_device::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(trusted_device::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_trusted_device"))]
    async fn delete_trusted_device(&self, user_id: &str, id: &str) -> Result<bool> {
        let result = trusted_device::Entity::delete_many()
            .filter(trusted_device::Column::Id.eq(id))
            .filter(trusted_device::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected > 0)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "delete_trusted_devices_of")
    )]
    async fn delete_trusted_devices_of(&self, user_id: &str) -> Result<u64> {
        let result = trusted_device::Entity::delete_many()
            .filter(trusted_device::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected)
    }
}
