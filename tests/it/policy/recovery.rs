//! The recovery policy per role (issue #17 item 1) as the operator edits it: `gatehouse role set ROLE --recovery
//! PATHS|default --caller-check CHECK|default`, `PATCH /api/v1/roles/{role}` (`recovery_paths`, `caller_check`;
//! `null` = the built-in default) and the console's role page. Shown with the value in force and whether it is the
//! default; every change audited as the other policy changes are; bad input refused and nothing stored.
use crate::admin::common::{admin, api_admin, console_server, events_of};
use crate::api::common::{admin_server, call, count_events};
use crate::cli::common::Cli;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn the_command_line_sets_shows_and_resets_a_roles_recovery_policy() {
    let cli = Cli::new().await;
    let shown = cli.ok(&["role", "show", "user", "--json"]);
    assert_eq!(
        shown["recovery_paths"],
        json!(["backup-factor", "backup-sms", "recovery-codes", "approval"])
    );
    assert_eq!(shown["recovery_paths_default"], true);
    assert_eq!(shown["caller_check"], "either");
    assert_eq!(shown["caller_check_default"], true);
    let admin = cli.ok(&["role", "show", "admin", "--json"]);
    assert_eq!(
        admin["recovery_paths"],
        json!(["backup-factor", "recovery-codes", "two-admins"])
    );
    assert_eq!(admin["caller_check"], "user");

    let changed = cli.ok(&[
        "role",
        "set",
        "user",
        "--recovery",
        "approval,backup-factor",
        "--caller-check",
        "both",
        "--json",
    ]);
    assert_eq!(changed["changed"], true);
    assert_eq!(changed["recovery_paths"], json!(["backup-factor", "approval"]));
    assert_eq!(changed["recovery_paths_default"], false);
    assert_eq!(changed["caller_check"], "both");
    assert_eq!(changed["caller_check_default"], false);
    let text = cli.run(&["role", "show", "user"]).stdout;
    assert!(
        text.contains("recovery paths           backup-factor,approval\n"),
        "{text}"
    );
    assert!(text.contains("caller check             both\n"), "{text}");

    let original = cli.ok(&["role", "show", "user", "--json"]);
    for (args, message) in [
        (
            vec!["--recovery", "backup-factor,teleport"],
            "--recovery: Unknown recovery path 'teleport'",
        ),
        (
            vec!["--recovery", "backup-factor,recovery-codes"],
            "must include 'approval' or 'two-admins'",
        ),
        (vec!["--recovery", ""], "must include"),
        (
            vec!["--caller-check", "sometimes"],
            "--caller-check: Unknown caller check",
        ),
        // One bad option spoils a good one beside it.
        (
            vec!["--recovery", "two-admins", "--caller-check", "maybe"],
            "Unknown caller check",
        ),
    ] {
        let mut full = vec!["role", "set", "user"];
        full.extend(args.iter().copied());
        cli.fails(&full, message);
        assert_eq!(
            cli.ok(&["role", "show", "user", "--json"]),
            original,
            "{args:?} changed nothing"
        );
    }

    let back = cli.ok(&[
        "role",
        "set",
        "user",
        "--recovery",
        "default",
        "--caller-check",
        "default",
        "--json",
    ]);
    assert_eq!(back["recovery_paths_default"], true);
    assert_eq!(back["caller_check_default"], true);
    assert_eq!(back["recovery_paths"], shown["recovery_paths"]);
    let audit = cli.ok(&["audit", "list", "--json"]);
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "role.policy_changed"
                && e["details"]["after"]["recovery"]["paths"] == json!(["backup-factor", "approval"])
                && e["details"]["after"]["recovery"]["caller_check"] == "both"),
        "the change is audited with the policy before and after"
    );
}

#[tokio::test]
async fn the_api_edits_the_recovery_policy_and_refuses_bad_names_by_field() {
    let (server, token) = admin_server().await;
    let path = "/api/v1/roles/helpdesk";
    let shown = call(&server, "GET", path, Some(&token), None).await;
    assert_eq!(
        shown.json["recovery_paths"],
        json!(["backup-factor", "recovery-codes", "two-admins"])
    );
    assert_eq!(shown.json["recovery_paths_default"], true);
    assert_eq!(shown.json["caller_check"], "user");

    let change = json!({ "recovery_paths": ["two-admins", "backup-factor"], "caller_check": "both" });
    let changed = call(&server, "PATCH", path, Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["recovery_paths"], json!(["backup-factor", "two-admins"]));
    assert_eq!(changed.json["recovery_paths_default"], false);
    assert_eq!(changed.json["caller_check"], "both");
    assert_eq!(changed.json["caller_check_default"], false);
    assert_eq!(count_events(&server, "role.policy_changed").await, 1);

    let before = call(&server, "GET", path, Some(&token), None).await;
    for (body, field) in [
        (json!({ "recovery_paths": ["teleport", "approval"] }), "recovery_paths"),
        (json!({ "recovery_paths": ["backup-factor"] }), "recovery_paths"),
        (json!({ "recovery_paths": [] }), "recovery_paths"),
        (json!({ "recovery_paths": ["approval,backup-sms"] }), "recovery_paths"),
        (json!({ "caller_check": "sometimes" }), "caller_check"),
        (
            json!({ "caller_check": "both", "recovery_paths": ["backup-sms"] }),
            "recovery_paths",
        ),
    ] {
        let reply = call(&server, "PATCH", path, Some(&token), Some(&body)).await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
    }
    call(
        &server,
        "PATCH",
        path,
        Some(&token),
        Some(&json!({ "caller_check": 3 })),
    )
    .await
    .assert_problem(400);
    let after = call(&server, "GET", path, Some(&token), None).await;
    assert_eq!(after.json, before.json, "nothing changed");
    assert_eq!(count_events(&server, "role.policy_changed").await, 1);

    let reset = json!({ "recovery_paths": null, "caller_check": null });
    let reply = call(&server, "PATCH", path, Some(&token), Some(&reset)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["recovery_paths"], shown.json["recovery_paths"]);
    assert_eq!(reply.json["recovery_paths_default"], true);
    assert_eq!(reply.json["caller_check_default"], true);

    let doc = call(&server, "GET", "/api/v1/openapi.json", None, None).await;
    let schemas = &doc.json["components"]["schemas"];
    assert!(
        schemas["RoleChange"]["properties"]["recovery_paths"].is_object(),
        "{}",
        schemas["RoleChange"]
    );
    assert!(schemas["RoleView"]["properties"]["caller_check_default"].is_object());
}

/// The role form with the recovery fieldset as the page fills it for `user` by default.
fn form<'a>(csrf: &'a str, recovery: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("kind_webauthn", "on"),
        ("kind_totp", "on"),
        ("kind_oath_token", "on"),
        ("kind_sms", "on"),
        ("kind_recovery_code", "on"),
        ("enforce_from", ""),
        ("grace_days", "0"),
        ("trusted_device_days", "0"),
        ("reauth_absolute_minutes", ""),
        ("reauth_idle_minutes", ""),
        ("ip_allow", ""),
        ("ip_deny", ""),
        ("recovery_delay_minutes", ""),
    ];
    form.extend(recovery.iter().copied());
    form
}

fn ticked(page: &Page, name: &str) -> bool {
    page.body.contains(&format!("name=\"{name}\" value=\"on\" checked"))
}

#[tokio::test]
async fn the_console_role_page_edits_the_recovery_policy() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let token = api_admin(&server).await;
    let page = browser.get("/admin/roles/user").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"recovery-policy\""), "{}", page.body);
    assert!(ticked(&page, "recovery_default"), "the built-in paths by default");
    assert!(page.body.contains("A saved recovery code (self-service)"));
    let csrf = page.csrf();

    let events = events_of(&server, "role.policy_changed").await;
    for (recovery, says) in [
        (
            vec![("path_backup-factor", "on")],
            "tick at least one kind of reset request",
        ),
        (vec![], "tick at least one kind of reset request"),
        (
            vec![("recovery_default", "on"), ("caller_check", "sometimes")],
            "Caller verification: choose one of the listed checks",
        ),
    ] {
        let refused = browser.post("/admin/roles/user", &form(&csrf, &recovery)).await;
        assert_eq!(refused.status, 400, "{recovery:?}: {}", refused.body);
        assert!(refused.body.contains(says), "{recovery:?}: {}", refused.body);
    }
    assert_eq!(
        events_of(&server, "role.policy_changed").await,
        events,
        "nothing stored"
    );

    let set = form(
        &csrf,
        &[
            ("path_backup-factor", "on"),
            ("path_two-admins", "on"),
            ("caller_check", "manager"),
        ],
    );
    let done = browser.post("/admin/roles/user", &set).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let shown = call(&server, "GET", "/api/v1/roles/user", Some(&token), None).await;
    assert_eq!(shown.json["recovery_paths"], json!(["backup-factor", "two-admins"]));
    assert_eq!(shown.json["caller_check"], "manager");
    assert_eq!(events_of(&server, "role.policy_changed").await, events + 1);
    let page = browser.get("/admin/roles/user").await;
    assert!(!ticked(&page, "recovery_default"));
    assert!(ticked(&page, "path_two-admins") && !ticked(&page, "path_approval"));
    assert!(
        page.body.contains("<option value=\"manager\" selected>"),
        "{}",
        page.body
    );

    let back = browser
        .post(
            "/admin/roles/user",
            &form(&csrf, &[("recovery_default", "on"), ("caller_check", "")]),
        )
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    let shown = call(&server, "GET", "/api/v1/roles/user", Some(&token), None).await;
    assert_eq!(shown.json["recovery_paths_default"], true);
    assert_eq!(shown.json["caller_check_default"], true);

    // In German too.
    assert_eq!(browser.get("/language/de").await.status, 303);
    let de = browser.get("/admin/roles/user").await;
    assert!(
        de.body.contains("Ein gespeicherter Wiederherstellungscode"),
        "{}",
        de.body
    );
}
