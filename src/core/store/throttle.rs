//! The attempt counters behind throttling and quotas (`core::throttle`), apart from the rest of `core::store` only
//! to keep files short. Every change is one conditional statement, so concurrent attempts on one instance or
//! several are each counted.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::core::Result;

#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Consecutive failures and the time of the last attempt.
    async fn attempt_counter(&self, key: &str) -> Result<Option<(u32, Option<DateTime<Utc>>)>>;
    /// Creates the counter at zero if it does not exist.
    async fn create_attempt_counter(&self, key: &str) -> Result<()>;
    /// Creates the counter holding `count`, its last attempt at `now`, if it does not exist: the first attempt on
    /// a key in one statement. `false`, and no change, when it exists (a concurrent attempt created it first).
    async fn start_attempt_counter(&self, key: &str, count: u32, now: DateTime<Utc>) -> Result<bool>;
    /// Compare-and-swap: sets the count to `new` only if it is still `expected`.
    async fn bump_attempt_counter(&self, key: &str, expected: u32, new: u32, now: DateTime<Utc>) -> Result<bool>;
    async fn reset_attempt_counter(&self, key: &str) -> Result<()>;
    /// How many counters whose key starts with `prefix` (taken literally) hold at least `failures` (one query).
    async fn count_attempt_counters(&self, prefix: &str, failures: u32) -> Result<u64>;
}
