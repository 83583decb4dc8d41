//! `gatehouse user …`: creating, changing, disabling and listing users; bad input refused and changing nothing.
use crate::cli::common::Cli;
use crate::common::*;
use serde_json::Value;

#[tokio::test]
async fn user_administration() {
    let cli = Cli::new().await;
    let boss = cli.ok(&[
        "user",
        "add",
        "boss",
        "--email",
        "boss@example.com",
        "--name",
        "The Boss",
        "--json",
    ]);
    assert_eq!(boss["username"], "boss");
    assert_eq!(boss["roles"], serde_json::json!(["user"]));
    assert_eq!(boss["has_password"], false);

    let out = cli.run_with(
        &[
            "user",
            "add",
            "Yara",
            "--email",
            "yara@example.com",
            "--role",
            "helpdesk",
            "--role",
            "user",
            "--manager",
            "boss",
            "--phone",
            "+41 44 668 18 00",
            "--password-stdin",
            "--json",
        ],
        Some(&format!("{GOOD_PASSWORD}\n")),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let yara = out.json();
    assert_eq!(
        yara["username"], "yara",
        "usernames are case-insensitive, stored lower-case"
    );
    assert_eq!(yara["manager"], "boss");
    assert_eq!(yara["phone"], "+41446681800");
    assert_eq!(yara["roles"], serde_json::json!(["helpdesk", "user"]));
    assert_eq!(yara["has_password"], true);

    let list = cli.ok(&["user", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        cli.ok(&["user", "show", "yara@example.com", "--json"])["username"],
        "yara"
    );

    assert_eq!(cli.ok(&["user", "disable", "yara", "--json"])["status"], "disabled");
    assert_eq!(cli.ok(&["user", "show", "yara", "--json"])["status"], "disabled");
    assert_eq!(cli.ok(&["user", "enable", "yara", "--json"])["status"], "active");
    assert_eq!(
        cli.ok(&["user", "add-role", "yara", "admin", "--json"])["changed"],
        true
    );
    assert_eq!(
        cli.ok(&["user", "add-role", "yara", "admin", "--json"])["changed"],
        false
    );
    cli.fails(&["user", "remove-role", "yara", "admin"], "last administrator");
    assert_eq!(
        cli.ok(&["user", "add-role", "boss", "admin", "--json"])["changed"],
        true
    );
    assert_eq!(
        cli.ok(&["user", "remove-role", "yara", "admin", "--json"])["changed"],
        true
    );

    let set = cli.run_with(
        &["user", "set-password", "boss", "--password-stdin", "--json"],
        Some("amber-falcon-crosses-river\n"),
        &[],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_eq!(cli.ok(&["user", "show", "boss", "--json"])["has_password"], true);

    let audit = cli.ok(&["audit", "list", "--user", "yara", "--json"]);
    let kinds: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"user.created") && kinds.contains(&"user.disabled") && kinds.contains(&"user.role_added"),
        "{kinds:?}"
    );
    assert_eq!(audit[0]["actor"], "cli:tester");

    let text = cli.run(&["user", "list"]);
    assert!(text.stdout.contains("yara") && text.stdout.contains("helpdesk,user"));
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let cli = Cli::new().await;
    cli.ok(&["user", "add", "zoe", "--email", "zoe@example.com", "--json"]);
    cli.fails(
        &["user", "add", "zoe", "--email", "zoe2@example.com"],
        "That username is already in use",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "ZOE@example.com"],
        "That e-mail address is already in use",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "not-an-address"],
        "not a valid e-mail",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "zed@example.com", "--phone", "12"],
        "not a valid phone number",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "zed@example.com", "--role", "emperor"],
        "Unknown role",
    );
    cli.fails(
        &["user", "add", "zed", "--email", "zed@example.com", "--manager", "ghost"],
        "not found",
    );
    cli.fails(
        &["user", "add", "bad name", "--email", "zed@example.com"],
        "username may contain only",
    );
    let weak = cli.run_with(
        &["user", "add", "zed", "--email", "zed@example.com", "--password-stdin"],
        Some("password\n"),
        &[],
    );
    assert_eq!(weak.code, 1);
    assert!(
        weak.stderr.contains("at least 8") || weak.stderr.contains("too easy"),
        "{}",
        weak.stderr
    );
    let empty = cli.run_with(
        &["user", "add", "zed", "--email", "zed@example.com", "--password-stdin"],
        Some(""),
        &[],
    );
    assert_eq!(empty.code, 1);
    cli.fails(&["user", "show", "ghost"], "not found");
    cli.fails(&["user", "disable", "ghost"], "not found");
    cli.fails(&["user", "add-role", "zoe", "emperor"], "Unknown role");
    let json_error = cli.run(&["user", "show", "ghost", "--json"]);
    assert_eq!(json_error.code, 1);
    assert!(
        serde_json::from_str::<Value>(json_error.stderr.trim()).unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("not found")
    );

    let list = cli.ok(&["user", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing but zoe was created");

    let usage = cli.run(&["user", "add", "nobody"]);
    assert_eq!(usage.code, 2, "clap usage error for a missing --email");
}
