//! The bound on password hashing. Anyone can make the server hash a password (a sign-in with any username
//! costs one argon2id verification, on purpose), and each hash holds 19 MiB for ~15 ms of a core. Run
//! without a bound, a few dozen concurrent anonymous sign-ins took a server from 30 MB to almost 5 GB.
//!
//! So hashing runs on a fixed number of dedicated threads (about one per core: more cannot finish sooner),
//! each reusing one [`Memory`] for its life. A request first reserves a place: one of `workers + queue`.
//! When none is free it fails at once with [`Error::Busy`] (`503` with `Retry-After`) instead of waiting in
//! an unbounded line; a caller that gives up while queued frees its place without the hash being computed.
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use super::password::{self, Memory, Verdict};
use super::{Error, Result};

/// The wait a busy answer suggests: a queue drains in well under a second, so a few seconds spread retries.
pub const BUSY_RETRY_SECS: u64 = 2;

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

pub struct PasswordPool {
    places: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    workers: usize,
    queue: usize,
}

/// A reserved place in the pool: the right to have one hash computed. Dropping it unused frees the place.
pub struct Slot {
    permit: OwnedSemaphorePermit,
    jobs: mpsc::Sender<Job>,
}

impl PasswordPool {
    /// Starts `workers` hashing threads (at least one) that take at most `queue` waiting jobs beyond those
    /// being computed. The threads end when the pool and its last slot are dropped.
    pub fn new(workers: usize, queue: usize) -> std::io::Result<PasswordPool> {
        let workers = workers.max(1);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(&receiver))?;
        }
        Ok(PasswordPool {
            places: Arc::new(Semaphore::new(workers + queue)),
            jobs,
            workers,
            queue,
        })
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    pub fn queue(&self) -> usize {
        self.queue
    }

    /// Reserves a place, or answers [`Error::Busy`] at once when every place is taken.
    pub fn try_reserve(&self) -> Result<Slot> {
        let permit = self.places.clone().try_acquire_owned().map_err(|_| Error::Busy {
            retry_after_secs: BUSY_RETRY_SECS,
        })?;
        Ok(Slot {
            permit,
            jobs: self.jobs.clone(),
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

impl Slot {
    pub async fn hash(self, password: String) -> Result<String> {
        self.run(move |memory| password::hash_with(&password, memory)).await?
    }

    pub async fn verify(self, password: String, stored: Option<String>) -> Result<Verdict> {
        self.run(move |memory| password::verify_or_dummy(&password, stored.as_deref(), memory))
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
        self.jobs
            .send(job)
            .map_err(|_| Error::Internal("the password hashing threads have stopped".into()))?;
        answered
            .await
            .map_err(|_| Error::Internal("a password hashing job failed".into()))
    }
}

/// One hashing thread: takes jobs until the pool is gone, always with the same memory.
fn work(jobs: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = Memory::default();
    loop {
        let next = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = next else {
            return;
        };
        // A panicking job loses its answer (its caller gets an internal error), not the thread.
        if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory))).is_err() {
            memory = Memory::default();
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
