//! The storage conformance suite, continued: caller-verification prompts and overrides
//! (`caller_verifications`, `caller_verification_overrides`). Every backend passes it, as in `accounts.rs`.
use crate::common::{a_factor_reset, a_user};
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::recovery::verify::{CallerVerification, Channel, Override, Target, VerifyState};
use gatehouse::core::store::{CallerVerificationStore, RecoveryStore, UserStore};

#[tokio::test]
async fn prompts_are_answered_or_timed_out_once_counted_and_overridden_once() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let kim = a_user("a1111111-1111-1111-1111-111111111111", "kim", "kim@example.com");
        store.insert_user(&kim, &["user".into()]).await.unwrap();
        let now = kim.created_at;
        let request = a_factor_reset(&kim.id, now);
        store.insert_factor_reset(&request).await.unwrap();
        let prompt = |n: u8, at| CallerVerification {
            id: uuid::Uuid::new_v4().to_string(),
            request_id: request.id.clone(),
            target: Target::User,
            target_user_id: kim.id.clone(),
            channel: Channel::Sms,
            sent_by: "hugo".into(),
            token_hash: format!("{n:064}"),
            number: 42,
            choices: [17, 42, 99],
            state: VerifyState::Pending,
            created_at: at,
            expires_at: at + Duration::minutes(5),
            answered_at: None,
        };
        let first = prompt(1, now);
        let second = prompt(2, now + Duration::minutes(1));
        store.insert_caller_verification(&first).await.unwrap();
        store.insert_caller_verification(&second).await.unwrap();
        let found = store.caller_verification_by_token(&first.token_hash).await.unwrap();
        assert_eq!(found.as_ref(), Some(&first), "{backend}: round trip");
        assert!(store.caller_verification_by_token("unknown").await.unwrap().is_none());
        let listed = store.caller_verifications_of(&request.id).await.unwrap();
        assert_eq!(listed, [first.clone(), second.clone()], "{backend}: oldest first");

        let since = |m| now + Duration::minutes(m);
        let count = |request: Option<String>, by: Option<&'static str>, at| {
            let store = store.clone();
            async move {
                store
                    .count_caller_verifications(request.as_deref(), by, at)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(count(Some(request.id.clone()), None, since(0)).await, 2, "{backend}");
        assert_eq!(count(Some(request.id.clone()), None, since(1)).await, 1, "{backend}");
        assert_eq!(count(None, Some("hugo"), since(0)).await, 2, "{backend}");
        assert_eq!(count(None, Some("hana"), since(0)).await, 0, "{backend}");

        // One answer wins; none after the end; a time-out only after the end, once.
        let at = now + Duration::minutes(2);
        assert!(
            store
                .answer_caller_verification(&first.id, VerifyState::Passed, at)
                .await
                .unwrap()
        );
        assert!(
            !store
                .answer_caller_verification(&first.id, VerifyState::Mismatch, at)
                .await
                .unwrap()
        );
        assert!(
            !store
                .time_out_caller_verification(&first.id, now + Duration::hours(1))
                .await
                .unwrap()
        );
        let answered = store.caller_verification(&first.id).await.unwrap().unwrap();
        assert_eq!(
            (answered.state, answered.answered_at),
            (VerifyState::Passed, Some(at)),
            "{backend}"
        );
        let end = second.expires_at;
        assert!(
            !store
                .answer_caller_verification(&second.id, VerifyState::Passed, end)
                .await
                .unwrap()
        );
        assert!(
            !store
                .time_out_caller_verification(&second.id, end - Duration::seconds(1))
                .await
                .unwrap()
        );
        let overdue = store.overdue_caller_verifications(end).await.unwrap();
        let overdue: Vec<&str> = overdue.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(overdue, [second.id.as_str()], "{backend}");
        assert!(store.time_out_caller_verification(&second.id, end).await.unwrap());
        assert!(!store.time_out_caller_verification(&second.id, end).await.unwrap());
        assert!(store.overdue_caller_verifications(end).await.unwrap().is_empty());

        // One override per request.
        let o = Override {
            request_id: request.id.clone(),
            by: "hana".into(),
            reason: "seen in person".into(),
            at: now,
        };
        assert!(store.verify_override(&request.id).await.unwrap().is_none());
        assert!(store.insert_verify_override(&o).await.unwrap(), "{backend}");
        let again = Override {
            by: "abe".into(),
            ..o.clone()
        };
        assert!(!store.insert_verify_override(&again).await.unwrap(), "{backend}");
        assert_eq!(store.verify_override(&request.id).await.unwrap(), Some(o), "{backend}");
    }
}
