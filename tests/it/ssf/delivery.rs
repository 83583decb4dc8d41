//! What a receiver gets: a verification SET with its state, and for a factor added and removed, a sign-out, a
//! password set, a disabled and re-enabled account the CAEP/RISC events, each a SET signed with our published
//! keys, `typ: secevent+jwt`, pushed as `application/secevent+jwt` with the receiver's `Authorization` header.
use super::common::*;
use crate::common::*;
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::ssf;
use serde_json::json;

#[tokio::test]
async fn credential_and_account_changes_arrive_as_signed_sets() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let sink = HttpSink::start(202, "").await;
    let token = receiver_token(&server, "caep-rp").await;
    let stream = create_stream(&server, &token, &format!("{}/events", sink.url)).await;
    let stream_id = stream["stream_id"].as_str().unwrap();

    let verify = json!({ "stream_id": stream_id, "state": "opaque-state-1" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/verify", &token, Some(&verify))
            .await
            .status,
        204
    );
    assert_eq!(deliver(&server).await, 1);
    let got = sink.received(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].path, "/events");
    assert_eq!(got[0].header("content-type"), Some("application/secevent+jwt"));
    assert_eq!(got[0].header("authorization"), Some("Bearer receiver-secret"));
    let (typ, claims) = verify_set(&server, &got[0].body, "caep-rp").await;
    assert_eq!(typ.as_deref(), Some("secevent+jwt"));
    assert_eq!(
        event_of(&claims),
        (ssf::VERIFICATION.to_string(), json!({ "state": "opaque-state-1" }))
    );
    assert_eq!(claims["sub_id"], json!({ "format": "opaque", "id": stream_id }));

    // Ann adds an authenticator app and removes it again, signs out, her password is set by an administrator,
    // her account disabled and enabled; signing in signals nothing.
    let ann = server.add_user("ann", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("ann", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await;
    let factor_id = server.state().store.factors_of(&ann.id).await.unwrap()[0].id.clone();
    let removed = browser
        .submit("/account", "/account/security/remove", &[("factor_id", &factor_id)])
        .await;
    assert_eq!(removed.status, 303);
    assert!(server.state().store.factors_of(&ann.id).await.unwrap().is_empty());
    assert_eq!(browser.submit("/account", "/logout", &[]).await.status, 303);
    let (store, now, cli) = (server.state().store.as_ref(), server.state().clock.now(), Origin::cli());
    accounts::set_password(
        store,
        &server.state().passwords,
        now,
        &cli,
        &ann,
        "amber-otter-gallops-home".into(),
    )
    .await
    .unwrap();
    accounts::set_status(store, now, &cli, &ann, UserStatus::Disabled)
        .await
        .unwrap();
    accounts::set_status(store, now, &cli, &ann, UserStatus::Active)
        .await
        .unwrap();

    // The administrator's password and the disabling end Ann's sessions: a session-revoked each, besides the sign-out.
    assert_eq!(deliver(&server).await, 8);
    let got = sink.received(9).await;
    assert_eq!(got.len(), 9, "one SET per event, nothing for the sign-ins");
    let mut seen = Vec::new();
    let mut jtis = std::collections::BTreeSet::new();
    for push in &got[1..] {
        let (typ, claims) = verify_set(&server, &push.body, "caep-rp").await;
        assert_eq!(typ.as_deref(), Some("secevent+jwt"));
        assert!(jtis.insert(claims["jti"].as_str().unwrap().to_string()));
        let ids = &claims["sub_id"]["identifiers"];
        assert_eq!(claims["sub_id"]["format"], "aliases");
        assert_eq!(
            ids[0],
            json!({ "format": "iss_sub", "iss": server.base, "sub": ann.id })
        );
        assert_eq!(ids[1], json!({ "format": "email", "email": "ann@example.com" }));
        let (kind, event) = event_of(&claims);
        seen.push((kind, event["credential_type"].clone(), event["change_type"].clone()));
    }
    seen.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.to_string().cmp(&b.2.to_string())));
    let cc = ssf::CREDENTIAL_CHANGE.to_string();
    let mut want = vec![
        (cc.clone(), json!("app"), json!("create")),
        (cc.clone(), json!("app"), json!("delete")),
        (cc, json!("password"), json!("update")),
        (ssf::ACCOUNT_DISABLED.to_string(), json!(null), json!(null)),
        (ssf::ACCOUNT_ENABLED.to_string(), json!(null), json!(null)),
        (ssf::SESSION_REVOKED.to_string(), json!(null), json!(null)),
        (ssf::SESSION_REVOKED.to_string(), json!(null), json!(null)),
        (ssf::SESSION_REVOKED.to_string(), json!(null), json!(null)),
    ];
    want.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.to_string().cmp(&b.2.to_string())));
    assert_eq!(seen, want);
    assert_eq!(deliver(&server).await, 0, "each SET is delivered once");
}

#[tokio::test]
async fn a_stream_gets_only_the_events_it_asked_for() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let sink = HttpSink::start(202, "").await;
    let token = receiver_token(&server, "risc-rp").await;
    let body = json!({
        "events_requested": [ssf::ACCOUNT_DISABLED],
        "delivery": { "method": ssf::PUSH, "endpoint_url": sink.url },
    });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/streams", &token, Some(&body))
            .await
            .status,
        201
    );
    let bo = server.add_user("bo", Some(GOOD_PASSWORD)).await;
    let (store, now, cli) = (server.state().store.as_ref(), server.state().clock.now(), Origin::cli());
    accounts::set_password(
        store,
        &server.state().passwords,
        now,
        &cli,
        &bo,
        "amber-otter-gallops-home".into(),
    )
    .await
    .unwrap();
    accounts::set_status(store, now, &cli, &bo, UserStatus::Disabled)
        .await
        .unwrap();
    assert_eq!(deliver(&server).await, 1);
    let got = sink.received(1).await;
    assert!(got[0].header("authorization").is_none(), "no header was configured");
    let (_, claims) = verify_set(&server, &got[0].body, "risc-rp").await;
    assert_eq!(event_of(&claims).0, ssf::ACCOUNT_DISABLED);
}
