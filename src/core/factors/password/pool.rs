//! The bound on password hashing. Anyone can make the server hash a password (a sign-in with any username
//! costs one argon2id verification, on purpose), and each hash holds 19 MiB for ~15 ms of a core. Run
//! without a bound, a few dozen concurrent anonymous sign-ins took a server from 30 MB to almost 5 GB.
//!
//! So hashing runs on a fixed number of dedicated threads (about one per core: more cannot finish sooner),
//! each reusing one [`Memory`] through a burst and giving it back after two idle seconds. A request first
//! reserves a place, one of `workers + queue`. When none is free it fails at once with [`Error::Busy`] (`503`
//! with `Retry-After`) instead of waiting in an unbounded line; a caller that gives up while queued frees its
//! place without the hash being computed.
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use super::{Memory, Verdict};
use crate::core::{Error, Result};

/// The wait a busy answer suggests: a queue drains in well under a second, so a few seconds spread retries.
pub const BUSY_RETRY_SECS: u64 = 2;

/// A thread that has had nothing to do for this long gives its memory back: kept through a burst, returned
/// after it, so an idle server is as small as a fresh one.
const IDLE_RELEASE: Duration = Duration::from_secs(2);

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

pub struct PasswordPool {
    places: Arc<Semaphore>,
    queue: Arc<Queue>,
    workers: usize,
    waiting: usize,
}

/// A reserved place in the pool: the right to have one hash computed. Dropping it unused frees the place.
pub struct Slot {
    permit: OwnedSemaphorePermit,
    queue: Arc<Queue>,
}

/// The jobs handed to the threads. Never longer than the places allow, since only a slot can add one.
#[derive(Default)]
struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    jobs: VecDeque<Job>,
    closed: bool,
}

impl PasswordPool {
    /// Starts `workers` hashing threads (at least one) that take at most `queue` waiting jobs beyond those
    /// being computed. The threads end when the pool is dropped.
    pub fn new(workers: usize, queue: usize) -> std::io::Result<PasswordPool> {
        let workers = workers.max(1);
        let shared = Arc::new(Queue::default());
        for n in 0..workers {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(&shared))?;
        }
        Ok(PasswordPool {
            places: Arc::new(Semaphore::new(workers + queue)),
            queue: shared,
            workers,
            waiting: queue,
        })
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    pub fn queue(&self) -> usize {
        self.waiting
    }

    /// Places taken now: hashes being computed plus those waiting for a thread.
    pub fn in_use(&self) -> usize {
        (self.workers + self.waiting).saturating_sub(self.places.available_permits())
    }

    /// Reserves a place, or answers [`Error::Busy`] at once when every place is taken.
    pub fn try_reserve(&self) -> Result<Slot> {
        let permit = self.places.clone().try_acquire_owned().map_err(|_| Error::Busy {
            retry_after_secs: BUSY_RETRY_SECS,
        })?;
        Ok(Slot {
            permit,
            queue: self.queue.clone(),
        })
    }

    /// Hashes a new password with the current parameters.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.try_reserve()?.hash(password).await
    }

    /// Verifies `password` against `stored`, or spends equal work when there is nothing to verify against.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<Verdict> {
        self.try_reserve()?.verify(password, stored).await
    }
}

impl Drop for PasswordPool {
    fn drop(&mut self) {
        self.queue.lock().closed = true;
        self.queue.ready.notify_all();
    }
}

impl Slot {
    pub async fn hash(self, password: String) -> Result<String> {
        self.run(move |memory| super::hash_with(&password, memory)).await?
    }

    pub async fn verify(self, password: String, stored: Option<String>) -> Result<Verdict> {
        self.run(move |memory| super::verify_or_dummy(&password, stored.as_deref(), memory))
            .await
    }

    async fn run<T: Send + 'static>(self, f: impl FnOnce(&mut Memory) -> T + Send + 'static) -> Result<T> {
        let (answer, answered) = oneshot::channel();
        let permit = self.permit;
        let job: Job = Box::new(move |memory| {
            // Nobody waits any more (the client went away while queued): skip the work. (A panic in `f` also
            // frees the place, while unwinding.)
            if answer.is_closed() {
                return;
            }
            let result = f(memory);
            // The place is free before the answer arrives, so the caller can reserve again straight away.
            drop(permit);
            let _ = answer.send(result);
        });
        {
            let mut state = self.queue.lock();
            if state.closed {
                return Err(Error::Internal("the password hashing threads have stopped".into()));
            }
            state.jobs.push_back(job);
        }
        self.queue.ready.notify_one();
        answered
            .await
            .map_err(|_| Error::Internal("a password hashing job failed".into()))
    }
}

impl Queue {
    /// The state; a panic never happens while it is held, and its data stays consistent if one did.
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next job; `None` once the pool is gone, or when `idle_limit` passed without one.
    fn next(&self, idle_limit: Option<Duration>) -> Next {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Next::Job(job);
            }
            if state.closed {
                return Next::Closed;
            }
            match idle_limit {
                Some(limit) => {
                    let (guard, waited) = self
                        .ready
                        .wait_timeout(state, limit)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    state = guard;
                    if waited.timed_out() && state.jobs.is_empty() && !state.closed {
                        return Next::Idle;
                    }
                }
                None => {
                    state = self.ready.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
                }
            }
        }
    }
}

enum Next {
    Job(Job),
    Idle,
    Closed,
}

/// One hashing thread: takes jobs until the pool is gone, reusing its memory while busy and returning it
/// when idle.
fn work(queue: &Queue) {
    let mut memory = Memory::default();
    loop {
        let idle_limit = (!memory.is_empty()).then_some(IDLE_RELEASE);
        match queue.next(idle_limit) {
            Next::Job(job) => {
                // A panicking job loses its answer (its caller gets an internal error), not the thread.
                if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory))).is_err() {
                    memory = Memory::default();
                }
            }
            Next::Idle => memory = Memory::default(),
            Next::Closed => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn past_the_queue_is_busy_at_once_and_places_come_back() {
        let pool = PasswordPool::new(1, 1).unwrap();
        let first = pool.try_reserve().unwrap();
        let second = pool.try_reserve().unwrap();
        let started = Instant::now();
        assert!(matches!(
            pool.try_reserve(),
            Err(Error::Busy {
                retry_after_secs: BUSY_RETRY_SECS
            })
        ));
        assert!(matches!(pool.verify("x".into(), None).await, Err(Error::Busy { .. })));
        assert!(started.elapsed() < Duration::from_millis(50));
        drop(second);
        let stored = first.hash("violet-tractor-sings-at-dawn".into()).await.unwrap();
        // Both places are free again.
        let (a, b) = tokio::join!(
            pool.verify("violet-tractor-sings-at-dawn".into(), Some(stored.clone())),
            pool.verify("wrong".into(), Some(stored)),
        );
        assert_eq!(a.unwrap(), Verdict::Match { needs_rehash: false });
        assert_eq!(b.unwrap(), Verdict::Mismatch);
    }

    #[tokio::test]
    async fn a_stopped_pool_answers_an_error_not_a_hang() {
        let pool = PasswordPool::new(1, 0).unwrap();
        let slot = pool.try_reserve().unwrap();
        drop(pool);
        let answer = tokio::time::timeout(Duration::from_secs(5), slot.verify("x".into(), None)).await;
        assert!(matches!(answer, Ok(Err(Error::Internal(_)))));
    }

    #[tokio::test]
    async fn an_abandoned_request_frees_its_place() {
        let pool = PasswordPool::new(1, 0).unwrap();
        let waiting = pool.verify("x".into(), None);
        // Dropped before it was polled: its place must come back.
        drop(waiting);
        let slot = pool.try_reserve().unwrap();
        let abandoned = tokio::time::timeout(Duration::from_millis(1), slot.verify("x".into(), None)).await;
        assert!(abandoned.is_err());
        for _ in 0..200 {
            if pool.try_reserve().is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the place of an abandoned verification never came back");
    }
}
