//! `/api/v1/audit`: filtered, newest first, cursor pages; people resolved to usernames; export as JSON lines and
//! CSV with the same filter.
use super::common::*;
use serde_json::json;

#[tokio::test]
async fn filter_page_and_export_the_audit_log() {
    let (server, admin) = admin_server().await;
    let auditor = token_with_role(&server, "auditor").await;
    for name in ["amy", "ben", "cat"] {
        let body = json!({ "username": name, "email": format!("{name}@example.com") });
        assert_eq!(
            call(&server, "POST", "/api/v1/users", Some(&admin), Some(&body))
                .await
                .status,
            201
        );
    }
    let bad = server.browser();
    bad.login("amy", "wrong password").await;

    let created = call(
        &server,
        "GET",
        "/api/v1/audit?kind=user.created&actor=client:svc-admin",
        Some(&auditor),
        None,
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let names: Vec<_> = created.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject_username"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["cat", "ben", "amy"], "newest first, people by username");

    let failures = call(
        &server,
        "GET",
        "/api/v1/audit?user=amy&outcome=failure",
        Some(&auditor),
        None,
    )
    .await;
    assert!(
        !failures.json["items"].as_array().unwrap().is_empty(),
        "{}",
        failures.text
    );
    assert!(
        failures.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["outcome"] == "failure" && e["subject_username"] == "amy")
    );
    let prefixed = call(&server, "GET", "/api/v1/audit?kind=user.*", Some(&auditor), None).await;
    assert!(
        prefixed.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"].as_str().unwrap().starts_with("user."))
    );

    // Cursor pages cover the same events as one page, without repeats.
    let all = call(&server, "GET", "/api/v1/audit?limit=200", Some(&auditor), None).await;
    let total = all.json["items"].as_array().unwrap().len();
    let mut ids = Vec::new();
    let mut path = "/api/v1/audit?limit=3".to_string();
    loop {
        let page = call(&server, "GET", &path, Some(&auditor), None).await;
        ids.extend(
            page.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page.json["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/audit?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(ids.len(), total);
    assert!(ids.windows(2).all(|w| w[0] > w[1]));

    // Time bounds: nothing before the epoch of the test clock's past, everything since.
    let future = (server.state().clock.now() + chrono::Duration::hours(1)).to_rfc3339();
    let none = call(
        &server,
        "GET",
        &format!("/api/v1/audit?since={}", encode(&future)),
        Some(&auditor),
        None,
    )
    .await;
    assert_eq!(none.json["items"].as_array().unwrap().len(), 0, "{}", none.text);

    let export = call(
        &server,
        "GET",
        "/api/v1/audit/export?kind=user.created",
        Some(&auditor),
        None,
    )
    .await;
    assert_eq!(export.status, 200);
    assert_eq!(export.header("content-type").as_deref(), Some("application/x-ndjson"));
    let lines: Vec<serde_json::Value> = export.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    let csv = call(
        &server,
        "GET",
        "/api/v1/audit/export?format=csv&kind=user.created",
        Some(&auditor),
        None,
    )
    .await;
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let rows: Vec<&str> = csv.text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 4, "a header and three events: {}", csv.text);
    assert!(rows[0].starts_with("id,at,kind,outcome,actor"));
    assert!(rows[1].contains(",user.created,success,client:svc-admin,"));

    for query in [
        "outcome=maybe",
        "kind=%3Cscript%3E",
        "since=yesterday",
        "user=nobody",
        "cursor=abc",
    ] {
        call(&server, "GET", &format!("/api/v1/audit?{query}"), Some(&auditor), None)
            .await
            .assert_problem(400);
    }
    call(&server, "GET", "/api/v1/audit/export?format=xml", Some(&auditor), None)
        .await
        .assert_problem(400);
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
