//! A stream's status and subjects (SSF 1.0 §8.1.2, §8.1.3): paused holds events until enabled again, disabled
//! drops them; a receiver takes a user out of its stream and puts them back; unknown subjects are answered like
//! known ones and store nothing; bad requests are 4xx and change nothing.
use super::common::*;
use crate::api::common::{call, token_with_role};
use crate::common::*;
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::ssf;
use serde_json::{Value, json};

async fn set_status(server: &TestServer, username: &str, status: UserStatus) {
    let user = match server.state().store.user_by_username(username).await.unwrap() {
        Some(user) => user,
        None => server.add_user(username, Some(GOOD_PASSWORD)).await,
    };
    let state = server.state();
    accounts::set_status(state.store.as_ref(), state.clock.now(), &Origin::cli(), &user, status)
        .await
        .unwrap();
}

async fn pending(server: &TestServer, stream_id: &str) -> usize {
    let rows = server.state().store.ssf_entries(stream_id).await.unwrap();
    rows.iter()
        .filter(|r| r.delivered_at.is_none() && r.failed_at.is_none())
        .count()
}

/// A stream of `client` hearing of disabled and enabled accounts, pushing to `sink`.
async fn stream(server: &TestServer, client: &str, sink: &HttpSink) -> (String, String) {
    let token = receiver_token(server, client).await;
    let created = create_stream_of(
        server,
        &token,
        &sink.url,
        &[ssf::ACCOUNT_DISABLED, ssf::ACCOUNT_ENABLED],
    )
    .await;
    (token, created["stream_id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_paused_stream_holds_its_events_and_a_disabled_one_drops_them() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let sink = HttpSink::start(202, "").await;
    let (token, id) = stream(&server, "caep-rp", &sink).await;
    let status_url = format!("/ssf/status?stream_id={id}");
    assert_eq!(
        ssf_call(&server, "GET", &status_url, &token, None).await.json,
        json!({ "stream_id": id, "status": "enabled" })
    );

    let pause = json!({ "stream_id": id, "status": "paused", "reason": "maintenance window" });
    let paused = ssf_call(&server, "POST", "/ssf/status", &token, Some(&pause)).await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(
        paused.json,
        json!({ "stream_id": id, "status": "paused", "reason": "maintenance window" })
    );
    assert_eq!(
        ssf_call(&server, "GET", &status_url, &token, None).await.json,
        paused.json
    );
    set_status(&server, "al", UserStatus::Disabled).await;
    set_status(&server, "al", UserStatus::Active).await;
    assert_eq!(pending(&server, &id).await, 2, "held in the outbox");
    assert_eq!(deliver(&server).await, 0, "nothing goes out while paused");
    assert!(sink.received(0).await.is_empty());

    let enable = json!({ "stream_id": id, "status": "enabled" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &token, Some(&enable))
            .await
            .status,
        200
    );
    assert_eq!(deliver(&server).await, 2);
    let got = sink.received(2).await;
    let mut kinds = Vec::new();
    for push in &got {
        kinds.push(event_of(&verify_set(&server, &push.body, "caep-rp").await.1).0);
    }
    assert_eq!(
        kinds,
        vec![ssf::ACCOUNT_DISABLED, ssf::ACCOUNT_ENABLED],
        "in the order they happened"
    );

    // Paused with one event held, then disabled: the held event is dropped and new ones are not queued.
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &token, Some(&pause))
            .await
            .status,
        200
    );
    set_status(&server, "bo", UserStatus::Disabled).await;
    assert_eq!(pending(&server, &id).await, 1);
    let disable = json!({ "stream_id": id, "status": "disabled" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &token, Some(&disable))
            .await
            .status,
        200
    );
    assert_eq!(pending(&server, &id).await, 0, "a disabled stream holds nothing");
    set_status(&server, "bo", UserStatus::Active).await;
    let verify = json!({ "stream_id": id, "state": "x" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/verify", &token, Some(&verify))
            .await
            .status,
        204
    );
    assert_eq!(pending(&server, &id).await, 0);
    assert_eq!(
        ssf_call(&server, "GET", &status_url, &token, None).await.json["status"],
        "disabled"
    );
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &token, Some(&enable))
            .await
            .status,
        200
    );
    set_status(&server, "cy", UserStatus::Disabled).await;
    assert_eq!(deliver(&server).await, 1, "enabled again, new events flow");
    let changes: Vec<_> = server
        .audit_kinds(None)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "ssf.stream_changed")
        .collect();
    assert_eq!(changes.len(), 1 + 5, "created, and each status change");
}

fn subject_body(id: &str, subject: Value) -> Value {
    json!({ "stream_id": id, "subject": subject, "verified": true })
}

#[tokio::test]
async fn a_receiver_takes_a_user_out_of_its_stream_and_puts_them_back() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let sink = HttpSink::start(202, "").await;
    let (token, id) = stream(&server, "caep-rp", &sink).await;
    let (other_token, other_id) = stream(&server, "risc-rp", &sink).await;
    let ann = server.add_user("ann", Some(GOOD_PASSWORD)).await;

    let by_email = subject_body(&id, json!({ "format": "email", "email": "ANN@example.com" }));
    let removed = ssf_call(&server, "POST", "/ssf/subjects:remove", &token, Some(&by_email)).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let subject = json!({ "format": "iss_sub", "iss": server.base, "sub": ann.id });
    let query = format!(
        "/ssf/status?stream_id={id}&subject={}",
        url::form_urlencoded::byte_serialize(subject.to_string().as_bytes()).collect::<String>()
    );
    assert_eq!(
        ssf_call(&server, "GET", &query, &token, None).await.json["status"],
        "disabled"
    );
    set_status(&server, "ann", UserStatus::Disabled).await;
    assert_eq!(
        pending(&server, &id).await,
        0,
        "nothing about Ann for the stream that took her out"
    );
    assert_eq!(
        pending(&server, &other_id).await,
        1,
        "the other stream still hears of her"
    );

    let added = ssf_call(
        &server,
        "POST",
        "/ssf/subjects:add",
        &token,
        Some(&subject_body(&id, subject)),
    )
    .await;
    assert_eq!((added.status, added.text.as_str()), (200, ""));
    assert_eq!(
        ssf_call(&server, "GET", &query, &token, None).await.json["status"],
        "enabled"
    );
    set_status(&server, "ann", UserStatus::Active).await;
    assert_eq!(pending(&server, &id).await, 1);

    // Opaque ids name a user by `sub`; unknown users and other issuers' subjects are answered alike and store
    // nothing (no probing for accounts).
    let opaque = subject_body(&other_id, json!({ "format": "opaque", "id": ann.id }));
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/subjects:remove", &other_token, Some(&opaque))
            .await
            .status,
        204
    );
    assert_eq!(
        server.state().store.ssf_streams_without(&ann.id).await.unwrap(),
        vec![other_id.clone()]
    );
    let audited = |events: Vec<(String, _)>| events.iter().filter(|(k, _)| k == "ssf.stream_changed").count();
    let before = audited(server.audit_kinds(None).await);
    for unknown in [
        json!({ "format": "email", "email": "nobody@example.com" }),
        json!({ "format": "iss_sub", "iss": "https://elsewhere.example", "sub": ann.id }),
        json!({ "format": "opaque", "id": "no-such-user" }),
    ] {
        for (path, status) in [("/ssf/subjects:remove", 204), ("/ssf/subjects:add", 200)] {
            let reply = ssf_call(&server, "POST", path, &token, Some(&subject_body(&id, unknown.clone()))).await;
            assert_eq!(reply.status, status, "{path} {unknown}: {}", reply.text);
        }
    }
    assert_eq!(
        audited(server.audit_kinds(None).await),
        before,
        "nothing stored or changed"
    );
}

#[tokio::test]
async fn bad_status_and_subject_requests_are_refused_and_change_nothing() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let sink = HttpSink::start(202, "").await;
    let (token, id) = stream(&server, "caep-rp", &sink).await;
    let (other_token, other_id) = stream(&server, "risc-rp", &sink).await;
    let ann = server.add_user("ann", Some(GOOD_PASSWORD)).await;
    let ann_subject = json!({ "format": "iss_sub", "iss": server.base, "sub": ann.id });

    for (body, field) in [
        (json!({ "stream_id": id, "status": "stopped" }), "status"),
        (json!({ "stream_id": id, "status": "ENABLED" }), "status"),
        (json!({ "stream_id": id }), "status"),
        (json!({ "status": "paused" }), "stream_id"),
        (
            json!({ "stream_id": id, "status": "paused", "reason": "a\nb" }),
            "reason",
        ),
        (
            json!({ "stream_id": id, "status": "paused", "reason": "r".repeat(300) }),
            "reason",
        ),
        (
            json!({ "stream_id": id, "status": "paused", "subject": ann_subject }),
            "subject",
        ),
    ] {
        let reply = ssf_call(&server, "POST", "/ssf/status", &token, Some(&body)).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert!(
            reply.json["error_description"].as_str().unwrap().contains(field),
            "{}",
            reply.text
        );
    }
    for body in [
        json!({ "stream_id": id, "subject": { "format": "phone_number", "phone_number": "+12065550100" } }),
        json!({ "stream_id": id, "subject": { "format": "email", "email": "not-an-address" } }),
        json!({ "stream_id": id, "subject": { "format": "iss_sub", "iss": server.base } }),
        json!({ "stream_id": id, "subject": ann.id }),
        json!({ "stream_id": id }),
        json!({ "subject": ann_subject }),
        json!({ "stream_id": id, "subject": ann_subject, "verified": "yes" }),
    ] {
        for path in ["/ssf/subjects:add", "/ssf/subjects:remove"] {
            let reply = ssf_call(&server, "POST", path, &token, Some(&body)).await;
            assert_eq!(reply.status, 400, "{path} {body}: {}", reply.text);
            assert_eq!(reply.json["error"], "invalid_request");
        }
    }
    let malformed = format!("/ssf/status?stream_id={id}&subject=%7Bnot-json");
    assert_eq!(ssf_call(&server, "GET", &malformed, &token, None).await.status, 404);

    // Another receiver's stream is not found; callers that are not receivers are refused.
    let theirs = json!({ "stream_id": other_id, "status": "disabled" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &token, Some(&theirs))
            .await
            .status,
        404
    );
    let take_out = subject_body(&other_id, ann_subject.clone());
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/subjects:remove", &token, Some(&take_out))
            .await
            .status,
        404
    );
    let get_theirs = format!("/ssf/status?stream_id={other_id}");
    assert_eq!(ssf_call(&server, "GET", &get_theirs, &token, None).await.status, 404);
    let pause = json!({ "stream_id": id, "status": "paused" });
    assert_eq!(
        call(&server, "POST", "/ssf/status", None, Some(&pause)).await.status,
        401
    );
    let admin = token_with_role(&server, "admin").await;
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &admin, Some(&pause))
            .await
            .status,
        403
    );
    let mine = subject_body(&id, ann_subject);
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/subjects:remove", &admin, Some(&mine))
            .await
            .status,
        403
    );
    assert_eq!(
        call(&server, "POST", "/ssf/subjects:add", None, Some(&mine))
            .await
            .status,
        401
    );

    let store = server.state().store.as_ref();
    for stream_id in [&id, &other_id] {
        let stream = store.ssf_stream(stream_id).await.unwrap().unwrap();
        assert_eq!(
            (stream.status, stream.status_reason),
            (ssf::StreamStatus::Enabled, None)
        );
    }
    assert!(store.ssf_streams_without(&ann.id).await.unwrap().is_empty());
    let _ = other_token;
}
