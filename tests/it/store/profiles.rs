//! The storage conformance suite, continued: account administration — profile fields written one at a time with
//! collisions named, a user's sessions listed, and deleting a user with everything stored for them (and nothing
//! of anyone else's). Every backend passes it, as in `accounts.rs`.
use crate::common::{a_factor_reset, a_refresh_grant, a_session, a_user};
use crate::store::common::backends;
use chrono::{DateTime, Duration, Utc};
use gatehouse::core::Error;
use gatehouse::core::audit::{AuditEvent, Outcome};
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::factors::{Factor, FactorKind, FactorStatus};
use gatehouse::core::model::{OneTimeToken, Session, TokenPurpose, User};
use gatehouse::core::oauth::{CodeGrant, DeviceAuthorization, DeviceStatus, Redemption};
use gatehouse::core::recovery::ResetState;
use gatehouse::core::signin::trusted_devices::device::TrustedDevice;
use gatehouse::core::store::{
    AuditStore, DeviceStore, FactorStore, FormerReport, IssuedToken, NewRefreshToken, OidcStore, ProfileChange,
    RecoveryStore, RpSession, RpStore, SessionStore, SmsCode, SmsCodeStore, ThrottleStore, TokenStore,
    TrustedDeviceStore, UserStore,
};
use gatehouse::store::SeaStore;

#[tokio::test]
async fn profile_fields_are_written_alone_and_collisions_are_named() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let ann = a_user("a1111111-1111-1111-1111-111111111111", "ann", "ann@example.com");
        let bob = a_user("b2222222-2222-2222-2222-222222222222", "bob", "bob@example.com");
        store.insert_user(&ann, &["user".into()]).await.unwrap();
        store.insert_user(&bob, &["user".into()]).await.unwrap();
        let later = ann.updated_at + Duration::minutes(1);

        for change in [
            ProfileChange::Username("anna"),
            ProfileChange::Email("Anna@Example.org"),
            ProfileChange::DisplayName("Anna A."),
            ProfileChange::Phone(Some("+41446681800")),
            ProfileChange::Manager(Some(&bob.id)),
        ] {
            assert!(
                store.update_profile(&ann.id, &change, later).await.unwrap(),
                "{backend}: {change:?}"
            );
        }
        let stored = store.user_by_id(&ann.id).await.unwrap().unwrap();
        assert_eq!(
            stored,
            User {
                username: "anna".into(),
                email: "Anna@Example.org".into(),
                display_name: "Anna A.".into(),
                phone: Some("+41446681800".into()),
                manager_id: Some(bob.id.clone()),
                updated_at: later,
                ..ann.clone()
            },
            "{backend}: each field written, nothing else (password, status, id) touched"
        );
        assert_eq!(
            store.user_by_email("anna@example.org").await.unwrap().map(|u| u.id),
            Some(ann.id.clone()),
            "{backend}: the address is found by its lower-case form"
        );
        assert!(store.user_by_username("ann").await.unwrap().is_none(), "{backend}");
        assert!(
            store.user_by_email("ann@example.com").await.unwrap().is_none(),
            "{backend}"
        );

        for change in [ProfileChange::Phone(None), ProfileChange::Manager(None)] {
            assert!(store.update_profile(&ann.id, &change, later).await.unwrap());
        }
        let cleared = store.user_by_id(&ann.id).await.unwrap().unwrap();
        assert_eq!((cleared.phone, cleared.manager_id), (None, None), "{backend}");

        match store
            .update_profile(&bob.id, &ProfileChange::Username("anna"), later)
            .await
        {
            Err(Error::Conflict(message)) => assert!(message.contains("username"), "{backend}: {message}"),
            other => panic!("{backend}: {other:?}"),
        }
        match store
            .update_profile(&bob.id, &ProfileChange::Email("ANNA@example.ORG"), later)
            .await
        {
            Err(Error::Conflict(message)) => assert!(message.contains("e-mail address"), "{backend}: {message}"),
            other => panic!("{backend}: {other:?}"),
        }
        assert_eq!(
            store.user_by_id(&bob.id).await.unwrap().as_ref(),
            Some(&bob),
            "{backend}: a refused change changes nothing"
        );
        assert!(
            !store
                .update_profile("no-such-user", &ProfileChange::DisplayName("x"), later)
                .await
                .unwrap(),
            "{backend}: no such user"
        );
        assert!(
            store
                .update_profile(&ann.id, &ProfileChange::Manager(Some("no-such-user")), later)
                .await
                .is_err(),
            "{backend}: a manager is a user (foreign key)"
        );
    }
}

#[tokio::test]
async fn a_users_sessions_are_listed_oldest_first() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let cy = a_user("c3333333-3333-3333-3333-333333333333", "cy", "cy@example.com");
        let di = a_user("d4444444-4444-4444-4444-444444444444", "di", "di@example.com");
        store.insert_user(&cy, &[]).await.unwrap();
        store.insert_user(&di, &[]).await.unwrap();
        let now = SystemClock.now();
        let newer = Session {
            id_hash: "1".repeat(64),
            ..a_session(&cy.id, now)
        };
        let older = Session {
            id_hash: "2".repeat(64),
            ip: Some("192.0.2.1".into()),
            user_agent: Some("Firefox".into()),
            ..a_session(&cy.id, now - Duration::hours(1))
        };
        store.insert_session(&newer).await.unwrap();
        store.insert_session(&older).await.unwrap();
        store
            .insert_session(&Session {
                id_hash: "3".repeat(64),
                ..a_session(&di.id, now)
            })
            .await
            .unwrap();
        assert_eq!(
            store.sessions_of_user(&cy.id).await.unwrap(),
            [older, newer],
            "{backend}"
        );
        assert!(store.sessions_of_user("nobody").await.unwrap().is_empty(), "{backend}");
    }
}

fn device_authorization(id: char, user_id: &str, now: DateTime<Utc>) -> DeviceAuthorization {
    DeviceAuthorization {
        device_code_hash: id.to_string().repeat(64),
        user_code_hash: format!("u{}", id.to_string().repeat(63)),
        client_id: "tv".into(),
        scope: "openid".into(),
        status: DeviceStatus::Pending,
        interval_secs: 5,
        polls: 0,
        last_polled_at: None,
        user_id: Some(user_id.into()),
        grant: None,
        created_at: now,
        expires_at: now + Duration::minutes(10),
    }
}

/// One of everything the store keeps about a user; `n` keeps the keys of two users apart.
async fn everything_of(store: &SeaStore, user: &User, n: char) {
    let now = SystemClock.now();
    let hash = |c: char| format!("{n}{}", c.to_string().repeat(63));
    let session = Session {
        id_hash: hash('s'),
        ..a_session(&user.id, now)
    };
    store.insert_session(&session).await.unwrap();
    let sms = Factor {
        data: serde_json::json!({ "phone": "+41446681800" }),
        ..Factor::new(
            &user.id,
            FactorKind::Sms,
            "Phone".into(),
            FactorStatus::Active,
            serde_json::json!({}),
            now,
        )
    };
    store.insert_factor(&sms).await.unwrap();
    store
        .replace_sms_code(
            &SmsCode {
                id: uuid::Uuid::new_v4().to_string(),
                factor_id: sms.id.clone(),
                session_hash: session.id_hash.clone(),
                code_hash: hash('c'),
                created_at: now,
                expires_at: now + Duration::minutes(5),
            },
            now,
        )
        .await
        .unwrap();
    let codes = Factor::new(
        &user.id,
        FactorKind::RecoveryCode,
        "Codes".into(),
        FactorStatus::Active,
        serde_json::json!({}),
        now,
    );
    store
        .replace_recovery_codes(&codes, &[hash('r'), hash('q')])
        .await
        .unwrap();
    store
        .put_trusted_device(&TrustedDevice {
            id: uuid::Uuid::new_v4().to_string(),
            browser_hash: hash('b'),
            user_id: user.id.clone(),
            user_agent: "Firefox".into(),
            created_at: now,
            trusted_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(30),
        })
        .await
        .unwrap();
    store.put_consent(&user.id, "app", "openid", now).await.unwrap();
    let grant = a_refresh_grant(&format!("sid-{n}"), now);
    store
        .insert_code(
            &hash('a'),
            "app",
            &user.id,
            &CodeGrant {
                redirect_uri: "https://app.example/cb".into(),
                code_challenge: None,
                nonce: None,
                scope: "openid".into(),
                auth_time: now,
                amr: vec!["pwd".into()],
                acr: grant.acr.clone(),
                sid: grant.sid.clone(),
                dpop_jkt: None,
                resource: None,
            },
            now,
            now + Duration::seconds(60),
        )
        .await
        .unwrap();
    let device = device_authorization(n, &user.id, now);
    store.insert_device_authorization(&device, now).await.unwrap();
    store
        .insert_token(&OneTimeToken {
            token_hash: hash('t'),
            purpose: TokenPurpose::PasswordReset,
            user_id: user.id.clone(),
            created_at: now,
            expires_at: now + Duration::minutes(30),
            used_at: None,
        })
        .await
        .unwrap();
    store.insert_factor_reset(&a_factor_reset(&user.id, now)).await.unwrap();
    store
        .insert_factor_reset(&gatehouse::core::recovery::FactorResetRequest {
            state: ResetState::Done,
            ..a_factor_reset(&user.id, now - Duration::days(30))
        })
        .await
        .unwrap();
    store
        .create_attempt_counter(&format!("password:user:{}", user.id))
        .await
        .unwrap();
    store
        .insert_refresh_token(&NewRefreshToken {
            token_hash: &hash('f'),
            family_id: &hash('g'),
            client_id: "app",
            user_id: &user.id,
            grant: &grant,
            now,
            family_expires_at: now + Duration::days(1),
        })
        .await
        .unwrap();
    store
        .insert_issued_token(&IssuedToken {
            jti_hash: &hash('j'),
            client_id: "app",
            user_id: &user.id,
            code_hash: None,
            family_id: Some(&hash('g')),
            sid: Some(&grant.sid),
            expires_at: now + Duration::minutes(10),
        })
        .await
        .unwrap();
    store
        .add_rp_session(&RpSession {
            sid: grant.sid.clone(),
            client_id: "app".into(),
            session_hash: session.id_hash.clone(),
            user_id: user.id.clone(),
            created_at: now,
        })
        .await
        .unwrap();
    store
        .append_audit(&AuditEvent {
            at: now,
            kind: "user.created".into(),
            outcome: Outcome::Success,
            actor: Some("cli:test".into()),
            subject_user_id: Some(user.id.clone()),
            ip: None,
            user_agent: None,
            request_id: None,
            details: serde_json::json!({ "username": user.username }),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn deleting_a_user_removes_everything_of_theirs_and_nothing_else() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let gone = a_user("e5555555-5555-5555-5555-555555555555", "gone", "Gone@example.com");
        let stays = a_user("f6666666-6666-6666-6666-666666666666", "stays", "stays@example.com");
        let report = User {
            manager_id: Some(gone.id.clone()),
            ..a_user("a7777777-7777-7777-7777-777777777777", "report", "report@example.com")
        };
        let gone_roles = ["helpdesk".to_string(), "user".to_string()];
        store.insert_user(&gone, &gone_roles).await.unwrap();
        store.insert_user(&stays, &["user".into()]).await.unwrap();
        store.insert_user(&report, &["user".into()]).await.unwrap();
        everything_of(&store, &gone, 'x').await;
        everything_of(&store, &stays, 'y').await;
        let gone_factors = store.factors_of(&gone.id).await.unwrap();

        let deleted = store.delete_user(&gone.id, now).await.unwrap().expect("deleted");
        assert_eq!(deleted.roles, gone_roles, "{backend}");
        assert_eq!(
            deleted.reports,
            [FormerReport {
                id: report.id.clone(),
                username: "report".into()
            }],
            "{backend}"
        );
        assert_eq!(
            (
                deleted.sessions,
                deleted.factors,
                deleted.recovery_codes,
                deleted.trusted_devices
            ),
            (1, 2, 2, 1),
            "{backend}: {deleted:?}"
        );
        assert_eq!(
            (
                deleted.consents,
                deleted.authorization_codes,
                deleted.device_authorizations,
                deleted.password_links
            ),
            (1, 1, 1, 1),
            "{backend}: {deleted:?}"
        );
        assert_eq!(
            (
                deleted.factor_resets,
                deleted.open_factor_resets,
                deleted.attempt_counters,
                deleted.tokens_revoked
            ),
            (2, 1, 1, 2),
            "{backend}: {deleted:?}"
        );

        // Gone: the user and every row that named them.
        assert!(store.user_by_id(&gone.id).await.unwrap().is_none(), "{backend}");
        assert!(store.sessions_of_user(&gone.id).await.unwrap().is_empty(), "{backend}");
        assert!(store.factors_of(&gone.id).await.unwrap().is_empty(), "{backend}");
        for factor in &gone_factors {
            assert!(
                store.factor_of(&gone.id, &factor.id).await.unwrap().is_none(),
                "{backend}"
            );
        }
        assert_eq!(store.remaining_recovery_codes(&gone.id).await.unwrap(), 0, "{backend}");
        assert!(
            store.trusted_devices_of(&gone.id).await.unwrap().is_empty(),
            "{backend}"
        );
        assert!(store.consent(&gone.id, "app").await.unwrap().is_none(), "{backend}");
        assert!(
            matches!(
                store.redeem_code(&format!("x{}", "a".repeat(63)), now).await.unwrap(),
                Redemption::Invalid
            ),
            "{backend}: the unredeemed code is gone"
        );
        assert!(
            store.device_authorization(&"x".repeat(64)).await.unwrap().is_none(),
            "{backend}"
        );
        assert!(
            store
                .token_by_hash(&format!("x{}", "t".repeat(63)))
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert!(
            store
                .list_factor_resets(Some(&gone.id), false)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert!(store.roles_of(&gone.id).await.unwrap().is_empty(), "{backend}");
        assert!(
            store
                .attempt_counter(&format!("password:user:{}", gone.id))
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        // Revoked, not forgotten: a replay is still recognised.
        let refresh = store
            .refresh_token_info(&format!("x{}", "f".repeat(63)), now)
            .await
            .unwrap()
            .expect("the revoked refresh token is still known");
        assert!(!refresh.active, "{backend}");
        assert!(
            !store.token_active(&format!("x{}", "j".repeat(63)), now).await.unwrap(),
            "{backend}"
        );
        // Kept: the audit trail, and the sign-in record the back-channel sweep needs to log the relying party out.
        assert_eq!(
            store.list_audit(Some(&gone.id), 10).await.unwrap().len(),
            1,
            "{backend}"
        );
        let ended = store
            .ended_rp_sessions(now, now - Duration::hours(2), 10)
            .await
            .unwrap();
        assert_eq!(
            ended.iter().map(|r| r.user_id.as_str()).collect::<Vec<_>>(),
            [gone.id.as_str()],
            "{backend}: the deleted user's sign-in is found ended, the other user's is live"
        );
        let report_now = store.user_by_id(&report.id).await.unwrap().unwrap();
        assert_eq!(
            (report_now.manager_id, report_now.updated_at),
            (None, now),
            "{backend}: the report has no manager now, a change of their profile"
        );

        // The bystander keeps everything.
        assert_eq!(store.sessions_of_user(&stays.id).await.unwrap().len(), 1, "{backend}");
        assert_eq!(store.factors_of(&stays.id).await.unwrap().len(), 2, "{backend}");
        assert_eq!(store.remaining_recovery_codes(&stays.id).await.unwrap(), 2, "{backend}");
        assert_eq!(store.trusted_devices_of(&stays.id).await.unwrap().len(), 1, "{backend}");
        assert!(store.consent(&stays.id, "app").await.unwrap().is_some(), "{backend}");
        assert!(
            store.device_authorization(&"y".repeat(64)).await.unwrap().is_some(),
            "{backend}"
        );
        assert_eq!(
            store.list_factor_resets(Some(&stays.id), false).await.unwrap().len(),
            2,
            "{backend}"
        );
        assert!(
            store
                .attempt_counter(&format!("password:user:{}", stays.id))
                .await
                .unwrap()
                .is_some(),
            "{backend}"
        );
        assert!(
            store.token_active(&format!("y{}", "j".repeat(63)), now).await.unwrap(),
            "{backend}"
        );
        assert_eq!(store.roles_of(&stays.id).await.unwrap(), ["user"], "{backend}");

        // The username and the address are free for a new account, which shares nothing with the old one.
        let again = a_user("a8888888-8888-8888-8888-888888888888", "gone", "gone@example.com");
        store.insert_user(&again, &["user".into()]).await.unwrap();
        assert!(store.factors_of(&again.id).await.unwrap().is_empty(), "{backend}");
        assert!(
            store.list_audit(Some(&again.id), 10).await.unwrap().is_empty(),
            "{backend}"
        );

        assert!(
            store.delete_user(&gone.id, now).await.unwrap().is_none(),
            "{backend}: deleted once"
        );
        let sms_left = store
            .use_sms_code(
                &gone_factors[0].id,
                &format!("x{}", "s".repeat(63)),
                &format!("x{}", "c".repeat(63)),
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            sms_left,
            gatehouse::core::store::CodeUse::Unknown,
            "{backend}: the factor's codes went with it"
        );
    }
}
