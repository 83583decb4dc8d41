//! `/api/v1/clients`: register (the secret answered once), list and read (never a secret), change redirect URIs,
//! rotate the secret, remove — through the same functions as `gatehouse client …`, with the same audit events;
//! only administrators; bad input names the field and changes nothing.
use super::common::*;
use crate::common::*;
use serde_json::{Value, json};

/// The status of a client_credentials token request with these credentials.
async fn token_status(server: &TestServer, id: &str, secret: &str) -> u16 {
    reqwest::Client::new()
        .post(server.url("/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn register_read_change_rotate_and_remove_clients() {
    let (server, token) = admin_server().await;
    let body = json!({
        "client_id": "reports", "redirect_uris": ["https://reports.example.com/cb"],
        "grants": ["authorization_code", "refresh_token", "client_credentials"], "service_role": "auditor",
        "extra_scopes": ["gatehouse:admin"], "min_acr": "urn:gatehouse:acr:mfa", "signing_alg": "RS256",
    });
    let created = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("location").as_deref(), Some("/api/v1/clients/reports"));
    assert_eq!(created.header("cache-control").as_deref(), Some("no-store"));
    let secret = created.json["client_secret"]
        .as_str()
        .expect("a secret, once")
        .to_string();
    assert!(secret.len() >= 43);
    assert_eq!(created.json["service_role"], "auditor");
    assert_eq!(created.json["auth_method"], "client_secret_basic");
    assert_eq!(created.json["extra_scopes"], json!(["gatehouse:admin"]));
    assert_eq!(token_status(&server, "reports", &secret).await, 200);

    let public = json!({ "client_id": "spa", "public": true, "redirect_uris": ["http://localhost:3000/cb"] });
    let spa = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&public)).await;
    assert_eq!(spa.status, 201, "{}", spa.text);
    assert_eq!(spa.json["client_secret"], Value::Null);
    assert_eq!(spa.json["auth_method"], "none");

    let listed = call(&server, "GET", "/api/v1/clients", Some(&token), None).await;
    assert_eq!(listed.status, 200);
    let ids: Vec<&str> = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"reports") && ids.contains(&"spa") && ids.contains(&"svc-admin"),
        "{ids:?}"
    );
    let shown = call(&server, "GET", "/api/v1/clients/reports", Some(&token), None).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.json["redirect_uris"], json!(["https://reports.example.com/cb"]));
    for reply in [&listed, &shown] {
        assert!(
            !reply.text.contains(&secret)
                && !reply.text.contains("secret_hash")
                && !reply.text.contains("client_secret\""),
            "{}",
            reply.text
        );
    }

    let change = json!({
        "redirect_uris": ["https://reports.example.com/cb", "https://reports.example.com/cb2"],
        "post_logout_redirect_uris": ["https://reports.example.com/bye"],
    });
    let changed = call(&server, "PATCH", "/api/v1/clients/reports", Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["redirect_uris"], change["redirect_uris"]);
    let event = last_event(&server, "client.updated").await;
    assert_eq!(
        event.details["before"]["redirect_uris"],
        json!(["https://reports.example.com/cb"])
    );
    assert_eq!(
        event.details["after"]["post_logout_redirect_uris"],
        json!(["https://reports.example.com/bye"])
    );
    let cleared = json!({ "post_logout_redirect_uris": [] });
    let changed = call(
        &server,
        "PATCH",
        "/api/v1/clients/reports",
        Some(&token),
        Some(&cleared),
    )
    .await;
    assert_eq!(changed.json["post_logout_redirect_uris"], json!([]));
    assert_eq!(
        changed.json["redirect_uris"], change["redirect_uris"],
        "left out: unchanged"
    );
    let shown = call(&server, "GET", "/api/v1/clients/reports", Some(&token), None).await;
    assert_eq!(shown.json["redirect_uris"], change["redirect_uris"]);

    let rotated = call(&server, "POST", "/api/v1/clients/reports/secret", Some(&token), None).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_eq!(rotated.header("cache-control").as_deref(), Some("no-store"));
    let new_secret = rotated.json["client_secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    // The instance that rotated forgets its cached copy at once: the old secret stops here without waiting.
    assert_eq!(token_status(&server, "reports", &secret).await, 401);
    assert_eq!(token_status(&server, "reports", &new_secret).await, 200);
    call(&server, "POST", "/api/v1/clients/spa/secret", Some(&token), None)
        .await
        .assert_problem(404);

    let removed = call(&server, "DELETE", "/api/v1/clients/reports", Some(&token), None).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(token_status(&server, "reports", &new_secret).await, 401);
    for (method, path) in [
        ("GET", "/api/v1/clients/reports"),
        ("DELETE", "/api/v1/clients/reports"),
        ("POST", "/api/v1/clients/reports/secret"),
    ] {
        call(&server, method, path, Some(&token), None)
            .await
            .assert_problem(404);
    }
    call(&server, "PATCH", "/api/v1/clients/reports", Some(&token), Some(&change))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn only_administrators_read_or_change_clients() {
    let (server, admin) = admin_server().await;
    let created = call(
        &server,
        "POST",
        "/api/v1/clients",
        Some(&admin),
        Some(&json!({ "client_id": "app", "redirect_uris": ["https://app.example.com/cb"] })),
    )
    .await;
    assert_eq!(created.status, 201);
    let others = non_admin_tokens(&server).await;
    let before = call(&server, "GET", "/api/v1/clients", Some(&admin), None).await;
    let new_client = json!({ "client_id": "intruder", "redirect_uris": ["https://evil.example.com/cb"] });
    let change = json!({ "redirect_uris": ["https://evil.example.com/cb"] });
    for (role, token) in others {
        for (method, path, body) in [
            ("GET", "/api/v1/clients", None),
            ("POST", "/api/v1/clients", Some(&new_client)),
            ("GET", "/api/v1/clients/app", None),
            ("PATCH", "/api/v1/clients/app", Some(&change)),
            ("POST", "/api/v1/clients/app/secret", None),
            ("DELETE", "/api/v1/clients/app", None),
        ] {
            let reply = call(&server, method, path, Some(&token), body).await;
            assert_eq!(reply.status, 403, "{role}: {method} {path}: {}", reply.text);
            reply.assert_problem(403);
        }
    }
    let after = call(&server, "GET", "/api/v1/clients", Some(&admin), None).await;
    assert_eq!(after.json, before.json, "nothing changed");
    for kind in ["client.updated", "client.secret_rotated", "client.removed"] {
        assert_eq!(count_events(&server, kind).await, 0, "{kind}");
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let (server, token) = admin_server().await;
    let app = json!({ "client_id": "app", "redirect_uris": ["https://app.example.com/cb"] });
    assert_eq!(
        call(&server, "POST", "/api/v1/clients", Some(&token), Some(&app))
            .await
            .status,
        201
    );
    let before = call(&server, "GET", "/api/v1/clients", Some(&token), None).await;
    let registered = count_events(&server, "client.registered").await;

    let valid = |extra: Value| {
        let mut body = json!({ "client_id": "new", "redirect_uris": ["https://new.example.com/cb"] });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let cases = [
        (valid(json!({ "colour": "red" })), "colour"),
        (valid(json!({ "client_id": "has space" })), "client_id"),
        (
            valid(json!({ "redirect_uris": ["http://new.example.com/cb"] })),
            "redirect_uris",
        ),
        (
            valid(json!({ "redirect_uris": ["https://new.example.com/cb#frag"] })),
            "redirect_uris",
        ),
        (valid(json!({ "redirect_uris": [] })), "redirect_uris"),
        (
            valid(json!({ "post_logout_redirect_uris": ["javascript:alert(1)"] })),
            "post_logout_redirect_uris",
        ),
        (valid(json!({ "auth_method": "telepathy" })), "auth_method"),
        (valid(json!({ "grants": ["password"] })), "grants"),
        (valid(json!({ "signing_alg": "none" })), "signing_alg"),
        (valid(json!({ "min_acr": "urn:gatehouse:acr:magic" })), "min_acr"),
        (
            valid(json!({ "service_role": "emperor", "grants": ["client_credentials"] })),
            "service_role",
        ),
        (valid(json!({ "service_role": "admin" })), "service_role"),
        (valid(json!({ "extra_scopes": ["root"] })), "extra_scopes"),
        (
            valid(json!({ "auth_method": "private_key_jwt", "jwks": { "keys": [] } })),
            "jwks",
        ),
        (
            valid(json!({ "backchannel_logout_uri": "http://rp.example.com/logout" })),
            "backchannel_logout_uri",
        ),
    ];
    for (body, field) in cases {
        let reply = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&body)).await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
    }
    for body in [
        valid(json!({ "redirect_uris": "https://new.example.com/cb" })),
        valid(json!({ "public": "yes" })),
        json!({ "redirect_uris": ["https://new.example.com/cb"] }),
        json!("new"),
    ] {
        call(&server, "POST", "/api/v1/clients", Some(&token), Some(&body))
            .await
            .assert_problem(400);
    }
    call(&server, "POST", "/api/v1/clients", Some(&token), Some(&app))
        .await
        .assert_problem(409);
    let huge = valid(json!({ "redirect_uris": vec!["https://new.example.com/cb"; 3000] }));
    call(&server, "POST", "/api/v1/clients", Some(&token), Some(&huge))
        .await
        .assert_problem(413);

    let changes = [
        (json!({ "redirect_uris": [] }), "redirect_uris"),
        (
            json!({ "redirect_uris": ["ftp://app.example.com/cb"] }),
            "redirect_uris",
        ),
        (json!({ "redirect_uris": null }), "redirect_uris"),
        (
            json!({ "post_logout_redirect_uris": ["https://app.example.com/#x"] }),
            "post_logout_redirect_uris",
        ),
        (json!({ "client_id": "renamed" }), "client_id"),
        (
            json!({ "redirect_uris": vec!["https://app.example.com/cb"; 101] }),
            "redirect_uris",
        ),
    ];
    for (body, field) in changes {
        let reply = call(&server, "PATCH", "/api/v1/clients/app", Some(&token), Some(&body)).await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
    }
    call(
        &server,
        "PATCH",
        "/api/v1/clients/app",
        Some(&token),
        Some(&json!({ "redirect_uris": 7 })),
    )
    .await
    .assert_problem(400);

    let after = call(&server, "GET", "/api/v1/clients", Some(&token), None).await;
    assert_eq!(after.json, before.json, "nothing changed");
    assert_eq!(count_events(&server, "client.registered").await, registered);
    assert_eq!(count_events(&server, "client.updated").await, 0);
}

#[tokio::test]
async fn changes_through_the_api_are_audited_as_the_command_line_audits_them() {
    let by_cli = TestServer::start().await;
    let (by_api, token) = admin_server().await;

    cli(
        &by_cli,
        &[
            "client",
            "add",
            "webapp",
            "--redirect-uri",
            "https://app.example.com/cb",
            "--grant",
            "authorization_code",
            "--grant",
            "client_credentials",
            "--service-role",
            "helpdesk",
            "--allow-scope",
            "gatehouse:admin",
        ],
    );
    let body = json!({
        "client_id": "webapp", "redirect_uris": ["https://app.example.com/cb"],
        "grants": ["authorization_code", "client_credentials"], "service_role": "helpdesk",
        "extra_scopes": ["gatehouse:admin"],
    });
    assert_eq!(
        call(&by_api, "POST", "/api/v1/clients", Some(&token), Some(&body))
            .await
            .status,
        201
    );
    assert_same_event(
        &last_event(&by_api, "client.registered").await,
        &last_event(&by_cli, "client.registered").await,
        &[],
    );

    cli(
        &by_cli,
        &[
            "client",
            "update",
            "webapp",
            "--redirect-uri",
            "https://app.example.com/cb2",
            "--post-logout-redirect-uri",
            "https://app.example.com/bye",
        ],
    );
    let change = json!({ "redirect_uris": ["https://app.example.com/cb2"],
        "post_logout_redirect_uris": ["https://app.example.com/bye"] });
    assert_eq!(
        call(&by_api, "PATCH", "/api/v1/clients/webapp", Some(&token), Some(&change))
            .await
            .status,
        200
    );
    assert_same_event(
        &last_event(&by_api, "client.updated").await,
        &last_event(&by_cli, "client.updated").await,
        &[],
    );

    cli(&by_cli, &["client", "rotate-secret", "webapp"]);
    assert_eq!(
        call(&by_api, "POST", "/api/v1/clients/webapp/secret", Some(&token), None)
            .await
            .status,
        200
    );
    assert_same_event(
        &last_event(&by_api, "client.secret_rotated").await,
        &last_event(&by_cli, "client.secret_rotated").await,
        &[],
    );

    cli(&by_cli, &["client", "remove", "webapp"]);
    assert_eq!(
        call(&by_api, "DELETE", "/api/v1/clients/webapp", Some(&token), None)
            .await
            .status,
        204
    );
    assert_same_event(
        &last_event(&by_api, "client.removed").await,
        &last_event(&by_cli, "client.removed").await,
        &[],
    );
}

#[tokio::test]
async fn a_clients_name_logo_policy_and_terms_are_read_and_written() {
    let (server, token) = admin_server().await;
    let body = json!({
        "client_id": "wiki", "redirect_uris": ["https://wiki.example.com/cb"], "client_name": "Team Wiki",
        "logo_uri": "https://cdn.example.com/wiki.png", "policy_uri": "https://wiki.example.com/privacy",
    });
    let created = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["client_name"], "Team Wiki");
    assert_eq!(created.json["tos_uri"], Value::Null);
    let shown = call(&server, "GET", "/api/v1/clients/wiki", Some(&token), None).await;
    assert_eq!(shown.json["logo_uri"], "https://cdn.example.com/wiki.png");
    assert_eq!(shown.json["policy_uri"], "https://wiki.example.com/privacy");

    // Refused, at the field, and nothing changes — also when another member of the same change was fine.
    let bad = [
        (json!({ "client_name": "x".repeat(101) }), "client_name"),
        (json!({ "client_name": "line\nbreak" }), "client_name"),
        (json!({ "logo_uri": "http://cdn.example.com/wiki.png" }), "logo_uri"),
        (json!({ "policy_uri": "data:text/html,hi" }), "policy_uri"),
        (
            json!({ "tos_uri": "https://a:b@wiki.example.com/t", "client_name": "Fine" }),
            "tos_uri",
        ),
    ];
    for (change, field) in &bad {
        let reply = call(&server, "PATCH", "/api/v1/clients/wiki", Some(&token), Some(change)).await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], *field, "{change}: {}", reply.text);
        let mut new = change.clone();
        new["client_id"] = "other".into();
        let reply = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&new)).await;
        reply.assert_problem(400);
    }
    call(
        &server,
        "PATCH",
        "/api/v1/clients/wiki",
        Some(&token),
        Some(&json!({ "logo_uri": 7 })),
    )
    .await
    .assert_problem(400);
    let after = call(&server, "GET", "/api/v1/clients/wiki", Some(&token), None).await;
    assert_eq!(after.json, shown.json, "nothing changed");
    assert_eq!(count_events(&server, "client.updated").await, 0);
    assert_eq!(
        call(&server, "GET", "/api/v1/clients/other", Some(&token), None)
            .await
            .status,
        404
    );

    // A change: left out keeps, null removes; audited with the settings before and after.
    let change = json!({ "client_name": "Wiki", "logo_uri": null, "tos_uri": "https://wiki.example.com/terms" });
    let changed = call(&server, "PATCH", "/api/v1/clients/wiki", Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["client_name"], "Wiki");
    assert_eq!(changed.json["logo_uri"], Value::Null);
    assert_eq!(changed.json["policy_uri"], "https://wiki.example.com/privacy");
    assert_eq!(changed.json["tos_uri"], "https://wiki.example.com/terms");
    assert_eq!(changed.json["redirect_uris"], json!(["https://wiki.example.com/cb"]));
    let event = last_event(&server, "client.updated").await;
    assert_eq!(event.details["before"]["client_name"], "Team Wiki");
    assert_eq!(event.details["after"]["client_name"], "Wiki");
    assert_eq!(event.details["after"]["logo_uri"], Value::Null);
    // The same change again changes nothing and records nothing.
    call(&server, "PATCH", "/api/v1/clients/wiki", Some(&token), Some(&change)).await;
    assert_eq!(count_events(&server, "client.updated").await, 1);
}

#[tokio::test]
async fn whether_a_client_must_use_par_is_read_and_written() {
    let (server, token) = admin_server().await;
    let body = json!({
        "client_id": "payroll", "redirect_uris": ["https://payroll.example.com/cb"],
        "require_pushed_authorization_requests": true,
    });
    let created = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["require_pushed_authorization_requests"], true);
    let change = json!({ "require_pushed_authorization_requests": false });
    let changed = call(&server, "PATCH", "/api/v1/clients/payroll", Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["require_pushed_authorization_requests"], false);
    let event = last_event(&server, "client.updated").await;
    assert_eq!(event.details["before"]["require_pushed_authorization_requests"], true);
    assert_eq!(event.details["after"]["require_pushed_authorization_requests"], false);
    call(
        &server,
        "PATCH",
        "/api/v1/clients/payroll",
        Some(&token),
        Some(&json!({ "require_pushed_authorization_requests": "yes" })),
    )
    .await
    .assert_problem(400);
    let shown = call(&server, "GET", "/api/v1/clients/payroll", Some(&token), None).await;
    assert_eq!(shown.json["require_pushed_authorization_requests"], false);
}
