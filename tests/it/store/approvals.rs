//! The storage conformance suite, continued: cross-device sign-in approval prompts (`sign_in_approvals`). Every
//! backend passes it, as in `accounts.rs`.
use crate::common::a_user;
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::signin::approval::{ApprovalState, SignInApproval};
use gatehouse::core::store::{ApprovalStore, UserStore};

#[tokio::test]
async fn prompts_round_trip_and_are_answered_used_or_ignored_once() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let ada = a_user("b1111111-1111-1111-1111-111111111111", "ada", "ada@example.com");
        store.insert_user(&ada, &["user".into()]).await.unwrap();
        let now = ada.created_at;
        let prompt = |session: &str, at| SignInApproval {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: ada.id.clone(),
            pending_session: session.to_string(),
            number: 42,
            choices: [17, 42, 88],
            state: ApprovalState::Pending,
            ip: Some("192.0.2.7".into()),
            user_agent: Some("Firefox".into()),
            created_at: at,
            expires_at: at + Duration::minutes(2),
            answered_at: None,
            approver_session: None,
        };
        let first = prompt("s1", now);
        let second = prompt("s2", now + Duration::seconds(30));
        let later = prompt("s1", now + Duration::minutes(5));
        for p in [&first, &second, &later] {
            store.insert_sign_in_approval(p).await.unwrap();
        }
        assert_eq!(
            store.sign_in_approval(&first.id).await.unwrap().as_ref(),
            Some(&first),
            "{backend}"
        );
        assert!(store.sign_in_approval("unknown").await.unwrap().is_none());
        let of_s1 = store.sign_in_approval_of("s1").await.unwrap();
        assert_eq!(
            of_s1.map(|p| p.id),
            Some(later.id.clone()),
            "{backend}: the latest of a session"
        );
        let recent = store.recent_sign_in_approvals(&ada.id, now, 2).await.unwrap();
        let ids: Vec<_> = recent.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [later.id.as_str(), second.id.as_str()],
            "{backend}: newest first, limited"
        );

        // One answer wins; none after the end.
        let at = now + Duration::minutes(1);
        assert!(
            store
                .answer_sign_in_approval(&first.id, ApprovalState::Approved, "a", at)
                .await
                .unwrap()
        );
        assert!(
            !store
                .answer_sign_in_approval(&first.id, ApprovalState::Denied, "b", at)
                .await
                .unwrap()
        );
        let end = now + Duration::minutes(3);
        assert!(
            !store
                .answer_sign_in_approval(&second.id, ApprovalState::Approved, "a", end)
                .await
                .unwrap()
        );
        let answered = store.sign_in_approval(&first.id).await.unwrap().unwrap();
        assert_eq!(answered.state, ApprovalState::Approved, "{backend}");
        assert_eq!(answered.approver_session.as_deref(), Some("a"), "{backend}");
        assert_eq!(answered.answered_at, Some(at), "{backend}");
        // Used once; only an approved one.
        assert!(store.use_sign_in_approval(&first.id).await.unwrap());
        assert!(
            !store.use_sign_in_approval(&first.id).await.unwrap(),
            "{backend}: used once"
        );
        assert!(
            !store.use_sign_in_approval(&second.id).await.unwrap(),
            "{backend}: never approved"
        );
        // Overdue pending prompts are ignored, once; a prompt still running is not.
        assert_eq!(
            store.ignore_overdue_sign_in_approvals(&ada.id, end).await.unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            store.ignore_overdue_sign_in_approvals(&ada.id, end).await.unwrap(),
            0,
            "{backend}"
        );
        let second_now = store.sign_in_approval(&second.id).await.unwrap().unwrap();
        let later_now = store.sign_in_approval(&later.id).await.unwrap().unwrap();
        assert_eq!(second_now.state, ApprovalState::Ignored, "{backend}");
        assert_eq!(later_now.state, ApprovalState::Pending, "{backend}");
    }
}
