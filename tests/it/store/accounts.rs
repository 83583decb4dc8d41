//! The storage conformance suite: every backend (SQLite always, PostgreSQL when configured) must pass it.
use crate::common::{a_session, a_user};
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::Error;
use gatehouse::core::audit::{AuditEvent, Outcome};
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::factors::{Factor, FactorKind, FactorStatus};
use gatehouse::core::model::{OneTimeToken, Session, SessionState, TokenPurpose, UserStatus};
use gatehouse::core::policy::RolePolicy;
use gatehouse::core::store::{
    AuditStore, CodeUse, FactorStore, OidcStore, PolicyStore, SessionStore, SmsCode, SmsCodeStore, Store, TokenStore,
    UserStore,
};
use sea_orm::{ConnectionTrait, Database};

#[tokio::test]
async fn users_roles_and_uniqueness() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let roles: Vec<String> = store.list_roles().await.unwrap().into_iter().map(|r| r.name).collect();
        assert_eq!(roles, ["admin", "helpdesk", "user"], "{backend}: built-in roles");

        let u = a_user("11111111-1111-1111-1111-111111111111", "uma", "Uma@Example.com");
        store.insert_user(&u, &["user".into()]).await.unwrap();
        assert_eq!(
            store.user_by_id(&u.id).await.unwrap().as_ref(),
            Some(&u),
            "{backend}: round trip"
        );
        assert_eq!(
            store.user_by_username("uma").await.unwrap().map(|x| x.id),
            Some(u.id.clone())
        );
        assert_eq!(
            store.user_by_email("uma@example.com").await.unwrap().map(|x| x.id),
            Some(u.id.clone())
        );

        let same_name = a_user("22222222-2222-2222-2222-222222222222", "uma", "other@example.com");
        assert!(
            matches!(store.insert_user(&same_name, &[]).await, Err(Error::Conflict(_))),
            "{backend}"
        );
        let same_mail = a_user("33333333-3333-3333-3333-333333333333", "other", "UMA@example.com");
        assert!(
            matches!(store.insert_user(&same_mail, &[]).await, Err(Error::Conflict(_))),
            "{backend}: e-mail unique regardless of case"
        );
        let bad_role = a_user("44444444-4444-4444-4444-444444444444", "vic", "vic@example.com");
        assert!(
            store.insert_user(&bad_role, &["nope".into()]).await.is_err(),
            "{backend}: unknown role"
        );
        assert!(
            store.user_by_username("vic").await.unwrap().is_none(),
            "{backend}: a failed insert leaves nothing behind"
        );

        assert!(store.add_role(&u.id, "helpdesk", SystemClock.now()).await.unwrap());
        assert!(
            !store.add_role(&u.id, "helpdesk", SystemClock.now()).await.unwrap(),
            "{backend}: adding twice is a no-op"
        );
        assert_eq!(store.roles_of(&u.id).await.unwrap(), ["helpdesk", "user"]);
        assert_eq!(store.count_users_with_role("helpdesk").await.unwrap(), 1);
        assert!(store.remove_role(&u.id, "helpdesk").await.unwrap());
        assert!(!store.remove_role(&u.id, "helpdesk").await.unwrap());

        store
            .set_status(&u.id, UserStatus::Disabled, SystemClock.now())
            .await
            .unwrap();
        assert_eq!(
            store.user_by_id(&u.id).await.unwrap().unwrap().status,
            UserStatus::Disabled
        );
        store
            .set_password_hash(&u.id, "new-hash", None, SystemClock.now())
            .await
            .unwrap();
        let changed = store.user_by_id(&u.id).await.unwrap().unwrap();
        assert_eq!(changed.password_hash.as_deref(), Some("new-hash"));
        assert_eq!(
            changed.password_changed_at, u.password_changed_at,
            "{backend}: a rehash is not a password change"
        );
        assert_eq!(store.list_users().await.unwrap().len(), 1);
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn sessions_round_trip_and_end() {
    for (_db, store) in backends().await {
        let u = a_user("55555555-5555-5555-5555-555555555555", "wes", "wes@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let now = SystemClock.now();
        let mut session = Session {
            ip: Some("127.0.0.1".into()),
            user_agent: Some("test".into()),
            ..a_session(&u.id, now)
        };
        // When each level was proven round-trips too (`core::policy::acr_age`).
        use gatehouse::core::policy::acr_age::Proofs;
        session
            .proofs
            .record(gatehouse::core::policy::assurance::PHISHING_RESISTANT, now);
        store.insert_session(&session).await.unwrap();
        store
            .insert_session(&Session {
                id_hash: "b".repeat(64),
                ..session.clone()
            })
            .await
            .unwrap();
        assert_eq!(
            store.session_by_hash(&session.id_hash).await.unwrap().as_ref(),
            Some(&session)
        );
        let later = now + Duration::minutes(5);
        store.touch_session(&session.id_hash, later).await.unwrap();
        assert_eq!(
            store
                .session_by_hash(&session.id_hash)
                .await
                .unwrap()
                .unwrap()
                .last_seen_at,
            later
        );
        store.delete_session(&session.id_hash).await.unwrap();
        assert!(store.session_by_hash(&session.id_hash).await.unwrap().is_none());
        assert_eq!(store.end_sign_ins_of_user(&u.id, later).await.unwrap(), 1);
        assert_eq!(store.count_sessions_of_user(&u.id).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_session_is_read_with_its_user_and_its_roles_with_their_policies() {
    use gatehouse::core::model::Role;
    use gatehouse::core::store::PolicyStore;
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        // A role nobody configured a policy for comes back too, without one (it restricts nothing).
        let auditors = Role {
            name: "auditors".into(),
            description: "Read the audit log".into(),
            builtin: false,
        };
        store.insert_role(&auditors, now).await.unwrap();
        let u = a_user("56565656-5656-5656-5656-565656565656", "ida", "ida@example.com");
        store
            .insert_user(&u, &["helpdesk".into(), "user".into(), "auditors".into()])
            .await
            .unwrap();
        let session = a_session(&u.id, now);
        store.insert_session(&session).await.unwrap();

        let context = store.session_context(&session.id_hash).await.unwrap().unwrap();
        assert_eq!(context.session, session, "{backend}");
        assert_eq!(context.user.as_ref(), Some(&u), "{backend}");
        assert_eq!(
            context.roles,
            store.roles_with_policies_of_user(&u.id).await.unwrap(),
            "{backend}"
        );
        let roles: Vec<_> = context
            .roles
            .iter()
            .map(|held| (held.role.as_str(), held.policy.as_ref().map(|p| p.role.as_str())))
            .collect();
        assert_eq!(
            roles,
            [
                ("auditors", None),
                ("helpdesk", Some("helpdesk")),
                ("user", Some("user"))
            ],
            "{backend}: one per role, by name, each with its own stored policy"
        );

        // A user without roles: the session and user, no policies.
        let bare = a_user("57575757-5757-5757-5757-575757575757", "jon", "jon@example.com");
        store.insert_user(&bare, &[]).await.unwrap();
        let other = Session {
            id_hash: "e".repeat(64),
            ..a_session(&bare.id, now)
        };
        store.insert_session(&other).await.unwrap();
        let context = store.session_context(&other.id_hash).await.unwrap().unwrap();
        assert_eq!(context.user.map(|u| u.id), Some(bare.id.clone()), "{backend}");
        assert!(context.roles.is_empty(), "{backend}");

        assert!(
            store.session_context(&"f".repeat(64)).await.unwrap().is_none(),
            "{backend}: unknown"
        );
    }
}

#[tokio::test]
async fn single_use_tokens_hold_under_concurrency() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let u = a_user("66666666-6666-6666-6666-666666666666", "xan", "xan@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let now = SystemClock.now();
        let token = OneTimeToken {
            token_hash: "c".repeat(64),
            purpose: TokenPurpose::PasswordReset,
            user_id: u.id.clone(),
            created_at: now,
            expires_at: now + Duration::minutes(30),
            used_at: None,
        };
        store.insert_token(&token).await.unwrap();
        assert!(
            store
                .redeem_password_token(&token.token_hash, &[TokenPurpose::InitialSetup], "h", now)
                .await
                .unwrap()
                .is_none(),
            "{backend}: wrong purpose"
        );
        assert!(
            store
                .redeem_password_token(
                    &token.token_hash,
                    &[TokenPurpose::PasswordReset],
                    "h",
                    now + Duration::minutes(31)
                )
                .await
                .unwrap()
                .is_none(),
            "{backend}: expired"
        );

        let mut tasks = Vec::new();
        for i in 0..20 {
            let store = store.clone();
            let hash = token.token_hash.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .redeem_password_token(
                        &hash,
                        &[TokenPurpose::PasswordReset],
                        &format!("hash-{i}"),
                        SystemClock.now(),
                    )
                    .await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            if task.await.unwrap().expect("no error under concurrency").is_some() {
                wins += 1;
            }
        }
        assert_eq!(wins, 1, "{backend}: exactly one redemption");
        assert!(
            store
                .token_by_hash(&token.token_hash)
                .await
                .unwrap()
                .unwrap()
                .used_at
                .is_some()
        );

        let second = OneTimeToken {
            token_hash: "d".repeat(64),
            ..token.clone()
        };
        store.insert_token(&second).await.unwrap();
        assert_eq!(
            store
                .revoke_tokens(&u.id, TokenPurpose::PasswordReset, now)
                .await
                .unwrap(),
            1
        );
        assert!(
            store
                .redeem_password_token(&second.token_hash, &[TokenPurpose::PasswordReset], "h", now)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    for (db, store) in backends().await {
        let backend = store.backend_name();
        for kind in ["first", "second"] {
            store
                .append_audit(&AuditEvent {
                    at: SystemClock.now(),
                    kind: kind.into(),
                    outcome: Outcome::Success,
                    actor: Some("cli:test".into()),
                    subject_user_id: Some("someone".into()),
                    ip: None,
                    user_agent: None,
                    request_id: None,
                    details: serde_json::json!({ "n": 1 }),
                })
                .await
                .unwrap();
        }
        let listed = store.list_audit(Some("someone"), 10).await.unwrap();
        assert_eq!(
            listed.iter().map(|r| r.event.kind.as_str()).collect::<Vec<_>>(),
            ["second", "first"],
            "{backend}: newest first"
        );
        assert_eq!(listed[0].event.details["n"], 1);

        let raw = Database::connect(&db.url).await.unwrap();
        assert!(
            raw.execute_unprepared("UPDATE audit_events SET kind = 'forged'")
                .await
                .is_err(),
            "{backend}: update refused"
        );
        assert!(
            raw.execute_unprepared("DELETE FROM audit_events").await.is_err(),
            "{backend}: delete refused"
        );
        assert_eq!(store.list_audit(None, 10).await.unwrap().len(), 2);
    }
}

/// Audit events and issued access tokens are written in groups under load (`store::appender`): every caller
/// still learns its own row's outcome, a bad row does not take the others down, and nothing is lost.
#[tokio::test]
async fn concurrent_appends_are_all_committed_and_a_bad_row_fails_alone() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let event = |n: usize| AuditEvent {
            at: now,
            kind: format!("burst.{n}"),
            outcome: Outcome::Success,
            actor: None,
            subject_user_id: Some("burst".into()),
            ip: None,
            user_agent: None,
            request_id: None,
            details: serde_json::json!({ "n": n }),
        };
        let audits = (0..200).map(|n| {
            let store = store.clone();
            let event = event(n);
            tokio::spawn(async move { store.append_audit(&event).await })
        });
        // Twelve distinct tokens and one jti claimed three times: exactly one of those three is stored.
        let tokens = (0..15).map(|n| {
            let store = store.clone();
            let jti = if n < 3 { "same".to_string() } else { format!("jti-{n}") };
            tokio::spawn(async move {
                store
                    .insert_issued_token(&gatehouse::core::store::IssuedToken {
                        jti_hash: &jti,
                        client_id: "client",
                        user_id: "",
                        code_hash: None,
                        family_id: None,
                        sid: None,
                        expires_at: now + Duration::minutes(10),
                    })
                    .await
            })
        });
        let audits: Vec<_> = audits.collect();
        let tokens: Vec<_> = tokens.collect();
        for handle in audits {
            handle.await.unwrap().unwrap_or_else(|e| panic!("{backend}: {e}"));
        }
        let mut stored = 0;
        for handle in tokens {
            stored += usize::from(handle.await.unwrap().is_ok());
        }
        assert_eq!(stored, 13, "{backend}: every distinct token, the duplicate once");
        let listed = store.list_audit(Some("burst"), 500).await.unwrap();
        assert_eq!(listed.len(), 200, "{backend}: every event committed");
        let mut seen: Vec<i64> = listed.iter().map(|r| r.event.details["n"].as_i64().unwrap()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..200).collect::<Vec<i64>>(), "{backend}");
        assert!(store.token_active("same", now).await.unwrap(), "{backend}");
        assert!(store.token_active("jti-14", now).await.unwrap(), "{backend}");
    }
}

fn factor(id: &str, user_id: &str, kind: FactorKind, status: FactorStatus) -> Factor {
    Factor {
        id: id.into(),
        user_id: user_id.into(),
        kind,
        name: "Phone".into(),
        status,
        secret_enc: Some("v1:sealed".into()),
        data: serde_json::json!({}),
        last_step: None,
        created_at: SystemClock.now(),
        last_used_at: None,
    }
}

#[tokio::test]
async fn factor_steps_and_recovery_codes_are_single_use_under_concurrency() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let u = a_user("77777777-7777-7777-7777-777777777777", "yan", "yan@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let now = SystemClock.now();

        let pending = factor("f-pending", &u.id, FactorKind::Totp, FactorStatus::Pending);
        store.insert_factor(&pending).await.unwrap();
        assert!(
            !store.advance_step(&pending.id, 10, now).await.unwrap(),
            "{backend}: a pending factor is not usable"
        );
        assert!(
            store
                .activate_factor(&pending.id, "Phone", Some(10), now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .activate_factor(&pending.id, "Phone", Some(10), now)
                .await
                .unwrap(),
            "{backend}: activates once"
        );
        assert!(
            !store.advance_step(&pending.id, 10, now).await.unwrap(),
            "{backend}: the enrolment step is used"
        );
        assert!(
            !store.advance_step(&pending.id, 9, now).await.unwrap(),
            "{backend}: older steps never"
        );

        let mut tasks = Vec::new();
        for _ in 0..20 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store.advance_step("f-pending", 11, SystemClock.now()).await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            wins += task.await.unwrap().expect("no error under concurrency") as u32;
        }
        assert_eq!(wins, 1, "{backend}: one success for one step");
        let stored = store.factor_of(&u.id, "f-pending").await.unwrap().unwrap();
        assert_eq!(stored.last_step, Some(11));
        assert!(
            store.factor_of("someone-else", "f-pending").await.unwrap().is_none(),
            "{backend}: scoped to the user"
        );

        let codes = factor("f-codes", &u.id, FactorKind::RecoveryCode, FactorStatus::Active);
        let hashes: Vec<String> = (0..3).map(|i| format!("{i:064}")).collect();
        store.replace_recovery_codes(&codes, &hashes).await.unwrap();
        assert_eq!(store.remaining_recovery_codes(&u.id).await.unwrap(), 3);
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let store = store.clone();
            let (uid, hash) = (u.id.clone(), hashes[0].clone());
            tasks.push(tokio::spawn(async move {
                store.use_recovery_code(&uid, &hash, SystemClock.now()).await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            wins += (task.await.unwrap().expect("no error under concurrency") == CodeUse::Accepted) as u32;
        }
        assert_eq!(wins, 1, "{backend}: a recovery code works once");
        assert_eq!(
            store.use_recovery_code(&u.id, &hashes[0], now).await.unwrap(),
            CodeUse::AlreadyUsed,
            "{backend}: a reuse is recognised as one"
        );
        assert_eq!(
            store.use_recovery_code("someone-else", &hashes[1], now).await.unwrap(),
            CodeUse::Unknown
        );
        assert_eq!(store.remaining_recovery_codes(&u.id).await.unwrap(), 2);
        // New codes replace the old ones entirely.
        let fresh = factor("f-codes-2", &u.id, FactorKind::RecoveryCode, FactorStatus::Active);
        store
            .replace_recovery_codes(&fresh, &[format!("{:064}", 9)])
            .await
            .unwrap();
        assert_eq!(store.remaining_recovery_codes(&u.id).await.unwrap(), 1);
        assert!(
            store.use_recovery_code(&u.id, &hashes[1], now).await.unwrap() == CodeUse::Unknown,
            "{backend}: old codes are gone"
        );
        let kinds: Vec<_> = store
            .factors_of(&u.id)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(kinds, ["f-pending", "f-codes-2"]);

        assert!(store.delete_factor(&u.id, "f-pending").await.unwrap());
        assert!(!store.delete_factor(&u.id, "f-pending").await.unwrap());
    }
}

#[tokio::test]
async fn a_pending_session_is_promoted_once() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let u = a_user("88888888-8888-8888-8888-888888888888", "zia", "zia@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let now = SystemClock.now();
        let pending = Session {
            id_hash: "p".repeat(64),
            state: SessionState::PendingSecondFactor,
            expires_at: now + Duration::minutes(15),
            ..a_session(&u.id, now)
        };
        store.insert_session(&pending).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (store, pending) = (store.clone(), pending.clone());
            let promoted = Session {
                id_hash: format!("{i:064}"),
                state: SessionState::Authenticated,
                amr: vec!["pwd".into(), "otp".into(), "mfa".into()],
                ..pending.clone()
            };
            tasks.push(tokio::spawn(
                async move { store.promote_session(&pending, &promoted).await },
            ));
        }
        let mut wins = 0;
        for task in tasks {
            wins += task.await.unwrap().expect("no error under concurrency") as u32;
        }
        assert_eq!(wins, 1, "{backend}");
        assert!(store.session_by_hash(&pending.id_hash).await.unwrap().is_none());
        assert_eq!(store.count_sessions_of_user(&u.id).await.unwrap(), 1);
        // The one left is the winner's session as it was given: its new id and every field.
        let left = store.sessions_of_user(&u.id).await.unwrap().remove(0);
        let winner = Session {
            id_hash: left.id_hash.clone(),
            state: SessionState::Authenticated,
            amr: vec!["pwd".into(), "otp".into(), "mfa".into()],
            ..pending.clone()
        };
        assert_eq!(left, winner, "{backend}");
        assert_ne!(left.id_hash, pending.id_hash, "{backend}");
    }
}

#[tokio::test]
async fn sms_codes_are_single_use_and_bound_to_their_session() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let u = a_user("99999999-9999-9999-9999-999999999999", "ada", "ada@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let f = factor("f-sms", &u.id, FactorKind::Sms, FactorStatus::Active);
        store.insert_factor(&f).await.unwrap();
        let now = SystemClock.now();
        let code = |id: &str, hash: &str| SmsCode {
            id: id.into(),
            factor_id: "f-sms".into(),
            session_hash: "s".repeat(64),
            code_hash: hash.into(),
            created_at: now,
            expires_at: now + Duration::minutes(5),
        };
        store.replace_sms_code(&code("c1", &"1".repeat(64)), now).await.unwrap();
        store.replace_sms_code(&code("c2", &"2".repeat(64)), now).await.unwrap();
        let session = "s".repeat(64);
        assert_eq!(
            store
                .use_sms_code("f-sms", &session, &"1".repeat(64), now)
                .await
                .unwrap(),
            CodeUse::Unknown,
            "{backend}: a replaced code expired"
        );
        assert_eq!(
            store
                .use_sms_code("f-sms", &"t".repeat(64), &"2".repeat(64), now)
                .await
                .unwrap(),
            CodeUse::Unknown,
            "{backend}: another session"
        );
        assert_eq!(
            store
                .use_sms_code("f-sms", &session, &"2".repeat(64), now)
                .await
                .unwrap(),
            CodeUse::Accepted
        );
        assert_eq!(
            store
                .use_sms_code("f-sms", &session, &"2".repeat(64), now)
                .await
                .unwrap(),
            CodeUse::AlreadyUsed,
            "{backend}"
        );
        store.replace_sms_code(&code("c3", &"3".repeat(64)), now).await.unwrap();
        let late = now + Duration::minutes(6);
        assert_eq!(
            store
                .use_sms_code("f-sms", &session, &"3".repeat(64), late)
                .await
                .unwrap(),
            CodeUse::Unknown,
            "{backend}: expired"
        );
    }
}

#[tokio::test]
async fn role_policies_are_seeded_round_trip_and_belong_to_a_role() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let seeded = store.role_policies().await.unwrap();
        let roles: Vec<&str> = seeded.iter().map(|p| p.role.as_str()).collect();
        assert_eq!(
            roles,
            ["admin", "helpdesk", "user"],
            "{backend}: one policy per built-in role"
        );
        let admin = &seeded[0];
        assert_eq!(admin.allowed_factors, [FactorKind::WebAuthn, FactorKind::RecoveryCode]);
        assert!(admin.mfa_required && admin.trusted_device_days == 0, "{backend}");
        assert_eq!(
            seeded[1].allowed_factors,
            [
                FactorKind::WebAuthn,
                FactorKind::Totp,
                FactorKind::OathToken,
                FactorKind::RecoveryCode
            ]
        );
        assert!(seeded[1].mfa_required);
        assert_eq!(
            seeded[2].allowed_factors.len(),
            5,
            "{backend}: users may use every kind"
        );
        assert!(!seeded[2].mfa_required);
        for policy in &seeded {
            policy
                .validate()
                .unwrap_or_else(|e| panic!("{backend}: seeded {} is valid: {e}", policy.role));
        }

        let now = SystemClock.now();
        let changed = RolePolicy {
            allowed_factors: vec![FactorKind::Totp, FactorKind::RecoveryCode],
            mfa_required: true,
            enforce_from: chrono::NaiveDate::from_ymd_opt(2027, 2, 28),
            grace_days: 14,
            trusted_device_days: 14,
            reauth_absolute_minutes: Some(600),
            reauth_idle_minutes: None,
            recovery_delay_minutes: Some(2880),
            acr_max_age: gatehouse::core::policy::acr_age::AcrMaxAge {
                phr: Some(90),
                mfa: Some(600),
                ..Default::default()
            },
            passkey_profile: gatehouse::core::policy::passkey_profile::PasskeyProfile {
                attestation: gatehouse::core::policy::passkey_profile::Attestation::Required,
                aaguids: vec![uuid::uuid!("cb69481e-8ff7-4039-93ec-0a2729a154a8")],
                device_bound: true,
                user_verification: true,
            },
            ..RolePolicy::unrestricted("user", now)
        };
        store.put_role_policy(&changed).await.unwrap();
        assert_eq!(
            store.role_policy("user").await.unwrap().as_ref(),
            Some(&changed),
            "{backend}: replaced, every field round-trips"
        );
        assert_eq!(
            store.role_policies().await.unwrap().len(),
            3,
            "{backend}: replaced, not added"
        );
        assert!(
            store
                .put_role_policy(&RolePolicy::unrestricted("emperor", now))
                .await
                .is_err(),
            "{backend}: a policy needs its role"
        );
        assert_eq!(store.role_policy("emperor").await.unwrap(), None);

        // The role sets users hold together, each once.
        for (i, roles) in [
            vec!["user"],
            vec!["helpdesk", "user"],
            vec!["user", "helpdesk"],
            vec!["admin"],
        ]
        .into_iter()
        .enumerate()
        {
            let u = a_user(
                &format!("a0000000-0000-0000-0000-00000000000{i}"),
                &format!("p{i}"),
                &format!("p{i}@x.org"),
            );
            let roles: Vec<String> = roles.into_iter().map(str::to_string).collect();
            store.insert_user(&u, &roles).await.unwrap();
        }
        assert_eq!(
            store.role_sets().await.unwrap(),
            [vec!["helpdesk".to_string(), "user".to_string()]],
            "{backend}"
        );

        let id = "a0000000-0000-0000-0000-000000000000";
        store.set_mfa_required(id, true, now).await.unwrap();
        assert!(store.user_by_id(id).await.unwrap().unwrap().mfa_required, "{backend}");
        store.set_mfa_required(id, false, now).await.unwrap();
        assert!(!store.user_by_id(id).await.unwrap().unwrap().mfa_required, "{backend}");
    }
}

#[tokio::test]
async fn the_members_of_a_role_are_read_first_by_username_and_bounded_even_past_the_bound_value_limit() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        // More members than SQLite accepts bound values in one statement (32,766): reading them as a list of ids
        // bound into `IN (…)` failed here.
        let members: Vec<_> = (0..33_000)
            .rev()
            .map(|i| {
                a_user(
                    &format!("00000000-0000-0000-0000-{i:012}"),
                    &format!("m{i:05}"),
                    &format!("m{i}@example.com"),
                )
            })
            .collect();
        for chunk in members.chunks(1_000) {
            store.insert_seeded_users(chunk, "helpdesk", &[]).await.unwrap();
        }
        let other = a_user(
            "99999999-9999-9999-9999-999999999999",
            "a-outsider",
            "outsider@example.com",
        );
        store.insert_user(&other, &["user".into()]).await.unwrap();

        let first = store.users_with_role("helpdesk", 3).await.unwrap();
        let names: Vec<_> = first.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(
            names,
            ["m00000", "m00001", "m00002"],
            "{backend}: the first by username, only members"
        );
        let all = store.users_with_role("helpdesk", 40_000).await.unwrap();
        assert_eq!(all.len(), 33_000, "{backend}");
        assert_eq!(store.users_with_role("user", 10).await.unwrap().len(), 1, "{backend}");
        assert!(
            store.users_with_role("admin", 10).await.unwrap().is_empty(),
            "{backend}"
        );
    }
}
