//! Conformance of token-grant revocation (`core::grants`): by sign-in, keeping `offline_access` families when
//! asked; by user, everything but other users' and client-credentials tokens; the sign-in's browser session found
//! through the relying-party record (also after a step-up replaced the session); a user's consents listed, and
//! one revoked with that client's tokens for the user (the connected-applications page) — on every backend.
use crate::common::{a_refresh_grant, a_session, a_user};
use crate::store::common::backends;
use chrono::Duration;
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::model::Session;
use gatehouse::core::oauth::{RefreshGrant, RefreshUse};
use gatehouse::core::store::{
    Consent, ConsentRevocation, IssuedToken, NewRefreshToken, OidcStore, RpSession, RpStore, SessionStore, UserStore,
};
use gatehouse::store::SeaStore;

fn grant(sid: &str, scope: &str) -> RefreshGrant {
    RefreshGrant {
        scope: scope.into(),
        ..a_refresh_grant(sid, SystemClock.now())
    }
}

async fn family(store: &SeaStore, token: &str, user_id: &str, grant: &RefreshGrant) {
    let now = SystemClock.now();
    store
        .insert_refresh_token(&NewRefreshToken {
            token_hash: token,
            family_id: &format!("family-{token}"),
            client_id: "client",
            user_id,
            grant,
            now,
            family_expires_at: now + Duration::days(1),
        })
        .await
        .unwrap();
}

async fn access(store: &SeaStore, jti: &str, user_id: &str, sid: Option<&str>) {
    store
        .insert_issued_token(&IssuedToken {
            jti_hash: jti,
            client_id: "client",
            user_id,
            code_hash: None,
            family_id: None,
            sid,
            expires_at: SystemClock.now() + Duration::minutes(10),
        })
        .await
        .unwrap();
}

async fn live(store: &SeaStore, token: &str) -> bool {
    store
        .refresh_token_info(token, SystemClock.now())
        .await
        .unwrap()
        .is_some_and(|i| i.active)
}

#[tokio::test]
async fn grants_are_revoked_by_sign_in_and_by_user() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        family(&store, "online-s1", "u-1", &grant("s1", "openid")).await;
        family(&store, "offline-s1", "u-1", &grant("s1", "openid offline_access")).await;
        family(&store, "online-s2", "u-1", &grant("s2", "openid")).await;
        family(&store, "other-user", "u-2", &grant("s3", "openid")).await;
        access(&store, "at-s1", "u-1", Some("s1")).await;
        access(&store, "at-s2", "u-1", Some("s2")).await;
        access(&store, "at-u2", "u-2", Some("s3")).await;
        access(&store, "at-service", "", None).await;

        // Ending sign-in s1 keeps its offline_access family only; its access tokens all go.
        assert_eq!(
            store
                .revoke_grants_of_sign_ins(&["s1".into()], now, true)
                .await
                .unwrap(),
            2,
            "{backend}"
        );
        assert!(!live(&store, "online-s1").await, "{backend}");
        assert!(live(&store, "offline-s1").await, "{backend}");
        assert!(!store.token_active("at-s1", now).await.unwrap(), "{backend}");
        assert!(store.token_active("at-s2", now).await.unwrap(), "{backend}");
        assert!(matches!(
            store.refresh_token_to_rotate("online-s1", now).await.unwrap(),
            RefreshUse::Invalid
        ));

        let mut families: Vec<String> = store
            .live_grants_of_user("u-1", now)
            .await
            .unwrap()
            .into_iter()
            .map(|g| g.family_id)
            .collect();
        families.sort();
        assert_eq!(families, ["family-offline-s1", "family-online-s2"], "{backend}");

        // A credential event ends everything of the user, offline_access included, and nothing of anyone else.
        assert_eq!(store.revoke_grants_of_user("u-1", now).await.unwrap(), 3, "{backend}");
        assert!(!live(&store, "offline-s1").await, "{backend}");
        assert!(!live(&store, "online-s2").await, "{backend}");
        assert!(!store.token_active("at-s2", now).await.unwrap(), "{backend}");
        assert!(live(&store, "other-user").await, "{backend}");
        assert!(store.token_active("at-u2", now).await.unwrap(), "{backend}");
        assert!(store.token_active("at-service", now).await.unwrap(), "{backend}");
        assert!(store.live_grants_of_user("u-1", now).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_sign_in_leads_to_its_browser_session() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let u = a_user("66666666-6666-6666-6666-666666666666", "gia", "gia@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let now = SystemClock.now();
        let session = Session {
            id_hash: "c".repeat(64),
            ..a_session(&u.id, now)
        };
        store.insert_session(&session).await.unwrap();
        for sid in ["sid-before-step-up", "sid-after"] {
            store
                .add_rp_session(&RpSession {
                    sid: sid.into(),
                    client_id: "client".into(),
                    session_hash: session.id_hash.clone(),
                    user_id: u.id.clone(),
                    created_at: now,
                })
                .await
                .unwrap();
        }
        let mut sids = store.sign_ins_of_session(&session.id_hash).await.unwrap();
        sids.sort();
        assert_eq!(sids, ["sid-after", "sid-before-step-up"], "{backend}");
        // A refresh finds the session through the client's record of the sign-in (`refresh_context`).
        family(&store, "before-step-up", &u.id, &grant("sid-before-step-up", "openid")).await;
        let session_of = |token: &'static str| {
            let store = store.clone();
            async move {
                store
                    .refresh_context(token, SystemClock.now())
                    .await
                    .unwrap()
                    .session
                    .map(|s| s.id_hash)
            }
        };
        assert_eq!(
            session_of("before-step-up").await,
            Some(session.id_hash.clone()),
            "{backend}"
        );
        // Another client's token for the same sign-in finds nothing: the record is per client.
        store
            .insert_refresh_token(&NewRefreshToken {
                token_hash: "other-client",
                family_id: "family-other-client",
                client_id: "other-client",
                user_id: &u.id,
                grant: &grant("sid-after", "openid"),
                now,
                family_expires_at: now + Duration::days(1),
            })
            .await
            .unwrap();
        assert!(session_of("other-client").await.is_none(), "{backend}");
        assert_eq!(store.end_sign_ins_of_user(&u.id, now).await.unwrap(), 1, "{backend}");
        assert!(
            session_of("before-step-up").await.is_none(),
            "{backend}: the session is gone"
        );
    }
}

/// A refresh family of `client_id` for `user_id`, and an access token issued from it.
async fn client_family(store: &SeaStore, token: &str, user_id: &str, client_id: &str, scope: &str) {
    let now = SystemClock.now();
    let family_id = format!("family-{token}");
    store
        .insert_refresh_token(&NewRefreshToken {
            token_hash: token,
            family_id: &family_id,
            client_id,
            user_id,
            grant: &grant(&format!("sid-{token}"), scope),
            now,
            family_expires_at: now + Duration::days(1),
        })
        .await
        .unwrap();
    store
        .insert_issued_token(&IssuedToken {
            jti_hash: &format!("at-{token}"),
            client_id,
            user_id,
            code_hash: None,
            family_id: Some(&family_id),
            sid: Some(&format!("sid-{token}")),
            expires_at: now + Duration::minutes(10),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn consents_are_listed_and_revoked_with_the_clients_tokens() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        store.put_consent("u-1", "wiki", "openid email", now).await.unwrap();
        store.put_consent("u-1", "mail", "openid", now).await.unwrap();
        store.put_consent("u-2", "wiki", "openid", now).await.unwrap();
        // Given again later: one consent, the latest scopes and time.
        let later = now + Duration::seconds(5);
        store
            .put_consent("u-1", "wiki", "openid email profile", later)
            .await
            .unwrap();
        let consents = store.consents_of_user("u-1").await.unwrap();
        assert_eq!(
            consents,
            [
                Consent {
                    client_id: "mail".into(),
                    scope: "openid".into(),
                    created_at: now,
                },
                Consent {
                    client_id: "wiki".into(),
                    scope: "openid email profile".into(),
                    created_at: later,
                },
            ],
            "{backend}"
        );
        assert!(store.consents_of_user("u-3").await.unwrap().is_empty(), "{backend}");

        client_family(&store, "wiki-1", "u-1", "wiki", "openid").await;
        client_family(&store, "wiki-offline", "u-1", "wiki", "openid offline_access").await;
        client_family(&store, "mail-1", "u-1", "mail", "openid").await;
        client_family(&store, "wiki-u2", "u-2", "wiki", "openid").await;
        // Live grants name their client and when their usable token was issued.
        let mut families: Vec<(String, String)> = store
            .live_grants_of_user("u-1", now)
            .await
            .unwrap()
            .into_iter()
            .map(|g| {
                assert!(g.issued_at >= now && g.issued_at <= SystemClock.now(), "{backend}");
                (g.client_id, g.family_id)
            })
            .collect();
        families.sort();
        assert_eq!(
            families,
            [
                ("mail".to_string(), "family-mail-1".to_string()),
                ("wiki".into(), "family-wiki-1".into()),
                ("wiki".into(), "family-wiki-offline".into()),
            ],
            "{backend}"
        );

        // Revoking wiki for u-1: its consent, both families (offline too) and their access tokens; nothing else.
        let revoked = store.revoke_consent("u-1", "wiki", now).await.unwrap();
        assert_eq!(
            revoked,
            ConsentRevocation {
                consent_removed: true,
                tokens_revoked: 4,
            },
            "{backend}"
        );
        assert_eq!(store.consent("u-1", "wiki").await.unwrap(), None, "{backend}");
        assert!(
            !live(&store, "wiki-1").await && !live(&store, "wiki-offline").await,
            "{backend}"
        );
        assert!(!store.token_active("at-wiki-1", now).await.unwrap(), "{backend}");
        assert!(!store.token_active("at-wiki-offline", now).await.unwrap(), "{backend}");
        assert!(live(&store, "mail-1").await && store.token_active("at-mail-1", now).await.unwrap());
        assert!(live(&store, "wiki-u2").await && store.token_active("at-wiki-u2", now).await.unwrap());
        assert_eq!(store.consent("u-1", "mail").await.unwrap().as_deref(), Some("openid"));
        assert_eq!(store.consent("u-2", "wiki").await.unwrap().as_deref(), Some("openid"));
        // Again: nothing left to take.
        assert_eq!(
            store.revoke_consent("u-1", "wiki", now).await.unwrap(),
            ConsentRevocation::default(),
            "{backend}"
        );
        // Tokens without a consent (a trusted client) go the same way.
        assert_eq!(
            store.revoke_consent("u-2", "mail", now).await.unwrap(),
            ConsentRevocation::default()
        );
        store.revoke_consent("u-1", "mail", now).await.unwrap();
        assert!(
            store.live_grants_of_user("u-1", now).await.unwrap().is_empty(),
            "{backend}"
        );
    }
}

/// A refresh reads what it is judged on in one statement (`OidcStore::refresh_context`): the token as
/// `refresh_token_to_rotate` tells it, its user, every role of the user with its policy (as
/// `roles_with_policies_of_user`), and the browser session behind the token's sign-in at its client — or none of
/// those where they do not exist.
#[tokio::test]
async fn a_refresh_reads_its_token_user_policies_and_session_together() {
    use gatehouse::core::store::PolicyStore;
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let u = a_user("77777777-7777-7777-7777-777777777777", "hal", "hal@example.com");
        store
            .insert_user(&u, &["helpdesk".into(), "user".into()])
            .await
            .unwrap();
        let session = Session {
            id_hash: "d".repeat(64),
            ..a_session(&u.id, now)
        };
        store.insert_session(&session).await.unwrap();
        store
            .add_rp_session(&RpSession {
                sid: "ctx-sid".into(),
                client_id: "client".into(),
                session_hash: session.id_hash.clone(),
                user_id: u.id.clone(),
                created_at: now,
            })
            .await
            .unwrap();
        family(&store, "ctx-token", &u.id, &grant("ctx-sid", "openid offline_access")).await;
        family(&store, "ctx-no-session", &u.id, &grant("ctx-other-sid", "openid")).await;

        let context = store.refresh_context("ctx-token", now).await.unwrap();
        assert_eq!(
            context.token,
            store.refresh_token_to_rotate("ctx-token", now).await.unwrap(),
            "{backend}"
        );
        match &context.token {
            RefreshUse::Fresh {
                user_id,
                grant,
                offline,
                ..
            } => {
                assert_eq!(
                    (user_id.as_str(), grant.sid.as_str(), *offline),
                    (u.id.as_str(), "ctx-sid", true)
                );
            }
            other => panic!("{backend}: {other:?}"),
        }
        assert_eq!(
            context.user.as_ref().map(|u| u.username.as_str()),
            Some("hal"),
            "{backend}"
        );
        assert_eq!(
            context.roles,
            store.roles_with_policies_of_user(&u.id).await.unwrap(),
            "{backend}"
        );
        assert_eq!(context.roles.len(), 2, "{backend}: one per role");
        assert_eq!(
            context.session.map(|s| s.id_hash),
            Some(session.id_hash.clone()),
            "{backend}"
        );

        let no_session = store.refresh_context("ctx-no-session", now).await.unwrap();
        assert!(no_session.session.is_none(), "{backend}");
        assert!(no_session.user.is_some() && no_session.roles.len() == 2, "{backend}");

        let unknown = store.refresh_context("ctx-unknown", now).await.unwrap();
        assert_eq!(unknown.token, RefreshUse::Invalid, "{backend}");
        assert!(unknown.user.is_none() && unknown.roles.is_empty() && unknown.session.is_none());

        // A user without roles: the token and user still come back, with no policies.
        let v = a_user("88888888-8888-8888-8888-888888888888", "ida", "ida@example.com");
        store.insert_user(&v, &[]).await.unwrap();
        family(&store, "ctx-roleless", &v.id, &grant("ctx-sid-2", "openid")).await;
        let roleless = store.refresh_context("ctx-roleless", now).await.unwrap();
        assert!(matches!(roleless.token, RefreshUse::Fresh { .. }), "{backend}");
        assert!(roleless.user.is_some() && roleless.roles.is_empty(), "{backend}");
    }
}

/// A signed-in session that steps up is replaced under a new id (`SessionStore::promote_session`), once, and the
/// relying parties it signed in to follow it: back-channel logout and refreshes still find the sign-in.
#[tokio::test]
async fn a_stepped_up_session_keeps_its_relying_parties() {
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let u = a_user("99999999-9999-9999-9999-999999999999", "kim", "kim@example.com");
        store.insert_user(&u, &[]).await.unwrap();
        let signed_in = a_session(&u.id, now);
        store.insert_session(&signed_in).await.unwrap();
        store
            .add_rp_session(&RpSession {
                sid: "step-sid".into(),
                client_id: "client".into(),
                session_hash: signed_in.id_hash.clone(),
                user_id: u.id.clone(),
                created_at: now,
            })
            .await
            .unwrap();
        let stepped = Session {
            id_hash: "b".repeat(64),
            amr: vec!["pwd".into(), "hwk".into(), "mfa".into()],
            ..signed_in.clone()
        };
        assert!(store.promote_session(&signed_in, &stepped).await.unwrap(), "{backend}");
        let again = Session {
            id_hash: "c".repeat(64),
            ..stepped.clone()
        };
        assert!(
            !store.promote_session(&signed_in, &again).await.unwrap(),
            "{backend}: once"
        );

        let moved: Vec<String> = store
            .rp_sessions(0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|rp| rp.sid == "step-sid")
            .map(|rp| rp.session_hash)
            .collect();
        assert_eq!(moved, std::slice::from_ref(&stepped.id_hash), "{backend}");
        family(&store, "step-token", &u.id, &grant("step-sid", "openid")).await;
        let context = store.refresh_context("step-token", now).await.unwrap();
        assert_eq!(context.session, Some(stepped.clone()), "{backend}");
    }
}
