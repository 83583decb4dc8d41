//! The audit log in the console: filtered by a GET form, people by username and display name (never by id),
//! pages of 50, and the same filter exported as CSV or JSON lines.
use super::common::*;
use crate::common::*;

#[tokio::test]
async fn the_log_is_filtered_paged_and_names_people_not_ids() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    for n in 0..52 {
        server.add_user(&format!("user{n:02}"), None).await;
    }
    let amy = server
        .create_account(gatehouse::core::accounts::NewAccount {
            display_name: Some("Amy Adams".into()),
            password: Some(GOOD_PASSWORD.into()),
            ..an_account("amy")
        })
        .await;
    assert_eq!(server.browser().login("amy", "wrong password").await.status, 401);
    // An event by root about amy.
    let csrf = browser.get("/admin/users/amy").await.csrf();
    let given = browser
        .post(
            "/admin/users/amy/roles/add",
            &[("csrf", csrf.as_str()), ("role", "helpdesk")],
        )
        .await;
    assert_eq!(given.status, 303);

    let page = browser.get("/admin/audit?kind=user.role_added&actor=root").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body.matches("<tr data-id=").count(), 1);
    assert!(page.body.contains("Amy Adams (amy)") && page.body.contains("(root)"));
    let root = server.user("root").await;
    assert!(
        !page.body.contains(&root.id) && !page.body.contains(&amy.id),
        "never an internal id"
    );
    assert!(
        page.body.contains("value=\"user.role_added\""),
        "the filter is shown again"
    );

    // A person acting through the command line is named too, with the way they came.
    gatehouse::core::audit::record(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &gatehouse::core::audit::Origin {
            actor: format!("user:{} via cli:ops", root.id),
            ..Default::default()
        },
        gatehouse::core::audit::AuditKind::UserEnabled,
        gatehouse::core::audit::Outcome::Success,
        Some(&amy.id),
        serde_json::json!({}),
    )
    .await
    .unwrap();
    let via = browser.get("/admin/audit?kind=user.enabled").await;
    assert!(via.body.contains("root (root)</a> via cli:ops"), "{}", via.body);
    assert!(!via.body.contains(&root.id));

    let failures = browser.get("/admin/audit?user=amy&outcome=failure").await;
    assert_eq!(failures.body.matches("<tr data-id=").count(), 1, "{}", failures.body);
    assert!(failures.body.contains("login.password") && failures.body.contains(">anonymous<"));

    // 53 accounts created by the command line (plus root's own): pages of 50, the cursor an event id.
    let first = browser.get("/admin/audit?kind=user.created").await;
    assert_eq!(first.body.matches("<tr data-id=").count(), 50);
    let next = first
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("before="))
        .expect("older events")
        .replace("&amp;", "&");
    assert!(next.starts_with("/admin/audit?kind=user.created&before="), "{next}");
    let second = browser.get(&next).await;
    assert_eq!(second.body.matches("<tr data-id=").count(), 4, "{}", second.body);

    let future = browser.get("/admin/audit?since=2999-01-01").await;
    assert!(future.body.contains("id=\"no-events\""));
    for (query, says) in [
        ("since=yesterday", "Since:"),
        ("user=nobody", "User: no such user"),
        ("outcome=maybe", "Outcome:"),
        ("kind=%3Cscript%3E", "Kind:"),
    ] {
        let refused = browser.get(&format!("/admin/audit?{query}")).await;
        assert_eq!(refused.status, 400, "{query}");
        assert!(refused.body.contains(says), "{query}: {}", refused.body);
    }
}

#[tokio::test]
async fn the_same_filter_is_exported_as_csv_and_json_lines() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    for name in ["amy", "ben", "cat"] {
        server.add_user(name, None).await;
    }
    let page = browser.get("/admin/audit?kind=user.created&user=ben").await;
    assert!(
        page.body
            .contains("/admin/audit/export?format=csv&amp;user=ben&amp;kind=user.created"),
        "{}",
        page.body
    );

    let csv = browser.get("/admin/audit/export?format=csv&kind=user.created").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert!(csv.header("content-disposition").unwrap().contains("audit.csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].starts_with("id,at,kind,outcome,actor,actor_username"));
    assert_eq!(lines.len(), 1 + 4, "root, amy, ben, cat");
    assert!(lines[1].contains(",cat,"), "newest first, by username: {}", lines[1]);

    let jsonl = browser
        .get("/admin/audit/export?format=jsonl&kind=user.created&user=ben")
        .await;
    assert_eq!(jsonl.status, 200);
    assert_eq!(jsonl.header("content-type").as_deref(), Some("application/x-ndjson"));
    let rows: Vec<serde_json::Value> = jsonl.body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject_username"], "ben");
    assert_eq!(rows[0]["kind"], "user.created");

    assert_eq!(browser.get("/admin/audit/export?format=xml").await.status, 400);
    assert_eq!(
        browser.get("/admin/audit/export?format=csv&since=soon").await.status,
        400
    );
}
