//! Shared Signals streams and their outbox. The outbox claim is one conditional `UPDATE` (due, undelivered, not
//! given up, `next_attempt_at` unchanged since read), so two instances never send the same row at once.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{ssf_outbox, ssf_removed_subject, ssf_stream};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{SeaStore, db_error};
use crate::core::ssf::{Backlog, OutboxEntry, Stream, StreamStatus};
use crate::core::store::SsfStore;
use crate::core::{Error, Result};

fn stream_to_domain(m: ssf_stream::Model) -> Result<Stream> {
    Ok(Stream {
        status: StreamStatus::parse(&m.status)
            .ok_or_else(|| Error::Internal(format!("unknown status of stream {}", m.id)))?,
        status_reason: m.status_reason,
        events_requested: serde_json::from_str(&m.events_requested)
            .map_err(|_| Error::Internal(format!("unreadable events of stream {}", m.id)))?,
        id: m.id,
        client_id: m.client_id,
        endpoint_url: m.endpoint_url,
        authorization_header: m.authorization_header,
        description: m.description,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn entry_to_domain(m: ssf_outbox::Model) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        payload: serde_json::from_str(&m.payload)
            .map_err(|_| Error::Internal(format!("unreadable outbox row {}", m.id)))?,
        id: m.id,
        stream_id: m.stream_id,
        jti: m.jti,
        event_type: m.event_type,
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        delivered_at: m.delivered_at,
        failed_at: m.failed_at,
        last_error: m.last_error,
        created_at: m.created_at,
    })
}

fn events_json(stream: &Stream) -> String {
    serde_json::Value::from(stream.events_requested.clone()).to_string()
}

#[async_trait]
impl SsfStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_streams"))]
    async fn ssf_streams(&self) -> Result<Vec<Stream>> {
        ssf_stream::Entity::find()
            .order_by_asc(ssf_stream::Column::ClientId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(stream_to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_stream_of_client"))]
    async fn ssf_stream_of_client(&self, client_id: &str) -> Result<Option<Stream>> {
        ssf_stream::Entity::find()
            .filter(ssf_stream::Column::ClientId.eq(client_id))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(stream_to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_stream"))]
    async fn ssf_stream(&self, id: &str) -> Result<Option<Stream>> {
        ssf_stream::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(stream_to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_ssf_stream"))]
    async fn insert_ssf_stream(&self, stream: &Stream) -> Result<()> {
        ssf_stream::ActiveModel {
            id: Set(stream.id.clone()),
            client_id: Set(stream.client_id.clone()),
            events_requested: Set(events_json(stream)),
            endpoint_url: Set(stream.endpoint_url.clone()),
            authorization_header: Set(stream.authorization_header.clone()),
            description: Set(stream.description.clone()),
            status: Set(stream.status.as_str().to_string()),
            status_reason: Set(stream.status_reason.clone()),
            created_at: Set(stream.created_at),
            updated_at: Set(stream.updated_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "update_ssf_stream"))]
    async fn update_ssf_stream(&self, stream: &Stream) -> Result<bool> {
        let done = ssf_stream::Entity::update_many()
            .col_expr(ssf_stream::Column::EventsRequested, Expr::value(events_json(stream)))
            .col_expr(
                ssf_stream::Column::EndpointUrl,
                Expr::value(stream.endpoint_url.clone()),
            )
            .col_expr(
                ssf_stream::Column::AuthorizationHeader,
                Expr::value(stream.authorization_header.clone()),
            )
            .col_expr(ssf_stream::Column::Description, Expr::value(stream.description.clone()))
            .col_expr(ssf_stream::Column::UpdatedAt, Expr::value(stream.updated_at))
            .filter(ssf_stream::Column::Id.eq(&stream.id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected > 0)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_ssf_stream"))]
    async fn delete_ssf_stream(&self, id: &str) -> Result<bool> {
        // The outbox and removed subjects first: SQLite enforces the foreign key only when asked to.
        ssf_outbox::Entity::delete_many()
            .filter(ssf_outbox::Column::StreamId.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        ssf_removed_subject::Entity::delete_many()
            .filter(ssf_removed_subject::Column::StreamId.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        let done = ssf_stream::Entity::delete_by_id(id)
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected > 0)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "enqueue_ssf"))]
    async fn enqueue_ssf(&self, entries: &[OutboxEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let rows = entries.iter().map(|e| ssf_outbox::ActiveModel {
            id: Set(e.id.clone()),
            stream_id: Set(e.stream_id.clone()),
            jti: Set(e.jti.clone()),
            event_type: Set(e.event_type.clone()),
            payload: Set(e.payload.to_string()),
            attempts: Set(e.attempts),
            next_attempt_at: Set(e.next_attempt_at),
            delivered_at: Set(e.delivered_at),
            failed_at: Set(e.failed_at),
            last_error: Set(e.last_error.clone()),
            created_at: Set(e.created_at),
        });
        ssf_outbox::Entity::insert_many(rows)
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "due_ssf"))]
    async fn due_ssf(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<OutboxEntry>> {
        // Rows of a paused stream wait, without holding up the rows of others.
        let enabled = Query::select()
            .column(ssf_stream::Column::Id)
            .from(ssf_stream::Entity)
            .and_where(ssf_stream::Column::Status.eq(StreamStatus::Enabled.as_str()))
            .to_owned();
        ssf_outbox::Entity::find()
            .filter(ssf_outbox::Column::StreamId.in_subquery(enabled))
            .filter(ssf_outbox::Column::DeliveredAt.is_null())
            .filter(ssf_outbox::Column::FailedAt.is_null())
            .filter(ssf_outbox::Column::NextAttemptAt.lte(now))
            .order_by_asc(ssf_outbox::Column::CreatedAt)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(entry_to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "claim_ssf"))]
    async fn claim_ssf(&self, id: &str, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<bool> {
        let done = ssf_outbox::Entity::update_many()
            .col_expr(ssf_outbox::Column::NextAttemptAt, Expr::value(lease_until))
            .col_expr(
                ssf_outbox::Column::Attempts,
                Expr::col(ssf_outbox::Column::Attempts).add(1),
            )
            .filter(ssf_outbox::Column::Id.eq(id))
            .filter(ssf_outbox::Column::DeliveredAt.is_null())
            .filter(ssf_outbox::Column::FailedAt.is_null())
            .filter(ssf_outbox::Column::NextAttemptAt.lte(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_delivered"))]
    async fn ssf_delivered(&self, id: &str, at: DateTime<Utc>) -> Result<()> {
        ssf_outbox::Entity::update_many()
            .col_expr(ssf_outbox::Column::DeliveredAt, Expr::value(Some(at)))
            .col_expr(ssf_outbox::Column::LastError, Expr::value(Option::<String>::None))
            .filter(ssf_outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_failed"))]
    async fn ssf_failed(
        &self,
        id: &str,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<()> {
        let mut update = ssf_outbox::Entity::update_many()
            .col_expr(
                ssf_outbox::Column::LastError,
                Expr::value(Some(crate::core::model::truncate(error, 250))),
            )
            .filter(ssf_outbox::Column::Id.eq(id));
        update = match retry_at {
            Some(at) => update.col_expr(ssf_outbox::Column::NextAttemptAt, Expr::value(at)),
            None => update.col_expr(ssf_outbox::Column::FailedAt, Expr::value(Some(now))),
        };
        update.exec(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_entries"))]
    async fn ssf_entries(&self, stream_id: &str) -> Result<Vec<OutboxEntry>> {
        ssf_outbox::Entity::find()
            .filter(ssf_outbox::Column::StreamId.eq(stream_id))
            .order_by_asc(ssf_outbox::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(entry_to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_backlog"))]
    async fn ssf_backlog(&self, stream_id: &str) -> Result<Backlog> {
        let rows = ssf_outbox::Entity::find()
            .filter(ssf_outbox::Column::StreamId.eq(stream_id))
            .order_by_asc(ssf_outbox::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut backlog = Backlog::default();
        for row in rows {
            match (row.delivered_at, row.failed_at) {
                (Some(_), _) => backlog.delivered += 1,
                (None, Some(_)) => backlog.failed += 1,
                (None, None) => backlog.pending += 1,
            }
            if row.delivered_at > backlog.last_delivered_at {
                backlog.last_delivered_at = row.delivered_at;
            }
            if row.delivered_at.is_none() && row.last_error.is_some() {
                backlog.last_error = row.last_error;
            }
        }
        Ok(backlog)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "set_ssf_status"))]
    async fn set_ssf_status(
        &self,
        stream_id: &str,
        status: StreamStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = ssf_stream::Entity::update_many()
            .col_expr(ssf_stream::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                ssf_stream::Column::StatusReason,
                Expr::value(reason.map(str::to_string)),
            )
            .col_expr(ssf_stream::Column::UpdatedAt, Expr::value(now))
            .filter(ssf_stream::Column::Id.eq(stream_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        if done.rows_affected > 0 && status == StreamStatus::Disabled {
            ssf_outbox::Entity::delete_many()
                .filter(ssf_outbox::Column::StreamId.eq(stream_id))
                .filter(ssf_outbox::Column::DeliveredAt.is_null())
                .filter(ssf_outbox::Column::FailedAt.is_null())
                .exec(&self.db)
                .await
                .map_err(db_error)?;
        }
        Ok(done.rows_affected > 0)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "remove_ssf_subject"))]
    async fn remove_ssf_subject(&self, stream_id: &str, user_id: &str, now: DateTime<Utc>) -> Result<()> {
        ssf_removed_subject::Entity::insert(ssf_removed_subject::ActiveModel {
            stream_id: Set(stream_id.to_string()),
            user_id: Set(user_id.to_string()),
            removed_at: Set(now),
        })
        .on_conflict_do_nothing_on([
            ssf_removed_subject::Column::StreamId,
            ssf_removed_subject::Column::UserId,
        ])
        .exec(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "add_ssf_subject"))]
    async fn add_ssf_subject(&self, stream_id: &str, user_id: &str) -> Result<()> {
        ssf_removed_subject::Entity::delete_many()
            .filter(ssf_removed_subject::Column::StreamId.eq(stream_id))
            .filter(ssf_removed_subject::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ssf_streams_without"))]
    async fn ssf_streams_without(&self, user_id: &str) -> Result<Vec<String>> {
        Ok(ssf_removed_subject::Entity::find()
            .filter(ssf_removed_subject::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|row| row.stream_id)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "purge_delivered_ssf"))]
    async fn purge_delivered_ssf(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = ssf_outbox::Entity::delete_many()
            .filter(ssf_outbox::Column::DeliveredAt.lt(before))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected)
    }
}
