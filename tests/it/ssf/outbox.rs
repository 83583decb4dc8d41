//! The outbox's guarantees: a failed push is retried after a back-off and given up (recorded, audited) after the
//! last attempt; events written before a restart are delivered by the next instance; two instances pushing at
//! once deliver each event exactly once.
use super::common::*;
use crate::common::*;
use chrono::Duration;
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::ssf;
use serde_json::json;

/// A stream that hears of disabled accounts only: one SET per `disable`.
async fn disabled_stream(server: &TestServer, token: &str, endpoint: &str) -> serde_json::Value {
    create_stream_of(server, token, endpoint, &[ssf::ACCOUNT_DISABLED]).await
}

async fn disable(server: &TestServer, username: &str) {
    let user = server.add_user(username, Some(GOOD_PASSWORD)).await;
    let state = server.state();
    accounts::set_status(
        state.store.as_ref(),
        state.clock.now(),
        &Origin::cli(),
        &user,
        UserStatus::Disabled,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_failed_push_is_retried_after_a_back_off_and_given_up_after_the_last_attempt() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let failing = HttpSink::start(500, r#"{"err":"temporarily_unavailable"}"#).await;
    let token = receiver_token(&server, "caep-rp").await;
    let stream = disabled_stream(&server, &token, &failing.url).await;
    let id = stream["stream_id"].as_str().unwrap().to_string();
    disable(&server, "cy").await;

    assert_eq!(deliver(&server).await, 0);
    assert_eq!(failing.received(1).await.len(), 1);
    let row = server.state().store.ssf_entries(&id).await.unwrap().remove(0);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.last_error.as_deref(), Some("HTTP 500: temporarily_unavailable"));
    assert!(row.delivered_at.is_none() && row.failed_at.is_none());
    // Not again before the back-off has passed.
    assert_eq!(deliver(&server).await, 0);
    assert_eq!(failing.received(0).await.len(), 1);

    // The receiver recovers (its stream now points at a working endpoint) and the back-off passes.
    let working = HttpSink::start(202, "").await;
    let patch = json!({ "stream_id": id, "delivery": { "endpoint_url": working.url } });
    assert_eq!(
        ssf_call(&server, "PATCH", "/ssf/streams", &token, Some(&patch))
            .await
            .status,
        200
    );
    server.clock.advance(Duration::seconds(31));
    assert_eq!(deliver(&server).await, 1);
    let got = working.received(1).await;
    let (_, claims) = verify_set(&server, &got[0].body, "caep-rp").await;
    assert_eq!(event_of(&claims).0, ssf::ACCOUNT_DISABLED);
    let row = server.state().store.ssf_entries(&id).await.unwrap().remove(0);
    assert_eq!(row.attempts, 2);
    assert!(row.delivered_at.is_some());
    assert!(row.last_error.is_none());

    // A receiver that never answers 202: given up after the last attempt, kept with its error, audited.
    let patch = json!({ "stream_id": id, "delivery": { "endpoint_url": failing.url } });
    assert_eq!(
        ssf_call(&server, "PATCH", "/ssf/streams", &token, Some(&patch))
            .await
            .status,
        200
    );
    disable(&server, "di").await;
    for _ in 0..ssf::MAX_ATTEMPTS {
        assert_eq!(deliver(&server).await, 0);
        server.clock.advance(Duration::hours(7));
    }
    let backlog = server.state().store.ssf_backlog(&id).await.unwrap();
    assert_eq!((backlog.pending, backlog.delivered, backlog.failed), (0, 1, 1));
    assert_eq!(backlog.last_error.as_deref(), Some("HTTP 500: temporarily_unavailable"));
    assert_eq!(failing.received(0).await.len(), 1 + ssf::MAX_ATTEMPTS as usize);
    assert_eq!(deliver(&server).await, 0);
    assert_eq!(
        failing.received(0).await.len(),
        1 + ssf::MAX_ATTEMPTS as usize,
        "no attempt after giving up"
    );
    let kinds = server.audit_kinds(None).await;
    assert!(
        kinds.iter().any(|(k, o)| k == "ssf.delivery_failed" && o == "failure"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn events_written_before_a_restart_are_delivered_by_the_next_instance() {
    let db = TestDb::new().await;
    let sink = HttpSink::start(202, "").await;
    let first = quiet_server(&db).await;
    let token = receiver_token(&first, "caep-rp").await;
    disabled_stream(&first, &token, &sink.url).await;
    disable(&first, "ed").await;
    first.stop().await;
    assert!(sink.received(0).await.is_empty(), "nothing was pushed before the stop");

    let second = quiet_server(&db).await;
    assert_eq!(deliver(&second).await, 1);
    let got = sink.received(1).await;
    let (_, claims) = verify_set(&second, &got[0].body, "caep-rp").await;
    assert_eq!(event_of(&claims).0, ssf::ACCOUNT_DISABLED);
    let ed = second.user("ed").await;
    assert_eq!(claims["sub_id"]["identifiers"][0]["sub"], ed.id.as_str());
}

#[tokio::test]
async fn two_instances_deliver_each_event_once() {
    let db = TestDb::new().await;
    let sink = HttpSink::start(202, "").await;
    let a = quiet_server(&db).await;
    // Instances of one installation share the public URL, hence the issuer.
    let b = TestServer::start_with(&db.url, Some(&a.base), QUIET).await;
    let token = receiver_token(&a, "caep-rp").await;
    disabled_stream(&a, &token, &sink.url).await;
    for i in 0..12 {
        disable(&a, &format!("user{i}")).await;
    }
    let (from_a, from_b) = tokio::join!(deliver(&a), deliver(&b));
    assert_eq!(from_a + from_b, 12, "a {from_a}, b {from_b}");
    let got = sink.received(12).await;
    assert_eq!(got.len(), 12);
    let mut jtis = std::collections::BTreeSet::new();
    for push in &got {
        let (_, claims) = verify_set(&a, &push.body, "caep-rp").await;
        assert!(
            jtis.insert(claims["jti"].as_str().unwrap().to_string()),
            "a SET arrived twice"
        );
    }
    assert_eq!((deliver(&a).await, deliver(&b).await), (0, 0));
}

#[tokio::test]
async fn the_cli_shows_each_streams_backlog_and_last_error() {
    let cli = crate::cli::common::Cli::new().await;
    let empty = cli.run(&["ssf", "streams"]);
    assert_eq!(empty.stdout.trim(), "No Shared Signals streams.");
    let server = TestServer::start_with(cli.db_url(), None, QUIET).await;
    let failing = HttpSink::start(503, "").await;
    let token = receiver_token(&server, "caep-rp").await;
    disabled_stream(&server, &token, &failing.url).await;
    disable(&server, "fa").await;
    disable(&server, "gu").await;
    assert_eq!(deliver(&server).await, 0);

    let listed = cli.ok(&["ssf", "streams", "--json"]);
    let row = &listed[0];
    assert_eq!(row["client_id"], "caep-rp");
    assert_eq!(
        (
            row["pending"].as_u64(),
            row["delivered"].as_u64(),
            row["failed"].as_u64()
        ),
        (Some(2), Some(0), Some(0))
    );
    assert_eq!(row["last_error"], "HTTP 503");
    assert_eq!(
        (&row["status"], &row["last_delivered_at"]),
        (&json!("enabled"), &json!(null))
    );
    let text = cli.run(&["ssf", "streams"]).stdout;
    assert!(
        text.contains("caep-rp") && text.contains("pending 2") && text.contains("last error: HTTP 503"),
        "{text}"
    );
}

#[tokio::test]
async fn a_set_that_cannot_be_prepared_fails_alone_and_the_rest_goes_out() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let (good, bad) = (HttpSink::start(202, "").await, HttpSink::start(202, "").await);
    let good_token = receiver_token(&server, "good-rp").await;
    let bad_token = receiver_token(&server, "bad-rp").await;
    disabled_stream(&server, &good_token, &good.url).await;
    let broken = disabled_stream(&server, &bad_token, &bad.url).await;
    let id = broken["stream_id"].as_str().unwrap();
    let store = server.state().store.as_ref();
    let mut stream = store.ssf_stream(id).await.unwrap().unwrap();
    stream.authorization_header = Some("not-a-sealed-value".into());
    assert!(store.update_ssf_stream(&stream).await.unwrap());
    disable(&server, "hu").await;

    assert_eq!(deliver(&server).await, 1);
    assert_eq!(good.received(1).await.len(), 1);
    assert!(bad.received(0).await.is_empty());
    let row = store.ssf_entries(id).await.unwrap().remove(0);
    assert_eq!(row.last_error.as_deref(), Some("not signed: server error"));
    assert_eq!(row.attempts, 1);
}

#[tokio::test]
async fn delivered_events_are_deleted_after_the_retention_and_waiting_ones_are_kept() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let (working, failing) = (HttpSink::start(202, "").await, HttpSink::start(500, "").await);
    let good = receiver_token(&server, "good-rp").await;
    let good_id = disabled_stream(&server, &good, &working.url).await["stream_id"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = receiver_token(&server, "bad-rp").await;
    let bad_id = disabled_stream(&server, &bad, &failing.url).await["stream_id"]
        .as_str()
        .unwrap()
        .to_string();
    disable(&server, "ida").await;
    assert_eq!(deliver(&server).await, 1);
    let store = server.state().store.as_ref();

    // Six days on, the delivered row is still shown; past the seven-day default it is deleted.
    server.clock.advance(Duration::days(6));
    assert_eq!(
        gatehouse::app::purge_delivered_signals(server.state()).await.unwrap(),
        0
    );
    assert_eq!(store.ssf_backlog(&good_id).await.unwrap().delivered, 1);
    server.clock.advance(Duration::days(1) + Duration::seconds(1));
    assert_eq!(
        gatehouse::app::purge_delivered_signals(server.state()).await.unwrap(),
        1
    );
    assert!(store.ssf_entries(&good_id).await.unwrap().is_empty());
    assert_eq!(
        store.ssf_entries(&bad_id).await.unwrap().len(),
        1,
        "undelivered rows are kept"
    );
}
