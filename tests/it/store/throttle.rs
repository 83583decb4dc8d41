//! The storage conformance suite, attempt counters (`ThrottleStore`) and the throttle over them: every backend
//! (SQLite always, PostgreSQL when configured) must pass it.
use crate::store::common::backends;
use gatehouse::core::Error;
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::store::{Store, ThrottleStore};

#[tokio::test]
async fn attempt_counters_compare_and_swap() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        assert!(store.attempt_counter("k").await.unwrap().is_none());
        store.create_attempt_counter("k").await.unwrap();
        store.create_attempt_counter("k").await.unwrap();
        assert_eq!(store.attempt_counter("k").await.unwrap(), Some((0, None)));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store.bump_attempt_counter("k", 0, 1, SystemClock.now()).await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            wins += task.await.unwrap().expect("no error under concurrency") as u32;
        }
        assert_eq!(wins, 1, "{backend}: one swap from the same value");
        assert!(store.bump_attempt_counter("k", 1, 2, now).await.unwrap());
        assert_eq!(store.attempt_counter("k").await.unwrap(), Some((2, Some(now))));
        store.reset_attempt_counter("k").await.unwrap();
        assert_eq!(store.attempt_counter("k").await.unwrap().unwrap().0, 0);

        // A first attempt creates its counter already holding it: of concurrent first attempts one creates it, and
        // the others find it there (and go on to compare-and-swap).
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store.start_attempt_counter("fresh", 1, now).await
            }));
        }
        let mut created = 0;
        for task in tasks {
            created += task.await.unwrap().expect("no error under concurrency") as u32;
        }
        assert_eq!(created, 1, "{backend}: one creation");
        assert_eq!(store.attempt_counter("fresh").await.unwrap(), Some((1, Some(now))));
        assert!(
            !store.start_attempt_counter("k", 5, now).await.unwrap(),
            "{backend}: an existing counter is left alone"
        );
        assert_eq!(store.attempt_counter("k").await.unwrap().unwrap().0, 0, "{backend}");
    }
}

#[tokio::test]
async fn concurrent_first_attempts_on_a_new_key_are_each_counted() {
    use gatehouse::core::throttle::{self, Policy};
    use std::sync::Arc;
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let store: Arc<dyn Store> = store;
        let now = SystemClock.now();
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                throttle::begin(store.as_ref(), &Policy::PASSWORD, "new-key", now).await
            }));
        }
        let mut numbers = Vec::new();
        let mut refused = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(attempt) => numbers.push(attempt.number),
                Err(Error::TooManyAttempts { .. }) => refused += 1,
                Err(other) => panic!("{backend}: {other:?}"),
            }
        }
        numbers.sort();
        assert_eq!(numbers, [1, 2, 3, 4, 5], "{backend}: the five free attempts, each once");
        assert_eq!(refused, 7, "{backend}");
        assert_eq!(
            store.attempt_counter("new-key").await.unwrap().map(|c| c.0),
            Some(5),
            "{backend}"
        );
    }
}
