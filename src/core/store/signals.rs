//! The storage Shared Signals needs (`core::ssf`), apart from the rest of `core::store` only to keep files short.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::core::ssf::{Backlog, OutboxEntry, Stream, StreamStatus};

/// Shared Signals (`core::ssf`): receivers' streams and the outbox every instance delivers from.
#[async_trait]
pub trait SsfStore: Send + Sync {
    async fn ssf_streams(&self) -> Result<Vec<Stream>>;
    async fn ssf_stream_of_client(&self, client_id: &str) -> Result<Option<Stream>>;
    async fn ssf_stream(&self, id: &str) -> Result<Option<Stream>>;
    /// Inserts the stream; `Conflict` when its client has one.
    async fn insert_ssf_stream(&self, stream: &Stream) -> Result<()>;
    /// Replaces what the receiver may change; `false` when it is gone.
    async fn update_ssf_stream(&self, stream: &Stream) -> Result<bool>;
    /// Deletes the stream and its outbox; `false` when it was gone.
    async fn delete_ssf_stream(&self, id: &str) -> Result<bool>;
    async fn enqueue_ssf(&self, entries: &[OutboxEntry]) -> Result<()>;
    /// Up to `limit` rows neither delivered nor given up whose `next_attempt_at` is at or before `now`, oldest first.
    async fn due_ssf(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<OutboxEntry>>;
    /// Claims a due row for one attempt: one conditional `UPDATE` moving `next_attempt_at` to `lease_until` and
    /// counting the attempt. `true` for exactly one caller however many instances try at once.
    async fn claim_ssf(&self, id: &str, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<bool>;
    async fn ssf_delivered(&self, id: &str, at: DateTime<Utc>) -> Result<()>;
    /// Records a failed attempt: retried at `retry_at`, or given up (`failed_at` set) when `None`.
    async fn ssf_failed(
        &self,
        id: &str,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<()>;
    async fn ssf_entries(&self, stream_id: &str) -> Result<Vec<OutboxEntry>>;
    async fn ssf_backlog(&self, stream_id: &str) -> Result<Backlog>;
    /// Sets the stream's status; `Disabled` also drops what was waiting (neither delivered nor given up).
    /// `false` when the stream is gone.
    async fn set_ssf_status(
        &self,
        stream_id: &str,
        status: StreamStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Takes a user out of a stream (idempotent).
    async fn remove_ssf_subject(&self, stream_id: &str, user_id: &str, now: DateTime<Utc>) -> Result<()>;
    /// Puts a user back into a stream (idempotent).
    async fn add_ssf_subject(&self, stream_id: &str, user_id: &str) -> Result<()>;
    /// The streams that took `user_id` out.
    async fn ssf_streams_without(&self, user_id: &str) -> Result<Vec<String>>;
    /// Deletes outbox rows delivered before `before`; how many.
    async fn purge_delivered_ssf(&self, before: DateTime<Utc>) -> Result<u64>;
}
