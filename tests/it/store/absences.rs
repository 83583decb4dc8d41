//! The storage conformance suite, continued: absences (`manager_absences`) and the approval route a factor-reset
//! request keeps. Every backend passes it, as in `accounts.rs`.
use crate::common::{a_factor_reset, a_user};
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::recovery::route::{Absence, ApprovalRoute, Position, Skip, Step};
use gatehouse::core::store::{RecoveryStore, UserStore};

#[tokio::test]
async fn absences_replace_end_and_go_with_their_people() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let ann = a_user("a1111111-1111-1111-1111-111111111111", "ann", "ann@example.com");
        let bob = a_user("b2222222-2222-2222-2222-222222222222", "bob", "bob@example.com");
        let cat = a_user("c3333333-3333-3333-3333-333333333333", "cat", "cat@example.com");
        for user in [&ann, &bob, &cat] {
            store.insert_user(user, &["user".into()]).await.unwrap();
        }
        let now = ann.created_at;
        let away = |user: &str, delegate: Option<&str>, until| Absence {
            user_id: user.into(),
            delegate_id: delegate.map(str::to_string),
            until,
            set_by: "cli:root".into(),
            created_at: now,
        };
        store.put_absence(&away(&ann.id, Some(&bob.id), None)).await.unwrap();
        // A second one replaces the first.
        let ann_away = away(&ann.id, Some(&cat.id), Some(now + Duration::hours(1)));
        store.put_absence(&ann_away).await.unwrap();
        assert_eq!(
            store.absence_of(&ann.id).await.unwrap(),
            Some(ann_away.clone()),
            "{backend}"
        );
        store.put_absence(&away(&bob.id, Some(&cat.id), None)).await.unwrap();

        // In force: until cleared, or ending after `now` — not at it.
        let in_force = |at| {
            let store = store.clone();
            async move {
                let mut ids: Vec<String> = store
                    .absences_in_force(at)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|a| a.user_id)
                    .collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(in_force(now).await, [ann.id.clone(), bob.id.clone()], "{backend}");
        assert_eq!(
            in_force(now + Duration::hours(1)).await,
            vec![bob.id.clone()],
            "{backend}"
        );

        // Deleting the delegate clears them from others' absences; deleting the person removes theirs.
        store.delete_user(&cat.id, now).await.unwrap().expect("deleted");
        assert_eq!(
            store.absence_of(&ann.id).await.unwrap().unwrap().delegate_id,
            None,
            "{backend}"
        );
        assert_eq!(
            store.absence_of(&bob.id).await.unwrap().unwrap().delegate_id,
            None,
            "{backend}"
        );
        store.delete_user(&bob.id, now).await.unwrap().expect("deleted");
        assert_eq!(store.absence_of(&bob.id).await.unwrap(), None, "{backend}");
        assert!(store.delete_absence(&ann.id).await.unwrap(), "{backend}");
        assert!(!store.delete_absence(&ann.id).await.unwrap(), "{backend}: already gone");
    }
}

#[tokio::test]
async fn a_request_keeps_its_route() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let ann = a_user("a1111111-1111-1111-1111-111111111111", "ann", "ann@example.com");
        store.insert_user(&ann, &["user".into()]).await.unwrap();
        let route = ApprovalRoute {
            steps: vec![
                Step {
                    user: Some("m".into()),
                    position: Position::Manager,
                    delegate_of: None,
                    skipped: Some(Skip::Absent),
                },
                Step {
                    user: Some("d".into()),
                    position: Position::Delegate,
                    delegate_of: Some("m".into()),
                    skipped: None,
                },
            ],
            approver_id: Some("d".into()),
            role: None,
        };
        let routed = gatehouse::core::recovery::FactorResetRequest {
            route: Some(route),
            ..a_factor_reset(&ann.id, ann.created_at)
        };
        store.insert_factor_reset(&routed).await.unwrap();
        let to_role = gatehouse::core::recovery::FactorResetRequest {
            route: Some(ApprovalRoute {
                role: Some("admin".into()),
                ..Default::default()
            }),
            ..a_factor_reset(&ann.id, ann.created_at)
        };
        store.insert_factor_reset(&to_role).await.unwrap();
        let before_routing = a_factor_reset(&ann.id, ann.created_at);
        store.insert_factor_reset(&before_routing).await.unwrap();
        for request in [routed, to_role, before_routing] {
            let stored = store.factor_reset(&request.id).await.unwrap().unwrap();
            assert_eq!(stored.route, request.route, "{backend}");
        }
    }
}
