//! `/api/v1/users`: create, read, list with search and cursor pages, change status and roles, factors and
//! trusted browsers; bad input gets a problem naming the field and changes nothing.
use super::common::*;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn create_show_and_list_users_in_cursor_pages() {
    let (server, token) = admin_server().await;
    let body = json!({
        "username": "alice", "email": "alice@example.com", "display_name": "Alice Liddell",
        "roles": ["user"], "phone": "+41446681800",
    });
    let created = call(&server, "POST", "/api/v1/users", Some(&token), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(created.header("location"), Some(format!("/api/v1/users/{id}")));
    assert_eq!(created.json["has_password"], false);
    assert_eq!(created.json["phone"], "+41446681800");
    let with_manager = json!({ "username": "bob", "email": "bob@example.com", "manager": "alice" });
    let bob = call(&server, "POST", "/api/v1/users", Some(&token), Some(&with_manager)).await;
    assert_eq!(bob.status, 201, "{}", bob.text);
    assert_eq!(bob.json["manager"], "alice");

    for path in [format!("/api/v1/users/{id}"), "/api/v1/users/alice".into()] {
        let shown = call(&server, "GET", &path, Some(&token), None).await;
        assert_eq!(shown.status, 200);
        assert_eq!(shown.json["display_name"], "Alice Liddell");
    }
    call(&server, "GET", "/api/v1/users/nobody", Some(&token), None)
        .await
        .assert_problem(404);

    for name in ["carl", "dora", "erin"] {
        server.add_user(name, None).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?limit=2".to_string();
    loop {
        let page = call(&server, "GET", &path, Some(&token), None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for item in page.json["items"].as_array().unwrap() {
            seen.push(item["username"].as_str().unwrap().to_string());
        }
        match page.json["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/users?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["alice", "bob", "carl", "dora", "erin"]);
    let found = call(&server, "GET", "/api/v1/users?q=LIDDELL", Some(&token), None).await;
    assert_eq!(found.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(found.json["items"][0]["username"], "alice");
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let (server, token) = admin_server().await;
    let before = server.state().store.list_users().await.unwrap().len();
    let cases = [
        (json!({ "username": "x y", "email": "x@example.com" }), 400, None),
        (json!({ "username": "xavier", "email": "not-an-address" }), 400, None),
        (
            json!({ "username": "xavier", "email": "x@example.com", "colour": "red" }),
            400,
            Some("colour"),
        ),
        (
            json!({ "username": "xavier", "email": "x@example.com", "roles": ["emperor"] }),
            400,
            None,
        ),
        (
            json!({ "username": 7, "email": "x@example.com" }),
            400,
            Some("username"),
        ),
        (
            json!({ "username": "xavier", "email": "x@example.com", "roles": "admin" }),
            400,
            Some("roles"),
        ),
        (
            json!({ "username": "xavier", "email": "x@example.com", "roles": [1] }),
            400,
            Some("roles[0]"),
        ),
        (json!({ "email": "x@example.com" }), 400, Some("username")),
        (json!([1, 2, 3]), 400, None),
    ];
    for (body, status, field) in cases {
        let reply = call(&server, "POST", "/api/v1/users", Some(&token), Some(&body)).await;
        reply.assert_problem(status);
        if let Some(field) = field {
            assert_eq!(reply.json["errors"][0]["field"], field, "{}", reply.text);
        }
    }
    let huge = json!({ "username": "xavier", "email": "x@example.com", "display_name": "x".repeat(100_000) });
    call(&server, "POST", "/api/v1/users", Some(&token), Some(&huge))
        .await
        .assert_problem(413);
    let raw = reqwest::Client::new()
        .post(server.url("/api/v1/users"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let form = reqwest::Client::new()
        .post(server.url("/api/v1/users"))
        .bearer_auth(&token)
        .form(&[("username", "xavier")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    assert_eq!(
        server.state().store.list_users().await.unwrap().len(),
        before,
        "nothing was created"
    );

    server.add_user("zoe", None).await;
    let reply = call(
        &server,
        "PATCH",
        "/api/v1/users/zoe",
        Some(&token),
        Some(&json!({ "status": "gone" })),
    )
    .await;
    reply.assert_problem(400);
    assert_eq!(reply.json["errors"][0]["field"], "status");
    for query in ["limit=0", "limit=abc", "cursor=***", "bogus=1"] {
        call(&server, "GET", &format!("/api/v1/users?{query}"), Some(&token), None)
            .await
            .assert_problem(400);
    }
    call(&server, "GET", "/api/v1/no-such-thing", Some(&token), None)
        .await
        .assert_problem(404);
    let duplicate = json!({ "username": "zoe", "email": "zoe2@example.com" });
    let reply = call(&server, "POST", "/api/v1/users", Some(&token), Some(&duplicate)).await;
    reply.assert_problem(409);
}

#[tokio::test]
async fn roles_status_factors_and_trusted_devices() {
    let (server, token) = admin_server().await;
    server.add_user("gina", Some(GOOD_PASSWORD)).await;
    let given = call(&server, "PUT", "/api/v1/users/gina/roles/helpdesk", Some(&token), None).await;
    assert_eq!(given.status, 200, "{}", given.text);
    assert!(given.json["roles"].as_array().unwrap().contains(&json!("helpdesk")));
    let taken = call(
        &server,
        "DELETE",
        "/api/v1/users/gina/roles/helpdesk",
        Some(&token),
        None,
    )
    .await;
    assert!(!taken.json["roles"].as_array().unwrap().contains(&json!("helpdesk")));
    let unknown = call(&server, "PUT", "/api/v1/users/gina/roles/emperor", Some(&token), None).await;
    unknown.assert_problem(400);
    assert_eq!(unknown.json["errors"][0]["field"], "role");

    // A signed-in browser, a factor and a trusted browser; disabling ends the session.
    let browser = server.browser();
    browser.login("gina", GOOD_PASSWORD).await;
    let secret = server.enrol_totp(&browser).await;
    let trusting = server.browser();
    trusting.login("gina", GOOD_PASSWORD).await;
    let code = server.totp_code(&secret, 0);
    let done = trusting
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", &code), ("trust", "on")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    let factors = call(&server, "GET", "/api/v1/users/gina/factors", Some(&token), None).await;
    assert_eq!(factors.status, 200);
    assert_eq!(factors.json[0]["kind"], "totp");
    assert!(factors.json[0].get("secret").is_none());
    let devices = call(&server, "GET", "/api/v1/users/gina/trusted-devices", Some(&token), None).await;
    assert_eq!(devices.json.as_array().unwrap().len(), 1, "{}", devices.text);
    let id = devices.json[0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/users/gina/trusted-devices/{id}");
    assert_eq!(call(&server, "DELETE", &path, Some(&token), None).await.status, 204);
    call(&server, "DELETE", &path, Some(&token), None)
        .await
        .assert_problem(404);

    let gina = server.user("gina").await;
    assert!(server.session_count(&gina).await > 0);
    let disabled = call(
        &server,
        "PATCH",
        "/api/v1/users/gina",
        Some(&token),
        Some(&json!({ "status": "disabled" })),
    )
    .await;
    assert_eq!(disabled.json["status"], "disabled");
    assert_eq!(server.session_count(&gina).await, 0, "disabling ends every session");
    let enabled = call(
        &server,
        "PATCH",
        "/api/v1/users/gina",
        Some(&token),
        Some(&json!({ "status": "active" })),
    )
    .await;
    assert_eq!(enabled.json["status"], "active");
    let unlocked = call(&server, "POST", "/api/v1/users/gina/unlock", Some(&token), None).await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.text);
    assert_eq!(unlocked.json["was_locked"], false);
}

#[tokio::test]
async fn profile_changes_rename_delete_and_sessions_go_through_the_same_rules_as_the_cli() {
    let (server, token) = admin_server().await;
    server.add_user("mona", None).await;
    server.add_user("nick", Some(GOOD_PASSWORD)).await;
    let change = json!({
        "email": "nick@corp.example", "display_name": "Nick N.", "phone": "+41446681800", "manager": "mona",
    });
    let changed = call(&server, "PATCH", "/api/v1/users/nick", Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["email"], "nick@corp.example");
    assert_eq!(changed.json["display_name"], "Nick N.");
    assert_eq!(changed.json["phone"], "+41446681800");
    assert_eq!(changed.json["manager"], "mona");
    let nick = server.user("nick").await;
    let kinds: Vec<String> = server
        .state()
        .store
        .list_audit(Some(&nick.id), 20)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.actor.as_deref() == Some("client:svc-admin"))
        .map(|e| e.event.kind)
        .collect();
    for kind in [
        "user.email_changed",
        "user.display_name_changed",
        "user.phone_changed",
        "user.manager_changed",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }

    // null removes; a cycle is refused at the field, and no member of that body is applied.
    let cleared = call(
        &server,
        "PATCH",
        "/api/v1/users/nick",
        Some(&token),
        Some(&json!({ "phone": null })),
    )
    .await;
    assert_eq!(cleared.json["phone"], serde_json::Value::Null, "{}", cleared.text);
    let cycle = call(
        &server,
        "PATCH",
        "/api/v1/users/mona",
        Some(&token),
        Some(&json!({ "display_name": "Mona M.", "manager": "nick" })),
    )
    .await;
    cycle.assert_problem(400);
    assert_eq!(cycle.json["errors"][0]["field"], "manager");
    assert_eq!(
        server.user("mona").await.display_name,
        "mona",
        "a refusal changes nothing, not even the members before it"
    );
    let taken = call(
        &server,
        "PATCH",
        "/api/v1/users/mona",
        Some(&token),
        Some(&json!({ "email": "nick@corp.example" })),
    )
    .await;
    taken.assert_problem(409);
    assert!(taken.json["detail"].as_str().unwrap().contains("nick@corp.example"));

    // Rename keeps the id; the old name is free.
    let renamed = call(
        &server,
        "POST",
        "/api/v1/users/nick/rename",
        Some(&token),
        Some(&json!({ "username": "nicholas" })),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.json["id"], nick.id.as_str());
    call(&server, "GET", "/api/v1/users/nick", Some(&token), None)
        .await
        .assert_problem(404);
    let bad = call(
        &server,
        "POST",
        "/api/v1/users/nicholas/rename",
        Some(&token),
        Some(&json!({ "username": "Not Valid" })),
    )
    .await;
    bad.assert_problem(400);
    assert_eq!(bad.json["errors"][0]["field"], "username");

    // Sessions: listed, one ended (its cookie stops working), then all.
    let first = server.browser();
    first.login("nicholas", GOOD_PASSWORD).await;
    let second = server.browser();
    second.login("nicholas", GOOD_PASSWORD).await;
    let listed = call(&server, "GET", "/api/v1/users/nicholas/sessions", Some(&token), None).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 2, "{}", listed.text);
    let id = listed.json[0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/users/nicholas/sessions/{id}");
    assert_eq!(call(&server, "DELETE", &path, Some(&token), None).await.status, 204);
    call(&server, "DELETE", &path, Some(&token), None)
        .await
        .assert_problem(404);
    assert_eq!(server.session_count(&nick).await, 1);
    let all = call(&server, "DELETE", "/api/v1/users/nicholas/sessions", Some(&token), None).await;
    assert_eq!(all.json["ended"], 1, "{}", all.text);
    assert_eq!(first.get("/account").await.status, 303, "signed out");
    assert_eq!(second.get("/account").await.status, 303, "signed out");

    // Delete: 204, gone, the e-mail address is free again; the audit trail stays.
    assert_eq!(
        call(&server, "DELETE", "/api/v1/users/nicholas", Some(&token), None)
            .await
            .status,
        204
    );
    call(
        &server,
        "GET",
        &format!("/api/v1/users/{}", nick.id),
        Some(&token),
        None,
    )
    .await
    .assert_problem(404);
    let reused = json!({ "username": "nick", "email": "nick@corp.example" });
    assert_eq!(
        call(&server, "POST", "/api/v1/users", Some(&token), Some(&reused))
            .await
            .status,
        201
    );
    let trail = call(&server, "GET", "/api/v1/audit?kind=user.deleted", Some(&token), None).await;
    assert_eq!(trail.json["items"][0]["subject_user_id"], nick.id.as_str());

    // Never the last administrator.
    server.add_user_with("root", None, &["admin"]).await;
    let refused = call(&server, "DELETE", "/api/v1/users/root", Some(&token), None).await;
    refused.assert_problem(409);
    assert!(
        call(&server, "GET", "/api/v1/users/root", Some(&token), None)
            .await
            .status
            == 200
    );
}
