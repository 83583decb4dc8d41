//! Device authorizations (RFC 8628) over sea-orm. Each state change is one `UPDATE … WHERE status = …`, whose
//! affected-row count says whether this caller won; nothing is decided on a value read earlier.
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use entity::device_code;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{SeaStore, db_error};
use crate::core::oauth::{DeviceAuthorization, DeviceStatus, RefreshGrant};
use crate::core::store::DeviceStore;
use crate::core::{Error, Result};

/// How long expired rows stay (a late poll still hears `expired_token` rather than `invalid_grant`).
const KEEP_EXPIRED: Duration = Duration::days(1);

fn to_domain(m: device_code::Model) -> Result<DeviceAuthorization> {
    let status = DeviceStatus::parse(&m.status)
        .ok_or_else(|| Error::Internal(format!("unknown device authorization status {}", m.status)))?;
    let grant = m
        .grant
        .as_deref()
        .map(serde_json::from_str::<RefreshGrant>)
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(DeviceAuthorization {
        device_code_hash: m.device_code_hash,
        user_code_hash: m.user_code_hash,
        client_id: m.client_id,
        scope: m.scope,
        status,
        interval_secs: m.interval_secs.into(),
        polls: m.polls.into(),
        last_polled_at: m.last_polled_at,
        user_id: m.user_id,
        grant,
        created_at: m.created_at,
        expires_at: m.expires_at,
    })
}

fn small(value: i64) -> Result<i32> {
    i32::try_from(value).map_err(|_| Error::Internal(format!("{value} does not fit the column")))
}

#[async_trait]
impl DeviceStore for SeaStore {
    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "insert_device_authorization")
    )]
    async fn insert_device_authorization(&self, d: &DeviceAuthorization, now: DateTime<Utc>) -> Result<()> {
        device_code::Entity::delete_many()
            .filter(device_code::Column::ExpiresAt.lt(now - KEEP_EXPIRED))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        device_code::ActiveModel {
            device_code_hash: Set(d.device_code_hash.clone()),
            user_code_hash: Set(d.user_code_hash.clone()),
            client_id: Set(d.client_id.clone()),
            scope: Set(d.scope.clone()),
            status: Set(d.status.as_str().into()),
            interval_secs: Set(small(d.interval_secs)?),
            polls: Set(small(d.polls)?),
            last_polled_at: Set(d.last_polled_at),
            user_id: Set(d.user_id.clone()),
            grant: Set(d
                .grant
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| Error::Internal(e.to_string()))?),
            created_at: Set(d.created_at),
            expires_at: Set(d.expires_at),
            decided_at: Set(None),
            redeemed_at: Set(None),
        }
        .insert(&self.db)
        .await
        .map_err(|e| match db_error(e) {
            Error::Conflict(_) => Error::Conflict("That user code is in use.".into()),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "device_authorization"))]
    async fn device_authorization(&self, device_code_hash: &str) -> Result<Option<DeviceAuthorization>> {
        device_code::Entity::find_by_id(device_code_hash.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "device_authorization_by_user_code")
    )]
    async fn device_authorization_by_user_code(&self, user_code_hash: &str) -> Result<Option<DeviceAuthorization>> {
        device_code::Entity::find()
            .filter(device_code::Column::UserCodeHash.eq(user_code_hash))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "record_device_poll"))]
    async fn record_device_poll(
        &self,
        device_code_hash: &str,
        seen_polls: i64,
        interval_secs: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = device_code::Entity::update_many()
            .col_expr(
                device_code::Column::Polls,
                Expr::value(small(seen_polls.saturating_add(1))?),
            )
            .col_expr(device_code::Column::IntervalSecs, Expr::value(small(interval_secs)?))
            .col_expr(device_code::Column::LastPolledAt, Expr::value(now))
            .filter(device_code::Column::DeviceCodeHash.eq(device_code_hash))
            .filter(device_code::Column::Status.eq(DeviceStatus::Pending.as_str()))
            .filter(device_code::Column::Polls.eq(small(seen_polls)?))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "approve_device_authorization")
    )]
    async fn approve_device_authorization(
        &self,
        user_code_hash: &str,
        user_id: &str,
        grant: &RefreshGrant,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let grant = serde_json::to_string(grant).map_err(|e| Error::Internal(e.to_string()))?;
        let result = device_code::Entity::update_many()
            .col_expr(
                device_code::Column::Status,
                Expr::value(DeviceStatus::Approved.as_str()),
            )
            .col_expr(device_code::Column::UserId, Expr::value(user_id))
            .col_expr(device_code::Column::Grant, Expr::value(grant))
            .col_expr(device_code::Column::DecidedAt, Expr::value(now))
            .filter(device_code::Column::UserCodeHash.eq(user_code_hash))
            .filter(device_code::Column::Status.eq(DeviceStatus::Pending.as_str()))
            .filter(device_code::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "deny_device_authorization")
    )]
    async fn deny_device_authorization(&self, user_code_hash: &str, user_id: &str, now: DateTime<Utc>) -> Result<bool> {
        let result = device_code::Entity::update_many()
            .col_expr(device_code::Column::Status, Expr::value(DeviceStatus::Denied.as_str()))
            .col_expr(device_code::Column::UserId, Expr::value(user_id))
            .col_expr(device_code::Column::DecidedAt, Expr::value(now))
            .filter(device_code::Column::UserCodeHash.eq(user_code_hash))
            .filter(device_code::Column::Status.eq(DeviceStatus::Pending.as_str()))
            .filter(device_code::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "redeem_device_authorization")
    )]
    async fn redeem_device_authorization(
        &self,
        device_code_hash: &str,
        client_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = device_code::Entity::update_many()
            .col_expr(
                device_code::Column::Status,
                Expr::value(DeviceStatus::Redeemed.as_str()),
            )
            .col_expr(device_code::Column::RedeemedAt, Expr::value(now))
            .filter(device_code::Column::DeviceCodeHash.eq(device_code_hash))
            .filter(device_code::Column::ClientId.eq(client_id))
            .filter(device_code::Column::Status.eq(DeviceStatus::Approved.as_str()))
            .filter(device_code::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }
}
