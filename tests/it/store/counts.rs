//! The counts the admin console's dashboard reads, each one query whatever the table holds: audit events per kind
//! and outcome under a filter, accounts with a status, attempt counters at or past a number of failures.
use crate::common::a_user;
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::audit::{AuditCount, AuditEvent, AuditFilter, Outcome};
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::model::UserStatus;
use gatehouse::core::store::{AuditStore, ThrottleStore, UserStore};

fn count(kind: &str, outcome: Outcome, count: u64) -> AuditCount {
    AuditCount {
        kind: kind.into(),
        outcome,
        count,
    }
}

#[tokio::test]
async fn audit_events_are_counted_per_kind_and_outcome_under_the_filter() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let event = |kind: &str, outcome: Outcome, ago: Duration, subject: &str| AuditEvent {
            at: now - ago,
            kind: kind.into(),
            outcome,
            actor: Some("anonymous".into()),
            subject_user_id: Some(subject.into()),
            ip: None,
            user_agent: None,
            request_id: None,
            details: serde_json::json!({}),
        };
        let hour = Duration::hours(1);
        for e in [
            event("login.password", Outcome::Success, hour, "u1"),
            event("login.password", Outcome::Success, hour, "u2"),
            event("login.password", Outcome::Failure, hour, "u1"),
            event("login.second_factor", Outcome::Denied, hour, "u1"),
            // A day and more ago: outside the window.
            event("login.password", Outcome::Failure, Duration::hours(25), "u1"),
            event("user.created", Outcome::Success, hour, "u1"),
            // `_` is a LIKE wildcard: a prefix must match it literally.
            event("loginXpassword", Outcome::Success, hour, "u1"),
        ] {
            store.append_audit(&e).await.unwrap();
        }
        let day = AuditFilter {
            kind: Some("login.*".into()),
            since: Some(now - Duration::hours(24)),
            ..Default::default()
        };
        assert_eq!(
            store.count_audit(&day).await.unwrap(),
            [
                count("login.password", Outcome::Failure, 1),
                count("login.password", Outcome::Success, 2),
                count("login.second_factor", Outcome::Denied, 1),
            ],
            "{backend}: ordered by kind, then outcome; nothing outside the filter"
        );
        let one_user = AuditFilter {
            subject_user_id: Some("u2".into()),
            ..Default::default()
        };
        assert_eq!(
            store.count_audit(&one_user).await.unwrap(),
            [count("login.password", Outcome::Success, 1)],
            "{backend}"
        );
        let nothing = AuditFilter {
            outcome: Some(Outcome::Denied),
            kind: Some("user.created".into()),
            ..Default::default()
        };
        assert!(store.count_audit(&nothing).await.unwrap().is_empty(), "{backend}");
        // The counts agree with what the same filter lists.
        let listed = store.search_audit(&day, 100).await.unwrap().len() as u64;
        let counted: u64 = store.count_audit(&day).await.unwrap().iter().map(|c| c.count).sum();
        assert_eq!(listed, counted, "{backend}");
    }
}

#[tokio::test]
async fn accounts_are_counted_by_status_and_counters_by_prefix_and_failures() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        for (n, name) in ["ada", "bea", "cal"].iter().enumerate() {
            let user = a_user(
                &format!("00000000-0000-0000-0000-00000000000{n}"),
                name,
                &format!("{name}@example.com"),
            );
            store.insert_user(&user, &["user".into()]).await.unwrap();
        }
        store
            .set_status(
                "00000000-0000-0000-0000-000000000001",
                UserStatus::Disabled,
                SystemClock.now(),
            )
            .await
            .unwrap();
        assert_eq!(
            store.count_users_with_status(UserStatus::Disabled).await.unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            store.count_users_with_status(UserStatus::Active).await.unwrap(),
            2,
            "{backend}"
        );

        let now = SystemClock.now();
        for (key, failures) in [
            ("password:user:a", 100),
            ("password:user:b", 99),
            ("password:user:c", 250),
            ("password:x", 300),
            ("passwordXuser:d", 300),
        ] {
            store.create_attempt_counter(key).await.unwrap();
            assert!(store.bump_attempt_counter(key, 0, failures, now).await.unwrap());
        }
        assert_eq!(
            store.count_attempt_counters("password:user:", 100).await.unwrap(),
            2,
            "{backend}"
        );
        assert_eq!(
            store.count_attempt_counters("password:user:", 1).await.unwrap(),
            3,
            "{backend}"
        );
        assert_eq!(
            store.count_attempt_counters("password:", 300).await.unwrap(),
            1,
            "{backend}: prefix taken literally"
        );
        assert_eq!(
            store.count_attempt_counters("nothing:", 0).await.unwrap(),
            0,
            "{backend}"
        );
    }
}
