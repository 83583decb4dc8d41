//! The storage caller verification needs (`core::recovery::verify`), apart from the rest of `core::store` only to
//! keep files short.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::core::recovery::verify::{CallerVerification, Override, VerifyState};

/// Caller-verification prompts of factor-reset requests (`core::recovery::verify`) and the overrides that stand in
/// for them. An answer is one conditional UPDATE on a pending, unexpired prompt, so of concurrent answers — on one
/// instance or several — exactly one is stored; an override is one row per request.
#[async_trait]
pub trait CallerVerificationStore: Send + Sync {
    async fn insert_caller_verification(&self, prompt: &CallerVerification) -> Result<()>;
    /// The prompt whose link has this token digest.
    async fn caller_verification_by_token(&self, token_hash: &str) -> Result<Option<CallerVerification>>;
    async fn caller_verification(&self, id: &str) -> Result<Option<CallerVerification>>;
    /// The prompts of request `request_id`, oldest first.
    async fn caller_verifications_of(&self, request_id: &str) -> Result<Vec<CallerVerification>>;
    /// How many prompts were sent at or after `since` for `request_id` (if given) by `sent_by` (if given).
    async fn count_caller_verifications(
        &self,
        request_id: Option<&str>,
        sent_by: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<u64>;
    /// Moves prompt `id` from pending to `state`, answered at `now`, if it is still pending and `now` is before its
    /// end: `true` for the one caller that did.
    async fn answer_caller_verification(&self, id: &str, state: VerifyState, now: DateTime<Utc>) -> Result<bool>;
    /// Moves prompt `id` from pending to timed out if its end is at or before `now`: `true` for the one caller that did.
    async fn time_out_caller_verification(&self, id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Pending prompts whose end is at or before `now`.
    async fn overdue_caller_verifications(&self, now: DateTime<Utc>) -> Result<Vec<CallerVerification>>;
    /// Stores the override of a request; `false`, and no change, when the request has one already.
    async fn insert_verify_override(&self, o: &Override) -> Result<bool>;
    async fn verify_override(&self, request_id: &str) -> Result<Option<Override>>;
}
