//! `/api/v1/keys` and `/api/v1/saml/certificates`: signing keys and certificates with their schedule (never a
//! private part), rotated through the same functions as `gatehouse keys rotate` and `gatehouse saml rotate-cert`,
//! with the same audit events; only administrators; bad input names the field and changes nothing.
use super::common::*;
use crate::common::*;
use chrono::{DateTime, Duration, Utc};
use gatehouse::core::audit::AuditEvent;
use serde_json::{Value, json};

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().expect("a time").parse().expect("RFC 3339")
}

/// How long after the event the key it names starts signing.
fn lead(event: &AuditEvent) -> Duration {
    time(&event.details["activates_at"]) - event.at
}

#[tokio::test]
async fn list_and_rotate_signing_keys_and_certificates() {
    let (server, token) = admin_server().await;
    let keys = call(&server, "GET", "/api/v1/keys", Some(&token), None).await;
    assert_eq!(keys.status, 200, "{}", keys.text);
    let algs: Vec<&str> = keys
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["alg"].as_str().unwrap())
        .collect();
    for alg in ["ES256", "RS256", "EdDSA"] {
        assert!(algs.contains(&alg), "{algs:?}");
    }
    assert!(
        keys.json
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["state"] == "active" && k["retires_at"].is_null())
    );
    for secret in ["private", "\"d\"", "\"n\""] {
        assert!(!keys.text.contains(secret), "{}", keys.text);
    }

    let rotated = call(
        &server,
        "POST",
        "/api/v1/keys/rotate",
        Some(&token),
        Some(&json!({ "alg": "ES256" })),
    )
    .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = &rotated.json[0];
    assert_eq!(rotated.json.as_array().unwrap().len(), 1);
    assert_eq!(new["alg"], "ES256");
    let activates = time(&new["activates_at"]);
    assert!(
        activates > server.state().clock.now() + Duration::minutes(4),
        "published ahead of signing"
    );
    let keys = call(&server, "GET", "/api/v1/keys", Some(&token), None).await;
    let find = |kid: &Value| {
        keys.json
            .as_array()
            .unwrap()
            .iter()
            .find(|k| &k["kid"] == kid)
            .unwrap()
            .clone()
    };
    assert_eq!(find(&new["kid"])["state"], "next");
    let old = keys
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["alg"] == "ES256" && k["kid"] != new["kid"])
        .unwrap();
    assert_eq!(old["state"], "active");
    assert_eq!(time(&old["retires_at"]), activates + Duration::minutes(15));

    let all = call(
        &server,
        "POST",
        "/api/v1/keys/rotate",
        Some(&token),
        Some(&json!({ "immediately": true })),
    )
    .await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.json.as_array().unwrap().len(), 3);
    let keys = call(&server, "GET", "/api/v1/keys", Some(&token), None).await;
    for key in all.json.as_array().unwrap() {
        let listed = keys
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == key["kid"])
            .unwrap();
        assert_eq!(listed["state"], "active", "{listed}");
    }
    assert_eq!(count_events(&server, "oidc.signing_key_rotated").await, 4);

    let certificates = call(&server, "GET", "/api/v1/saml/certificates", Some(&token), None).await;
    assert_eq!(certificates.status, 200, "{}", certificates.text);
    assert_eq!(certificates.json.as_array().unwrap().len(), 1);
    assert_eq!(certificates.json[0]["state"], "active");
    assert!(!certificates.text.contains("PRIVATE") && !certificates.text.contains("private"));
    let rotated = call(
        &server,
        "POST",
        "/api/v1/saml/certificates/rotate",
        Some(&token),
        Some(&json!({})),
    )
    .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let ahead = time(&rotated.json["activates_at"]) - server.state().clock.now();
    assert!(
        ahead <= Duration::hours(168) && ahead > Duration::hours(167),
        "a week by default: {ahead}"
    );
    let certificates = call(&server, "GET", "/api/v1/saml/certificates", Some(&token), None).await;
    let states: Vec<&str> = certificates
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["next", "active"], "newest first");
    assert_eq!(
        certificates.json[0]["sha256_fingerprint"],
        rotated.json["sha256_fingerprint"]
    );
    assert_eq!(
        time(&certificates.json[1]["retired_at"]),
        time(&rotated.json["activates_at"]) + Duration::hours(24)
    );
}

#[tokio::test]
async fn only_administrators_read_or_rotate_keys() {
    let (server, _) = admin_server().await;
    for (role, token) in non_admin_tokens(&server).await {
        for (method, path, body) in [
            ("GET", "/api/v1/keys", None),
            ("POST", "/api/v1/keys/rotate", Some(json!({}))),
            ("GET", "/api/v1/saml/certificates", None),
            (
                "POST",
                "/api/v1/saml/certificates/rotate",
                Some(json!({ "immediately": true })),
            ),
        ] {
            let reply = call(&server, method, path, Some(&token), body.as_ref()).await;
            assert_eq!(reply.status, 403, "{role}: {method} {path}: {}", reply.text);
            reply.assert_problem(403);
        }
    }
    assert_eq!(server.state().store.signing_keys().await.unwrap().len(), 3);
    assert_eq!(server.state().store.saml_keys().await.unwrap().len(), 1);
    assert_eq!(count_events(&server, "oidc.signing_key_rotated").await, 0);
    assert_eq!(count_events(&server, "saml.key_rotated").await, 0);
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let (server, token) = admin_server().await;
    let cases = [
        ("/api/v1/keys/rotate", json!({ "alg": "HS256" }), Some("alg")),
        ("/api/v1/keys/rotate", json!({ "alg": "none" }), Some("alg")),
        ("/api/v1/keys/rotate", json!({ "colour": "red" }), Some("colour")),
        ("/api/v1/keys/rotate", json!({ "immediately": "yes" }), None),
        ("/api/v1/keys/rotate", json!([]), None),
        (
            "/api/v1/saml/certificates/rotate",
            json!({ "activate_in_hours": 8761 }),
            Some("activate_in_hours"),
        ),
        (
            "/api/v1/saml/certificates/rotate",
            json!({ "keep_previous_hours": -1 }),
            Some("keep_previous_hours"),
        ),
        ("/api/v1/saml/certificates/rotate", json!({ "now": true }), Some("now")),
        (
            "/api/v1/saml/certificates/rotate",
            json!({ "activate_in_hours": "soon" }),
            None,
        ),
    ];
    for (path, body, field) in cases {
        let reply = call(&server, "POST", path, Some(&token), Some(&body)).await;
        reply.assert_problem(400);
        if let Some(field) = field {
            assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
        }
    }
    let huge = json!({ "alg": "x".repeat(100_000) });
    call(&server, "POST", "/api/v1/keys/rotate", Some(&token), Some(&huge))
        .await
        .assert_problem(413);
    // A body is needed (`{}` takes the defaults): an empty one is not JSON.
    let empty = reqwest::Client::new()
        .post(server.url("/api/v1/keys/rotate"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
    assert_eq!(server.state().store.signing_keys().await.unwrap().len(), 3);
    assert_eq!(server.state().store.saml_keys().await.unwrap().len(), 1);
    assert_eq!(count_events(&server, "oidc.signing_key_rotated").await, 0);
    assert_eq!(count_events(&server, "saml.key_rotated").await, 0);
}

#[tokio::test]
async fn rotations_through_the_api_are_audited_as_the_command_line_audits_them() {
    let by_cli = TestServer::start().await;
    let (by_api, token) = admin_server().await;

    cli(&by_cli, &["keys", "rotate", "--alg", "RS256"]);
    let reply = call(
        &by_api,
        "POST",
        "/api/v1/keys/rotate",
        Some(&token),
        Some(&json!({ "alg": "RS256" })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let (api, cli_event) = (
        last_event(&by_api, "oidc.signing_key_rotated").await,
        last_event(&by_cli, "oidc.signing_key_rotated").await,
    );
    assert_same_event(&api, &cli_event, &["kid", "activates_at"]);
    assert_eq!(lead(&api), lead(&cli_event));

    cli(
        &by_cli,
        &[
            "saml",
            "rotate-cert",
            "--activate-in-hours",
            "48",
            "--keep-previous-hours",
            "12",
        ],
    );
    let asked = json!({ "activate_in_hours": 48, "keep_previous_hours": 12 });
    let reply = call(
        &by_api,
        "POST",
        "/api/v1/saml/certificates/rotate",
        Some(&token),
        Some(&asked),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let (api, cli_event) = (
        last_event(&by_api, "saml.key_rotated").await,
        last_event(&by_cli, "saml.key_rotated").await,
    );
    assert_same_event(&api, &cli_event, &["key_id", "activates_at", "retiring", "retired_at"]);
    assert_eq!(lead(&api), lead(&cli_event));
    assert_eq!(lead(&api), Duration::hours(48));
    for event in [&api, &cli_event] {
        assert_eq!(event.details["retiring"].as_array().unwrap().len(), 1);
        assert_eq!(
            time(&event.details["retired_at"]) - time(&event.details["activates_at"]),
            Duration::hours(12)
        );
    }
}
