//! Attempt accounting against guessing: growing delays, and a lock after too many consecutive failures. Counters
//! live in the database, and every attempt is *reserved* before the secret is checked: a compare-and-swap on
//! the counter admits attempts one at a time, so parallel guesses cannot race past a delay or the lock, on one
//! instance or several. A success resets the counter.
//!
//! Two kinds of lock. A factor locks for a while (`lock_for`) and says so (`FactorLocked`). A password locks
//! *silently* until cleared (`until_cleared`): attempts are still reserved, delayed and counted exactly as
//! before, only their secret no longer counts (`Attempt::locked`), so from outside a locked account looks
//! like an unlucky guess and cannot be told from an unknown one. Only [`clear`] (a password reset, an
//! administrator) ends it: the lock *is* the counter at or past the limit, so every instance sees it.
use chrono::{DateTime, Duration, Utc};

use super::store::Store;
use super::{Error, Result};

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Consecutive failures allowed without any delay.
    pub free_attempts: u32,
    /// The delay after the n-th further failure is 2^(n-1) seconds, up to this.
    pub max_delay_secs: i64,
    /// Failures after which the key locks; `None` never locks (the password page must stay usable).
    pub lock_after: Option<u32>,
    pub lock_for: Duration,
    /// Failures are forgotten once no attempt was made for this long; `None` keeps them until a success (or the
    /// end of a lock). For keys where a success does not clear them.
    pub forget_after: Option<Duration>,
    /// The lock lasts until [`clear`] (no `lock_for`) and is silent: the delays go on as before and the attempt
    /// is admitted, marked `locked`, so its caller checks the secret for equal cost and refuses it anyway.
    pub until_cleared: bool,
}

impl Policy {
    pub const PASSWORD: Policy = Policy {
        free_attempts: 5,
        max_delay_secs: 30,
        lock_after: None,
        lock_for: Duration::zero(),
        forget_after: None,
        until_cleared: false,
    };

    /// Password sign-in: the delays of [`Policy::PASSWORD`] first, then, after `lock_after` consecutive
    /// failures, a silent lock until a password reset or an administrator clears it (NIST SP 800-63B §5.2.2
    /// allows at most 100).
    pub fn password_sign_in(lock_after: u32) -> Policy {
        Policy {
            lock_after: Some(lock_after),
            until_cleared: true,
            ..Policy::PASSWORD
        }
    }

    pub fn factor(lock_after: u32, lock_for: Duration) -> Policy {
        Policy {
            free_attempts: 3,
            max_delay_secs: 60,
            lock_after: Some(lock_after),
            lock_for,
            forget_after: None,
            until_cleared: false,
        }
    }

    /// Whether `failures` consecutive failures hold a lock that only [`clear`] ends.
    pub fn locked_until_cleared(&self, failures: u32) -> bool {
        self.until_cleared && self.lock_after.is_some_and(|limit| failures >= limit)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// Go ahead; the counter becomes `next`.
    Allowed {
        next: u32,
    },
    Wait {
        retry_after_secs: u64,
    },
    Locked {
        until: DateTime<Utc>,
    },
}

/// Whether one more attempt may be made now, given the consecutive failures so far. Pure.
pub fn gate(policy: &Policy, failures: u32, last_attempt: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Gate {
    let last = last_attempt.unwrap_or(now);
    if policy.forget_after.is_some_and(|quiet| now - last >= quiet) {
        return Gate::Allowed { next: 1 };
    }
    if let Some(limit) = policy.lock_after
        && failures >= limit
        && !policy.until_cleared
    {
        let until = last + policy.lock_for;
        return if now < until {
            Gate::Locked { until }
        } else {
            Gate::Allowed { next: 1 }
        };
    }
    if failures >= policy.free_attempts {
        let exponent = (failures - policy.free_attempts).min(20);
        let delay = (1i64 << exponent).min(policy.max_delay_secs);
        let ready = last + Duration::seconds(delay);
        if now < ready {
            return Gate::Wait {
                retry_after_secs: (ready - now).num_seconds().max(1) as u64,
            };
        }
    }
    Gate::Allowed { next: failures + 1 }
}

/// A reserved attempt; `number` counts it among the consecutive failures should it fail.
#[derive(Debug)]
pub struct Attempt {
    pub key: String,
    pub number: u32,
    /// Failing this attempt locks the key (exactly one attempt per lock: the one that reaches the limit).
    pub locks_on_failure: bool,
    /// The key is locked until cleared: the secret must be refused even when right (after checking it, for
    /// equal cost).
    pub locked: bool,
}

/// Reserves an attempt for `key`, or refuses with `TooManyAttempts` / `FactorLocked`.
/// Whether failing attempt number `next` locks the key.
fn locks_on_failure(policy: &Policy, next: u32) -> bool {
    policy.lock_after.is_some_and(|limit| {
        if policy.until_cleared {
            next == limit
        } else {
            next >= limit
        }
    })
}

pub async fn begin(store: &dyn Store, policy: &Policy, key: &str, now: DateTime<Utc>) -> Result<Attempt> {
    for _ in 0..64 {
        let (failures, last) = match store.attempt_counter(key).await? {
            Some(counter) => counter,
            None => {
                // A key never tried (or forgotten): its first attempt is the counter's creation, in one statement;
                // a concurrent first attempt that created it before us makes us read it again.
                if let Gate::Allowed { next } = gate(policy, 0, None, now)
                    && store.start_attempt_counter(key, next, now).await?
                {
                    return Ok(Attempt {
                        key: key.to_string(),
                        number: next,
                        locks_on_failure: locks_on_failure(policy, next),
                        locked: policy.locked_until_cleared(0),
                    });
                }
                store.create_attempt_counter(key).await?;
                continue;
            }
        };
        match gate(policy, failures, last, now) {
            Gate::Wait { retry_after_secs } => return Err(Error::TooManyAttempts { retry_after_secs }),
            Gate::Locked { until } => return Err(Error::FactorLocked { until }),
            Gate::Allowed { next } => {
                if store.bump_attempt_counter(key, failures, next, now).await? {
                    return Ok(Attempt {
                        key: key.to_string(),
                        number: next,
                        locks_on_failure: locks_on_failure(policy, next),
                        locked: policy.locked_until_cleared(failures) && next > failures,
                    });
                }
                // Another attempt got in first: read again.
                tokio::task::yield_now().await;
            }
        }
    }
    Err(Error::TooManyAttempts { retry_after_secs: 1 })
}

/// Takes one use of a quota of `limit` per fixed `window` for `key` (e.g. SMS sends per number per hour),
/// or refuses with the time until the window ends. Counted by compare-and-swap like attempts.
pub async fn take_quota(store: &dyn Store, key: &str, limit: u32, window: Duration, now: DateTime<Utc>) -> Result<()> {
    let seconds = window.num_seconds().max(1);
    let bucket = now.timestamp().div_euclid(seconds);
    let key = format!("{key}:{bucket}");
    let retry_after_secs = ((bucket + 1) * seconds - now.timestamp()).max(1) as u64;
    for _ in 0..64 {
        let Some((used, _)) = store.attempt_counter(&key).await? else {
            // The window's first use creates its counter in one statement (when the quota allows one at all).
            if limit > 0 && store.start_attempt_counter(&key, 1, now).await? {
                return Ok(());
            }
            store.create_attempt_counter(&key).await?;
            continue;
        };
        if used >= limit {
            return Err(Error::TooManyAttempts { retry_after_secs });
        }
        if store.bump_attempt_counter(&key, used, used + 1, now).await? {
            return Ok(());
        }
        tokio::task::yield_now().await;
    }
    Err(Error::TooManyAttempts { retry_after_secs: 1 })
}

pub async fn succeeded(store: &dyn Store, attempt: &Attempt) -> Result<()> {
    if attempt.locked {
        // Never reached by a correct caller; a locked key is only cleared by `clear`.
        return Err(Error::Internal("a locked attempt cannot succeed".into()));
    }
    store.reset_attempt_counter(&attempt.key).await
}

/// Ends a lock (or forgets the failures) of `key` whatever its policy; returns the failures it held.
pub async fn clear(store: &dyn Store, key: &str) -> Result<u32> {
    let failures = store.attempt_counter(key).await?.map(|(n, _)| n).unwrap_or(0);
    if failures > 0 {
        store.reset_attempt_counter(key).await?;
    }
    Ok(failures)
}

/// Gives back a reserved attempt that turned out not to be a failure, *without* clearing earlier failures: for
/// keys where a success proves nothing about the failed guesses (a code the guesser could make valid themselves).
pub async fn refund(store: &dyn Store, attempt: &Attempt, now: DateTime<Utc>) -> Result<()> {
    for _ in 0..64 {
        match store.attempt_counter(&attempt.key).await? {
            Some((count, _)) if count > 0 => {
                if store.bump_attempt_counter(&attempt.key, count, count - 1, now).await? {
                    return Ok(());
                }
                tokio::task::yield_now().await;
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_lock() {
        let policy = Policy::factor(10, Duration::minutes(15));
        let now = Utc::now();
        assert_eq!(gate(&policy, 0, None, now), Gate::Allowed { next: 1 });
        assert_eq!(gate(&policy, 2, Some(now), now), Gate::Allowed { next: 3 });
        assert_eq!(gate(&policy, 3, Some(now), now), Gate::Wait { retry_after_secs: 1 });
        assert_eq!(
            gate(&policy, 3, Some(now - Duration::seconds(1)), now),
            Gate::Allowed { next: 4 }
        );
        assert_eq!(gate(&policy, 6, Some(now), now), Gate::Wait { retry_after_secs: 8 });
        assert_eq!(gate(&policy, 9, Some(now), now), Gate::Wait { retry_after_secs: 60 });
        assert_eq!(
            gate(&policy, 10, Some(now), now),
            Gate::Locked {
                until: now + Duration::minutes(15)
            }
        );
        assert_eq!(
            gate(&policy, 10, Some(now - Duration::minutes(16)), now),
            Gate::Allowed { next: 1 }
        );
    }

    #[test]
    fn failures_can_lapse() {
        let policy = Policy {
            forget_after: Some(Duration::hours(1)),
            ..Policy::PASSWORD
        };
        let now = Utc::now();
        assert_eq!(gate(&policy, 12, Some(now), now), Gate::Wait { retry_after_secs: 30 });
        assert_eq!(
            gate(&policy, 12, Some(now - Duration::minutes(59)), now),
            Gate::Allowed { next: 13 }
        );
        assert_eq!(
            gate(&policy, 12, Some(now - Duration::hours(1)), now),
            Gate::Allowed { next: 1 }
        );
        assert_eq!(
            gate(&Policy::PASSWORD, 12, Some(now - Duration::days(9)), now),
            Gate::Allowed { next: 13 },
            "kept where not asked"
        );
    }

    #[test]
    fn password_locks_are_silent_and_keep_the_delays() {
        let policy = Policy::password_sign_in(100);
        let now = Utc::now();
        assert!(!policy.locked_until_cleared(99));
        assert!(policy.locked_until_cleared(100));
        assert!(policy.locked_until_cleared(5000));
        // Past the limit the gate still admits (the caller refuses the secret), with the same delays as before.
        assert_eq!(gate(&policy, 100, Some(now), now), Gate::Wait { retry_after_secs: 30 });
        assert_eq!(
            gate(&policy, 100, Some(now - Duration::days(30)), now),
            Gate::Allowed { next: 101 },
            "no expiry"
        );
        assert_eq!(
            gate(&policy, 99, Some(now - Duration::seconds(30)), now),
            gate(&Policy::PASSWORD, 99, Some(now - Duration::seconds(30)), now)
        );
        assert!(!Policy::PASSWORD.locked_until_cleared(u32::MAX));
        assert!(!Policy::factor(10, Duration::minutes(15)).locked_until_cleared(10));
    }

    #[test]
    fn passwords_never_lock() {
        let now = Utc::now();
        assert_eq!(gate(&Policy::PASSWORD, 4, Some(now), now), Gate::Allowed { next: 5 });
        assert_eq!(
            gate(&Policy::PASSWORD, 500, Some(now - Duration::seconds(30)), now),
            Gate::Allowed { next: 501 }
        );
        assert_eq!(
            gate(&Policy::PASSWORD, 500, Some(now), now),
            Gate::Wait { retry_after_secs: 30 }
        );
    }
}
