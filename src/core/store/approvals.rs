//! The storage cross-device sign-in approval needs (`core::signin::approval`), apart from the rest of
//! `core::store` only to keep files short.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::core::Result;
use crate::core::signin::approval::{ApprovalState, SignInApproval};

/// Cross-device sign-in approval prompts. An answer, a use and an expiry are each one conditional UPDATE, so of
/// concurrent ones — on one instance or several — exactly one takes effect.
#[async_trait]
pub trait ApprovalStore: Send + Sync {
    async fn insert_sign_in_approval(&self, prompt: &SignInApproval) -> Result<()>;
    async fn sign_in_approval(&self, id: &str) -> Result<Option<SignInApproval>>;
    /// The latest prompt the waiting session `pending_session` sent.
    async fn sign_in_approval_of(&self, pending_session: &str) -> Result<Option<SignInApproval>>;
    /// The user's prompts sent at or after `since`, newest first, at most `limit`.
    async fn recent_sign_in_approvals(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<SignInApproval>>;
    /// Moves prompt `id` from pending to `state` (answered at `now` by `approver_session`) if it is still pending
    /// and `now` is before its end: `true` for the one caller that did.
    async fn answer_sign_in_approval(
        &self,
        id: &str,
        state: ApprovalState,
        approver_session: &str,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Moves prompt `id` from approved to used: `true` for the one caller that did.
    async fn use_sign_in_approval(&self, id: &str) -> Result<bool>;
    /// Moves the user's pending prompts whose end is at or before `now` to ignored; how many it moved.
    async fn ignore_overdue_sign_in_approvals(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64>;
}
