//! The storage conformance suite, continued: the protocol stores (device authorizations, SAML request IDs and
//! pending requests, pushed authorization requests). Every backend passes it, as in `accounts.rs`.
use crate::common::a_refresh_grant;
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::Error;
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::oauth::{DeviceAuthorization, DeviceStatus, RefreshGrant};
use gatehouse::core::store::DeviceStore;
fn device_authorization(id: char, now: chrono::DateTime<chrono::Utc>) -> DeviceAuthorization {
    DeviceAuthorization {
        device_code_hash: id.to_string().repeat(64),
        user_code_hash: format!("u{}", id.to_string().repeat(63)),
        client_id: "cli".into(),
        scope: "openid email".into(),
        status: DeviceStatus::Pending,
        interval_secs: 5,
        polls: 0,
        last_polled_at: None,
        user_id: None,
        grant: None,
        created_at: now,
        expires_at: now + Duration::minutes(10),
    }
}

#[tokio::test]
async fn device_authorizations_change_state_once() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let a = device_authorization('a', now);
        store.insert_device_authorization(&a, now).await.unwrap();
        assert_eq!(
            store.device_authorization(&a.device_code_hash).await.unwrap().as_ref(),
            Some(&a),
            "{backend}: round trip"
        );
        assert_eq!(
            store
                .device_authorization_by_user_code(&a.user_code_hash)
                .await
                .unwrap()
                .as_ref(),
            Some(&a)
        );
        let same_user_code = DeviceAuthorization {
            device_code_hash: "b".repeat(64),
            ..a.clone()
        };
        assert!(
            matches!(
                store.insert_device_authorization(&same_user_code, now).await,
                Err(Error::Conflict(_))
            ),
            "{backend}: a user code is unique"
        );

        // Polls are recorded by compare-and-swap on the poll count.
        assert!(store.record_device_poll(&a.device_code_hash, 0, 5, now).await.unwrap());
        assert!(
            !store.record_device_poll(&a.device_code_hash, 0, 10, now).await.unwrap(),
            "{backend}: a stale count loses"
        );
        let later = now + Duration::seconds(1);
        assert!(
            store
                .record_device_poll(&a.device_code_hash, 1, 10, later)
                .await
                .unwrap()
        );
        let polled = store.device_authorization(&a.device_code_hash).await.unwrap().unwrap();
        assert_eq!(
            (polled.polls, polled.interval_secs, polled.last_polled_at),
            (2, 10, Some(later)),
            "{backend}"
        );

        // Approve and deny race: exactly one decision.
        let grant = RefreshGrant {
            scope: a.scope.clone(),
            amr: vec!["pwd".into(), "otp".into(), "mfa".into()],
            acr: "urn:gatehouse:acr:mfa".into(),
            ..a_refresh_grant(&"s".repeat(32), now)
        };
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (store, hash, grant) = (store.clone(), a.user_code_hash.clone(), grant.clone());
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    store.approve_device_authorization(&hash, "u-1", &grant, now).await
                } else {
                    store.deny_device_authorization(&hash, "u-1", now).await
                }
            }));
        }
        let mut wins = 0;
        for task in tasks {
            wins += usize::from(task.await.unwrap().expect("no error under concurrency"));
        }
        assert_eq!(wins, 1, "{backend}: exactly one decision");
        let decided = store.device_authorization(&a.device_code_hash).await.unwrap().unwrap();
        assert_ne!(decided.status, DeviceStatus::Pending);
        assert_eq!(decided.user_id.as_deref(), Some("u-1"));
        assert!(
            !store.record_device_poll(&a.device_code_hash, 2, 5, now).await.unwrap(),
            "{backend}: only pending authorizations are polled"
        );

        // An approved authorization is redeemed once, by its own client, before it expires.
        let c = device_authorization('c', now);
        store.insert_device_authorization(&c, now).await.unwrap();
        assert!(
            !store
                .redeem_device_authorization(&c.device_code_hash, "cli", now)
                .await
                .unwrap(),
            "{backend}: not approved yet"
        );
        assert!(
            store
                .approve_device_authorization(&c.user_code_hash, "u-2", &grant, now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .approve_device_authorization(&c.user_code_hash, "u-3", &grant, now)
                .await
                .unwrap(),
            "{backend}: decided once"
        );
        let approved = store.device_authorization(&c.device_code_hash).await.unwrap().unwrap();
        assert_eq!(
            (approved.status, approved.user_id.as_deref(), approved.grant.as_ref()),
            (DeviceStatus::Approved, Some("u-2"), Some(&grant)),
            "{backend}: the grant round-trips"
        );
        assert!(
            !store
                .redeem_device_authorization(&c.device_code_hash, "other", now)
                .await
                .unwrap(),
            "{backend}: another client"
        );
        assert!(
            !store
                .redeem_device_authorization(&c.device_code_hash, "cli", now + Duration::minutes(10))
                .await
                .unwrap(),
            "{backend}: expired"
        );
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (store, hash) = (store.clone(), c.device_code_hash.clone());
            tasks.push(tokio::spawn(async move {
                store.redeem_device_authorization(&hash, "cli", now).await
            }));
        }
        let mut wins = 0;
        for task in tasks {
            wins += usize::from(task.await.unwrap().expect("no error under concurrency"));
        }
        assert_eq!(wins, 1, "{backend}: tokens are issued once");
        assert_eq!(
            store
                .device_authorization(&c.device_code_hash)
                .await
                .unwrap()
                .unwrap()
                .status,
            DeviceStatus::Redeemed
        );

        // Expired authorizations cannot be decided, and are purged a day after expiry.
        let e = device_authorization('e', now - Duration::minutes(11));
        store.insert_device_authorization(&e, now).await.unwrap();
        assert!(
            !store
                .deny_device_authorization(&e.user_code_hash, "u-1", now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .approve_device_authorization(&e.user_code_hash, "u-1", &grant, now)
                .await
                .unwrap()
        );
        let f = device_authorization('f', now);
        store
            .insert_device_authorization(&f, now + Duration::days(1) + Duration::minutes(1))
            .await
            .unwrap();
        assert!(
            store.device_authorization(&e.device_code_hash).await.unwrap().is_none(),
            "{backend}: purged"
        );
        assert!(store.device_authorization(&f.device_code_hash).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn saml_request_ids_are_accepted_once_and_pending_requests_answered_once() {
    use gatehouse::core::saml::{
        AcsEndpoint, AttributeMapping, AttributeSource, NameIdFormat, ServiceProvider, SessionParticipant, SloEndpoint,
    };
    use gatehouse::core::store::SamlStore;
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let entity = format!("https://sp.example/{}", "long/".repeat(150));
        let sp = ServiceProvider {
            entity_id: entity.clone(),
            metadata: "<md:EntityDescriptor/>".into(),
            acs_endpoints: vec![AcsEndpoint {
                binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST".into(),
                location: "https://sp.example/acs".into(),
                index: 3,
                is_default: true,
            }],
            certificates: vec!["MIIB".into()],
            authn_requests_signed: true,
            want_assertions_signed: false,
            sign_response: true,
            name_id_format: NameIdFormat::Email,
            allow_idp_initiated: true,
            allowed_roles: vec!["finance".into()],
            min_acr: None,
            slo_endpoints: vec![SloEndpoint {
                binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect".into(),
                location: "https://sp.example/slo".into(),
                response_location: Some("https://sp.example/slo/response".into()),
            }],
            encryption_certificates: vec!["MIIC".into()],
            encrypt_assertion: true,
            encryption_method: gatehouse::core::saml::EncryptionMethod::Aes256Cbc,
            attributes: vec![
                AttributeMapping::new("mail", AttributeSource::Email),
                AttributeMapping::new(
                    "org",
                    AttributeSource::Static {
                        value: "Acme & <Co>".into(),
                    },
                ),
            ],
            created_at: now,
        };
        store.insert_sp(&sp).await.unwrap();
        assert!(
            matches!(store.insert_sp(&sp).await, Err(Error::Conflict(_))),
            "{backend}"
        );
        let read = store.sp(&entity).await.unwrap().expect("found");
        assert_eq!(read.acs_endpoints, sp.acs_endpoints, "{backend}");
        assert_eq!((read.name_id_format, read.sign_response), (NameIdFormat::Email, true));
        assert!(read.allow_idp_initiated, "{backend}");
        assert_eq!(read.slo_endpoints, sp.slo_endpoints, "{backend}");
        let mut changed = read.clone();
        changed.certificates = vec!["MIIC".into()];
        changed.allowed_roles = Vec::new();
        store.update_sp(&changed).await.unwrap();
        assert_eq!(store.sp(&entity).await.unwrap().unwrap(), changed, "{backend}");
        changed.entity_id = "https://nobody.example".into();
        assert!(
            matches!(store.update_sp(&changed).await, Err(Error::NotFound(_))),
            "{backend}"
        );

        // The SPs a session signed in to: replaced on a second sign-in, listed oldest first, forgotten once.
        let participant = |sp: &str, index: &str, at| SessionParticipant {
            session_hash: "h1".into(),
            sp_entity_id: sp.into(),
            name_id: format!("name-{index}"),
            name_id_format: NameIdFormat::Transient,
            session_index: index.into(),
            created_at: at,
        };
        let old = now - Duration::days(40);
        store
            .put_saml_participant(&participant("https://old.example", "_o", old), old)
            .await
            .unwrap();
        let sweep = now - Duration::days(30);
        store
            .put_saml_participant(&participant(&entity, "_a", now), sweep)
            .await
            .unwrap();
        store
            .put_saml_participant(
                &participant("https://b.example", "_b", now + Duration::seconds(1)),
                sweep,
            )
            .await
            .unwrap();
        store
            .put_saml_participant(&participant(&entity, "_c", now + Duration::seconds(2)), sweep)
            .await
            .unwrap();
        let listed = store.saml_participants("h1").await.unwrap();
        assert_eq!(
            listed.iter().map(|p| p.session_index.as_str()).collect::<Vec<_>>(),
            ["_b", "_c"],
            "{backend}: replaced, and the row older than the sweep time is gone"
        );
        assert_eq!(listed[1].name_id_format, NameIdFormat::Transient);
        assert!(store.saml_participants("h2").await.unwrap().is_empty());
        assert!(store.delete_saml_participant("h1", &entity).await.unwrap());
        assert!(
            !store.delete_saml_participant("h1", &entity).await.unwrap(),
            "{backend}"
        );

        // Concurrent uses of one request ID: exactly one wins.
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                let entity = entity.clone();
                tokio::spawn(async move {
                    store
                        .use_saml_request_id(&entity, "_r1", now + Duration::minutes(4), now)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut wins = 0;
        for task in tasks {
            wins += usize::from(task.await.unwrap());
        }
        assert_eq!(wins, 1, "{backend}: one of concurrent uses wins");
        assert!(
            store
                .use_saml_request_id("https://other.example", "_r1", now + Duration::minutes(4), now)
                .await
                .unwrap()
        );
        // Once expired, the entry is swept (a request that old fails its IssueInstant check anyway).
        let later = now + Duration::minutes(5);
        assert!(
            store
                .use_saml_request_id(&entity, "_r1", later + Duration::minutes(4), later)
                .await
                .unwrap()
        );

        store
            .put_saml_request("p1", &entity, "{}", now, now + Duration::minutes(15))
            .await
            .unwrap();
        assert!(store.saml_request("p1", now).await.unwrap().is_some());
        assert!(
            store
                .saml_request("p1", now + Duration::minutes(16))
                .await
                .unwrap()
                .is_none(),
            "{backend}: expired"
        );
        assert!(store.delete_saml_request("p1").await.unwrap());
        assert!(
            !store.delete_saml_request("p1").await.unwrap(),
            "{backend}: answered once"
        );
        assert!(store.delete_sp(&entity).await.unwrap());
        assert!(store.sp(&entity).await.unwrap().is_none());
    }
}

/// A refresh token is used up once, by the grant that records its replacement (`record_grant` with `rotates`):
/// of concurrent rotations exactly one is written, the others write nothing, and the token then reads as reused
/// — on every backend.
#[tokio::test]
async fn a_refresh_token_is_rotated_once_under_concurrency() {
    use gatehouse::core::audit::{AuditEvent, Outcome};
    use gatehouse::core::oauth::RefreshUse;
    use gatehouse::core::store::{AuditStore, GrantRecord, IssuedToken, NewRefreshToken, OidcStore};
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let grant = a_refresh_grant(&"s".repeat(32), now);
        let hash = "r".repeat(64);
        store
            .insert_refresh_token(&NewRefreshToken {
                token_hash: &hash,
                family_id: "family",
                client_id: "client",
                user_id: "u-1",
                grant: &grant,
                now,
                family_expires_at: now + Duration::days(1),
            })
            .await
            .unwrap();
        match store.refresh_token_to_rotate(&hash, now).await.unwrap() {
            RefreshUse::Fresh {
                family_id, grant: g, ..
            } => assert_eq!(
                (family_id.as_str(), g.scope.as_str()),
                ("family", "openid"),
                "{backend}"
            ),
            other => panic!("{backend}: an unused token reads as fresh, not {other:?}"),
        }
        let tasks: Vec<_> = (0..8)
            .map(|n| {
                let (store, hash, grant) = (store.clone(), hash.clone(), grant.clone());
                tokio::spawn(async move {
                    let audit = AuditEvent {
                        at: now,
                        kind: "oidc.token".into(),
                        outcome: Outcome::Success,
                        actor: None,
                        subject_user_id: Some("rotating-user".into()),
                        ip: None,
                        user_agent: None,
                        request_id: None,
                        details: serde_json::json!({ "n": n }),
                    };
                    let (jti, next) = (format!("rotation-jti-{n}"), format!("rotation-next-{n}"));
                    let written = store
                        .record_grant(&GrantRecord {
                            rotates: Some(&hash),
                            access_token: IssuedToken {
                                jti_hash: &jti,
                                client_id: "client",
                                user_id: "rotating-user",
                                code_hash: None,
                                family_id: Some("family"),
                                sid: None,
                                expires_at: now + Duration::minutes(10),
                            },
                            refresh_token: Some(NewRefreshToken {
                                token_hash: &next,
                                family_id: "family",
                                client_id: "client",
                                user_id: "rotating-user",
                                grant: &grant,
                                now,
                                family_expires_at: now + Duration::days(1),
                            }),
                            audit: &audit,
                        })
                        .await
                        .unwrap();
                    (n, written)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            let (n, written) = task.await.unwrap();
            if written {
                winners.push(n);
            }
        }
        assert_eq!(winners.len(), 1, "{backend}: one rotation wins: {winners:?}");
        let winner = winners[0];
        for n in 0..8 {
            let next = store
                .refresh_token_to_rotate(&format!("rotation-next-{n}"), now)
                .await
                .unwrap();
            assert_eq!(
                matches!(next, RefreshUse::Fresh { .. }),
                n == winner,
                "{backend}: only the winner's replacement exists ({n})"
            );
            assert_eq!(
                store.token_active(&format!("rotation-jti-{n}"), now).await.unwrap(),
                n == winner,
                "{backend}: only the winner's access token is recorded ({n})"
            );
        }
        let audited = store.list_audit(Some("rotating-user"), 100).await.unwrap();
        assert_eq!(audited.len(), 1, "{backend}: one audit event, the winner's");
        assert_eq!(
            store.refresh_token_to_rotate(&hash, now).await.unwrap(),
            RefreshUse::Reused {
                family_id: "family".into()
            },
            "{backend}: the used token reads as reused"
        );
        assert!(matches!(
            store.refresh_token_to_rotate(&"x".repeat(64), now).await.unwrap(),
            RefreshUse::Invalid
        ));
        // Past its family's lifetime a token is neither fresh nor rotated.
        assert_eq!(
            store
                .refresh_token_to_rotate(&format!("rotation-next-{winner}"), now + Duration::days(2))
                .await
                .unwrap(),
            RefreshUse::Invalid,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_pushed_authorization_request_is_taken_once_by_its_client_before_it_expires() {
    use gatehouse::core::store::OidcStore;
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let (hash, late) = ("p".repeat(64), "q".repeat(64));
        let expires = now + Duration::seconds(60);
        store
            .push_authorization_request(&hash, "spa", "{\"scope\":\"openid\"}", now, expires)
            .await
            .unwrap();
        store
            .push_authorization_request(&late, "spa", "{}", now, expires)
            .await
            .unwrap();
        assert_eq!(
            store.take_pushed_request(&hash, "other", now).await.unwrap(),
            None,
            "{backend}: another client's"
        );
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (store, hash) = (store.clone(), hash.clone());
                tokio::spawn(async move { store.take_pushed_request(&hash, "spa", now).await.unwrap() })
            })
            .collect();
        let mut taken = Vec::new();
        for task in tasks {
            taken.extend(task.await.unwrap());
        }
        assert_eq!(taken, ["{\"scope\":\"openid\"}"], "{backend}: one winner");
        assert_eq!(
            store.take_pushed_request(&late, "spa", expires).await.unwrap(),
            None,
            "{backend}: expired"
        );
        // The next push of that client clears its expired requests.
        let next = "r".repeat(64);
        store
            .push_authorization_request(&next, "spa", "{}", expires, expires + Duration::seconds(60))
            .await
            .unwrap();
        assert_eq!(
            store.take_pushed_request(&late, "spa", now).await.unwrap(),
            None,
            "{backend}: gone"
        );
        assert!(
            store
                .take_pushed_request(&next, "spa", expires)
                .await
                .unwrap()
                .is_some()
        );
    }
}

#[tokio::test]
async fn a_dpop_proof_is_recorded_once_and_expired_records_are_cleared() {
    use gatehouse::core::store::RpStore;
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let (jkt, jti) = ("k".repeat(43), "j".repeat(64));
        let until = now + Duration::seconds(70);
        assert!(
            store.use_dpop_proof(&jkt, &jti, until, now).await.unwrap(),
            "{backend}: first use"
        );
        assert!(
            !store.use_dpop_proof(&jkt, &jti, until, now).await.unwrap(),
            "{backend}: a second insert of the same jti fails"
        );
        // Concurrent uses of one new proof: exactly one wins.
        let fresh = "f".repeat(64);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (store, jkt, fresh) = (store.clone(), jkt.clone(), fresh.clone());
                tokio::spawn(async move { store.use_dpop_proof(&jkt, &fresh, until, now).await.unwrap() })
            })
            .collect();
        let mut won = 0;
        for task in tasks {
            won += usize::from(task.await.unwrap());
        }
        assert_eq!(won, 1, "{backend}: one winner");
        // The same jti under another key is another proof.
        assert!(store.use_dpop_proof(&"o".repeat(43), &jti, until, now).await.unwrap());
        // Once expired, the next record clears it (its proof's iat is too old to pass anyway).
        let later = until + Duration::seconds(1);
        assert!(
            store
                .use_dpop_proof(&jkt, &"n".repeat(64), later + Duration::seconds(70), later)
                .await
                .unwrap()
        );
        assert!(
            store
                .use_dpop_proof(&jkt, &jti, later + Duration::seconds(70), later)
                .await
                .unwrap(),
            "{backend}: the expired record was cleared"
        );
    }
}

/// What a token grant issued is written with its audit event in one transaction (`Store::record_grant`): under
/// concurrency every grant is committed whole, and a grant that cannot be written (here its access token's `jti`
/// collides with another's) leaves neither its refresh token nor its audit event behind.
#[tokio::test]
async fn a_grant_is_recorded_whole_or_not_at_all() {
    use gatehouse::core::audit::{AuditEvent, Outcome};
    use gatehouse::core::oauth::RefreshUse;
    use gatehouse::core::store::{AuditStore, GrantRecord, IssuedToken, NewRefreshToken, OidcStore};
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let grant = a_refresh_grant(&"g".repeat(32), now);
        let tasks: Vec<_> = (0..20)
            .map(|n| {
                let (store, grant) = (store.clone(), grant.clone());
                tokio::spawn(async move {
                    // Grants 0 to 2 claim the same jti: one of them is written.
                    let jti = if n < 3 {
                        "grant-same".to_string()
                    } else {
                        format!("grant-jti-{n}")
                    };
                    let refresh = format!("grant-refresh-{n}");
                    let audit = AuditEvent {
                        at: now,
                        kind: "oidc.token".into(),
                        outcome: Outcome::Success,
                        actor: None,
                        subject_user_id: Some("grant-user".into()),
                        ip: None,
                        user_agent: None,
                        request_id: None,
                        details: serde_json::json!({ "n": n }),
                    };
                    let written = store
                        .record_grant(&GrantRecord {
                            rotates: None,
                            access_token: IssuedToken {
                                jti_hash: &jti,
                                client_id: "client",
                                user_id: "grant-user",
                                code_hash: None,
                                family_id: Some("grant-family"),
                                sid: None,
                                expires_at: now + Duration::minutes(10),
                            },
                            refresh_token: Some(NewRefreshToken {
                                token_hash: &refresh,
                                family_id: "grant-family",
                                client_id: "client",
                                user_id: "grant-user",
                                grant: &grant,
                                now,
                                family_expires_at: now + Duration::days(1),
                            }),
                            audit: &audit,
                        })
                        .await;
                    (n, written.is_ok())
                })
            })
            .collect();
        let mut written = Vec::new();
        for task in tasks {
            let (n, ok) = task.await.unwrap();
            if ok {
                written.push(n);
            }
        }
        written.sort_unstable();
        assert_eq!(
            written.len(),
            18,
            "{backend}: every distinct grant, the colliding ones once: {written:?}"
        );
        assert!(written[0] < 3 && written[1] == 3, "{backend}: {written:?}");
        let audited: Vec<i64> = store
            .list_audit(Some("grant-user"), 100)
            .await
            .unwrap()
            .iter()
            .map(|r| r.event.details["n"].as_i64().unwrap())
            .collect();
        assert_eq!(audited.len(), 18, "{backend}: one event per written grant: {audited:?}");
        for n in 0..20usize {
            let used = store
                .refresh_token_to_rotate(&format!("grant-refresh-{n}"), now)
                .await
                .unwrap();
            let stored = !matches!(used, RefreshUse::Invalid);
            assert_eq!(stored, written.contains(&n), "{backend}: refresh token of grant {n}");
            assert_eq!(
                audited.contains(&(n as i64)),
                written.contains(&n),
                "{backend}: audit event of grant {n}"
            );
        }
        assert!(store.token_active("grant-same", now).await.unwrap(), "{backend}");
    }
}
