//! Stream management: the configuration document, who may manage a stream, create/read/update/delete, and bad
//! input answered as JSON 4xx with nothing stored.
use super::common::*;
use crate::api::common::{call, token_with_role};
use crate::common::*;
use gatehouse::core::ssf;
use serde_json::json;

#[tokio::test]
async fn the_configuration_names_push_delivery_and_our_endpoints() {
    let server = TestServer::start().await;
    let config: serde_json::Value = reqwest::get(server.url("/.well-known/ssf-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["issuer"], server.base);
    assert_eq!(config["jwks_uri"], format!("{}/jwks", server.base));
    assert_eq!(config["delivery_methods_supported"], json!([ssf::PUSH]));
    assert_eq!(config["configuration_endpoint"], format!("{}/ssf/streams", server.base));
    assert_eq!(config["verification_endpoint"], format!("{}/ssf/verify", server.base));
    assert_eq!(config["status_endpoint"], format!("{}/ssf/status", server.base));
    assert_eq!(
        config["add_subject_endpoint"],
        format!("{}/ssf/subjects:add", server.base)
    );
    assert_eq!(
        config["remove_subject_endpoint"],
        format!("{}/ssf/subjects:remove", server.base)
    );
    assert_eq!(config["default_subjects"], "ALL");
    assert_eq!(config["authorization_schemes"][0]["spec_urn"], "urn:ietf:rfc:6749");
}

#[tokio::test]
async fn only_a_receivers_client_token_manages_a_stream_and_it_opens_nothing_else() {
    let server = TestServer::start().await;
    let anonymous = call(&server, "GET", "/ssf/streams", None, None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json["error"], "unauthorized");
    let forged = ssf_call(&server, "GET", "/ssf/streams", "not-a-token", None).await;
    assert_eq!(forged.status, 401);
    assert!(forged.header("www-authenticate").unwrap().contains("invalid_token"));
    let admin = token_with_role(&server, "admin").await;
    assert_eq!(ssf_call(&server, "GET", "/ssf/streams", &admin, None).await.status, 403);
    let scim = token_with_role(&server, "scim").await;
    assert_eq!(ssf_call(&server, "GET", "/ssf/streams", &scim, None).await.status, 403);
    let denied = server.audit_kinds(None).await;
    assert!(denied.iter().any(|(kind, _)| kind == "ssf.access_denied"), "{denied:?}");

    let receiver = receiver_token(&server, "caep-rp").await;
    assert_eq!(
        ssf_call(&server, "GET", "/ssf/streams", &receiver, None).await.json,
        json!([])
    );
    let api = call(&server, "GET", "/api/v1/users", Some(&receiver), None).await;
    assert_eq!(api.status, 403, "{}", api.text);
}

#[tokio::test]
async fn a_receiver_creates_reads_updates_and_deletes_its_stream() {
    let server = TestServer::start().await;
    let token = receiver_token(&server, "caep-rp").await;
    let created = create_stream(&server, &token, "https://rp.example/events").await;
    let id = created["stream_id"].as_str().unwrap().to_string();
    assert_eq!(created["aud"], "caep-rp");
    assert_eq!(created["iss"], server.base);
    assert_eq!(created["delivery"]["method"], ssf::PUSH);
    assert_eq!(created["events_delivered"], json!(ssf::SUPPORTED));
    assert!(
        created["delivery"].get("authorization_header").is_none(),
        "the receiver's secret is not read back"
    );
    let stored = server.state().store.ssf_stream(&id).await.unwrap().unwrap();
    assert_ne!(
        stored.authorization_header.as_deref(),
        Some("Bearer receiver-secret"),
        "sealed at rest"
    );

    let again = ssf_call(&server, "POST", "/ssf/streams", &token, Some(&created)).await;
    assert_eq!(again.status, 409, "{}", again.text);

    let read = ssf_call(&server, "GET", &format!("/ssf/streams?stream_id={id}"), &token, None).await;
    assert_eq!(read.json["stream_id"], id.as_str());
    let list = ssf_call(&server, "GET", "/ssf/streams", &token, None).await;
    assert_eq!(list.json.as_array().unwrap().len(), 1);

    let patch = json!({ "stream_id": id, "events_requested": [ssf::ACCOUNT_DISABLED, "urn:example:unknown"] });
    let updated = ssf_call(&server, "PATCH", "/ssf/streams", &token, Some(&patch)).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["events_delivered"], json!([ssf::ACCOUNT_DISABLED]));
    assert_eq!(updated.json["delivery"]["endpoint_url"], "https://rp.example/events");

    let status = ssf_call(&server, "GET", &format!("/ssf/status?stream_id={id}"), &token, None).await;
    assert_eq!(status.json["status"], "enabled");

    // Another receiver sees no stream of ours.
    let other = receiver_token(&server, "other-rp").await;
    let foreign = ssf_call(&server, "GET", &format!("/ssf/streams?stream_id={id}"), &other, None).await;
    assert_eq!(foreign.status, 404);
    let foreign = ssf_call(&server, "DELETE", &format!("/ssf/streams?stream_id={id}"), &other, None).await;
    assert_eq!(foreign.status, 404);

    let deleted = ssf_call(&server, "DELETE", &format!("/ssf/streams?stream_id={id}"), &token, None).await;
    assert_eq!(deleted.status, 204);
    let gone = ssf_call(&server, "GET", &format!("/ssf/streams?stream_id={id}"), &token, None).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json["error"], "not_found");
    let changes = server.audit_kinds(None).await;
    assert_eq!(changes.iter().filter(|(k, _)| k == "ssf.stream_changed").count(), 3);
}

#[tokio::test]
async fn bad_streams_are_refused_with_json_errors_and_nothing_stored() {
    let server = TestServer::start().await;
    let token = receiver_token(&server, "caep-rp").await;
    let push = |url: &str| json!({ "delivery": { "method": ssf::PUSH, "endpoint_url": url } });
    for (body, field) in [
        (push("http://rp.example/events"), "endpoint_url"),
        (push("https://user:pw@rp.example/events"), "endpoint_url"),
        (push("not a url"), "endpoint_url"),
        (
            json!({ "delivery": { "method": "urn:ietf:rfc:8936", "endpoint_url": "https://rp.example/" } }),
            "method",
        ),
        (json!({ "events_requested": [ssf::CREDENTIAL_CHANGE] }), "delivery"),
        (
            json!({ "events_requested": "all", "delivery": push("https://rp.example/")["delivery"] }),
            "body",
        ),
        (
            json!({ "events_requested": vec!["urn:x"; 40], "delivery": push("https://rp.example/")["delivery"] }),
            "events_requested",
        ),
        (
            json!({ "delivery": { "method": ssf::PUSH, "endpoint_url": "https://rp.example/",
                                  "authorization_header": "Bearer a\r\nX-Injected: 1" } }),
            "authorization_header",
        ),
    ] {
        let reply = ssf_call(&server, "POST", "/ssf/streams", &token, Some(&body)).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert_eq!(reply.json["error"], "invalid_request");
        let said = reply.json["error_description"].as_str().unwrap();
        assert!(said.contains(field) || field == "body", "{said} names {field}");
    }
    let not_json = reqwest::Client::new()
        .post(server.url("/ssf/streams"))
        .bearer_auth(&token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let huge = json!({ "description": "x".repeat(70 * 1024), "delivery": push("https://rp.example/")["delivery"] });
    let reply = ssf_call(&server, "POST", "/ssf/streams", &token, Some(&huge)).await;
    assert!(reply.status == 413 || reply.status == 400, "{}", reply.status);
    assert!(server.state().store.ssf_streams().await.unwrap().is_empty());

    let loopback = create_stream(&server, &token, "http://127.0.0.1:9/events").await;
    let id = loopback["stream_id"].as_str().unwrap();
    let long_state = json!({ "stream_id": id, "state": "s".repeat(300) });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/verify", &token, Some(&long_state))
            .await
            .status,
        400
    );
    let wrong = json!({ "stream_id": "nope", "state": "x" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/verify", &token, Some(&wrong))
            .await
            .status,
        404
    );
    assert!(server.state().store.ssf_entries(id).await.unwrap().is_empty());
}
