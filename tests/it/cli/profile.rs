//! `gatehouse user set-email | set-name | set-phone | set-manager | rename | delete | sessions | end-sessions`:
//! each change made and audited, each refusal naming what is wrong and changing nothing, deletion freeing the
//! name and address while the audit trail stays, a phone change revoking trusted browsers and telling the old
//! channels, and ending a session from the command line signing the browser out.
use crate::cli::common::Cli;
use crate::common::*;
use chrono::Duration;
use gatehouse::core::clock::{Clock, SystemClock};
use gatehouse::core::signin::trusted_devices::device::TrustedDevice;
use gatehouse::core::store::TrustedDeviceStore;
use gatehouse::store::SeaStore;
use serde_json::{Value, json};

fn kinds_of(events: &Value) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn profile_fields_change_and_are_audited() {
    let cli = Cli::new().await;
    cli.ok(&["user", "add", "boss", "--email", "boss@example.com", "--json"]);
    let yara = cli.ok(&["user", "add", "yara", "--email", "yara@example.com", "--json"]);

    let changed = cli.ok(&["user", "set-email", "yara", "Yara.New@Example.com", "--json"]);
    assert_eq!(changed["email"], "Yara.New@Example.com");
    assert_eq!(
        cli.ok(&["user", "show", "yara.new@example.com", "--json"])["username"],
        "yara",
        "found by the new address, whatever its case"
    );
    cli.fails(&["user", "show", "yara@example.com"], "not found");
    let mails = mails_in(cli.data_dir(), 1).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: yara@example.com") && m.contains("Yara.New@Example.com")),
        "the old address is told where mail goes now: {mails:?}"
    );

    assert_eq!(
        cli.ok(&["user", "set-name", "yara", "  Yara Y.  ", "--json"])["display_name"],
        "Yara Y."
    );
    assert_eq!(
        cli.ok(&["user", "set-name", "yara", "", "--json"])["display_name"],
        "yara",
        "an empty name means the username"
    );
    assert_eq!(
        cli.ok(&["user", "set-phone", "yara", "+41 44 668 18 00", "--json"])["phone"],
        "+41446681800"
    );
    assert_eq!(
        cli.ok(&["user", "set-phone", "yara", "--clear", "--json"])["phone"],
        Value::Null
    );
    assert_eq!(
        cli.ok(&["user", "set-manager", "yara", "boss", "--json"])["manager"],
        "boss"
    );
    assert_eq!(
        cli.ok(&["user", "set-manager", "yara", "boss@example.com", "--json"])["manager"],
        "boss",
        "by e-mail address too"
    );
    let text = cli.run(&["user", "set-manager", "yara", "--clear"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("yara has no manager"), "{}", text.stdout);

    let renamed = cli.ok(&["user", "rename", "yara", "Yara.B", "--json"]);
    assert_eq!(renamed["username"], "yara.b", "stored lower-case");
    assert_eq!(renamed["id"], yara["id"], "the id stays");
    cli.fails(&["user", "show", "yara"], "not found");

    // The text names people, never by internal id; the JSON keeps the ids.
    let text = cli.run(&["audit", "list", "--user", "yara.b"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("user.renamed"), "{}", text.stdout);
    assert!(
        text.stdout.contains("(yara.b)") || text.stdout.contains(" yara.b"),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains(yara["id"].as_str().unwrap()), "{}", text.stdout);
    let audit = cli.ok(&["audit", "list", "--user", "yara.b", "--json"]);
    let kinds = kinds_of(&audit);
    for kind in [
        "user.created",
        "user.email_changed",
        "user.display_name_changed",
        "user.phone_changed",
        "user.manager_changed",
        "user.renamed",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let renamed_event = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "user.renamed")
        .unwrap();
    assert_eq!(renamed_event["details"]["old"], "yara");
    assert_eq!(renamed_event["details"]["new"], "yara.b");
    assert_eq!(renamed_event["actor"], "cli:tester");
    let mail_event = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "user.email_changed")
        .unwrap();
    assert_eq!(
        (&mail_event["details"]["old"], &mail_event["details"]["new"]),
        (&json!("yara@example.com"), &json!("Yara.New@Example.com"))
    );
}

#[tokio::test]
async fn bad_changes_are_refused_naming_what_is_wrong_and_change_nothing() {
    let cli = Cli::new().await;
    cli.ok(&["user", "add", "ceo", "--email", "ceo@example.com", "--json"]);
    cli.ok(&[
        "user",
        "add",
        "boss",
        "--email",
        "boss@example.com",
        "--manager",
        "ceo",
        "--json",
    ]);
    cli.ok(&[
        "user",
        "add",
        "yara",
        "--email",
        "yara@example.com",
        "--manager",
        "boss",
        "--phone",
        "+41446681800",
        "--json",
    ]);
    let before: Vec<Value> = ["ceo", "boss", "yara"]
        .iter()
        .map(|u| cli.ok(&["user", "show", u, "--json"]))
        .collect();

    cli.fails(
        &["user", "set-email", "yara", "BOSS@example.com"],
        "email: the address 'BOSS@example.com' is already in use",
    );
    cli.fails(
        &["user", "set-email", "yara", "not-an-address"],
        "email: 'not-an-address' is not a valid",
    );
    cli.fails(
        &["user", "rename", "yara", "Boss"],
        "username: 'boss' is already in use",
    );
    cli.fails(
        &["user", "rename", "yara", "bad name"],
        "username: A username may contain only",
    );
    cli.fails(
        &["user", "set-name", "yara", &"x".repeat(129)],
        "display_name: A display name has at most 128",
    );
    cli.fails(
        &["user", "set-phone", "yara", "12"],
        "phone: '12' is not a valid phone number",
    );
    cli.fails(
        &["user", "set-manager", "yara", "yara"],
        "manager: a user cannot be their own manager",
    );
    cli.fails(&["user", "set-manager", "yara", "yara@example.com"], "own manager");
    cli.fails(
        &["user", "set-manager", "boss", "yara"],
        "manager: yara reports to boss",
    );
    cli.fails(
        &["user", "set-manager", "ceo", "yara"],
        "manager: yara reports to ceo, directly or through others; that would make a cycle",
    );
    cli.fails(&["user", "set-manager", "yara", "ghost"], "manager: no user 'ghost'");
    cli.fails(
        &["user", "set-email", "ghost", "ghost@example.com"],
        "user 'ghost' not found",
    );
    cli.fails(
        &["user", "end-sessions", "yara", "--session", "nope"],
        "session 'nope' of yara not found",
    );
    for usage in [
        vec!["user", "set-phone", "yara"],
        vec!["user", "set-phone", "yara", "+41446681800", "--clear"],
        vec!["user", "set-manager", "yara"],
    ] {
        assert_eq!(cli.run(&usage).code, 2, "{usage:?}: a usage error");
    }

    let after: Vec<Value> = ["ceo", "boss", "yara"]
        .iter()
        .map(|u| cli.ok(&["user", "show", u, "--json"]))
        .collect();
    assert_eq!(before, after, "nothing changed");
    assert_eq!(after[2]["phone"], "+41446681800");
    assert_eq!(after[1]["manager"], "ceo");
}

#[tokio::test]
async fn deleting_frees_the_name_and_address_and_keeps_the_audit_trail() {
    let cli = Cli::new().await;
    let root = cli.ok(&[
        "user",
        "add",
        "root",
        "--email",
        "root@example.com",
        "--role",
        "admin",
        "--json",
    ]);
    let boss = cli.ok(&["user", "add", "boss", "--email", "boss@example.com", "--json"]);
    cli.ok(&[
        "user",
        "add",
        "yara",
        "--email",
        "yara@example.com",
        "--manager",
        "boss",
        "--json",
    ]);

    let refused = cli.run(&["user", "delete", "boss"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("without --yes"), "{}", refused.stderr);
    assert_eq!(
        cli.ok(&["user", "show", "boss", "--json"])["id"],
        boss["id"],
        "still there"
    );
    cli.fails(&["user", "delete", "root", "--yes"], "the last administrator");
    cli.fails(&["user", "delete", "ghost", "--yes"], "not found");

    let deleted = cli.ok(&["user", "delete", "boss", "--yes", "--json"]);
    assert_eq!(deleted["username"], "boss");
    assert_eq!(
        deleted["reports"],
        json!([{ "id": cli.ok(&["user", "show", "yara", "--json"])["id"], "username": "yara" }])
    );
    cli.fails(&["user", "show", "boss"], "not found");
    assert_eq!(
        cli.ok(&["user", "show", "yara", "--json"])["manager"],
        Value::Null,
        "the report has no manager now"
    );

    let again = cli.ok(&["user", "add", "boss", "--email", "BOSS@example.com", "--json"]);
    assert_ne!(again["id"], boss["id"], "a new account, a new id");

    let log = cli.ok(&["audit", "list", "--limit", "500", "--json"]);
    let of_old_boss: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject_user_id"] == boss["id"])
        .collect();
    let kinds: Vec<&str> = of_old_boss.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"user.deleted") && kinds.contains(&"user.created"),
        "the earlier events stay under the old id: {kinds:?}"
    );
    let event = of_old_boss.iter().find(|e| e["kind"] == "user.deleted").unwrap();
    assert_eq!(event["details"]["username"], "boss", "the log stays readable");
    assert_eq!(event["details"]["reports"][0]["username"], "yara");
    assert_eq!(
        cli.ok(&["audit", "list", "--user", "boss", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "the new boss has only their own creation"
    );

    // With a second administrator, an administrator can go.
    cli.ok(&["user", "add-role", "yara", "admin", "--json"]);
    let gone = cli.ok(&["user", "delete", "root@example.com", "--yes", "--json"]);
    assert_eq!(gone["id"], root["id"]);
    assert_eq!(gone["roles"], json!(["admin"]));
}

// Several threads: the SMS sink answers while this one waits for the command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_change_revokes_trusted_browsers_and_tells_the_old_channels() {
    let sink = HttpSink::start(200, "{}").await;
    let url = format!("{}/sms", sink.url);
    let sms_env = [
        ("GATEHOUSE_SMS_DRIVER", "webhook"),
        ("GATEHOUSE_SMS_WEBHOOK_URL", url.as_str()),
        ("GATEHOUSE_SMS_WEBHOOK_SECRET", crate::factors::sms::SECRET),
    ];
    let cli = Cli::new().await;
    cli.ok(&[
        "user",
        "add",
        "pia",
        "--email",
        "pia@example.com",
        "--phone",
        "+41446681800",
        "--json",
    ]);
    let pia = cli.ok(&["user", "show", "pia", "--json"]);
    let store = SeaStore::connect(cli.db_url()).await.unwrap();
    let now = SystemClock.now();
    store
        .put_trusted_device(&TrustedDevice {
            id: "laptop".into(),
            browser_hash: "b".repeat(64),
            user_id: pia["id"].as_str().unwrap().into(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0".into(),
            created_at: now,
            trusted_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(14),
        })
        .await
        .unwrap();
    let devices = cli.ok(&["user", "devices", "pia", "--json"]);
    assert_eq!(
        devices["devices"].as_array().unwrap().len(),
        1,
        "trusted before: {devices}"
    );

    let out = cli.run_with(
        &["user", "set-phone", "pia", "+41 44 668 18 99", "--json"],
        None,
        &sms_env,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["phone"], "+41446681899");
    assert!(
        cli.ok(&["user", "devices", "pia", "--json"])["devices"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the trusted browser no longer skips the second factor"
    );

    let text = crate::factors::sms::text(&sink, 1).await;
    assert_eq!(text["to"], "+41446681800", "the old number is told");
    assert!(
        text["message"]
            .as_str()
            .unwrap()
            .contains("account pia was changed to +41"),
        "{text}"
    );
    let mails = mails_in(cli.data_dir(), 1).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: pia@example.com") && m.contains("phone number on your account")),
        "{mails:?}"
    );

    let audit = cli.ok(&["audit", "list", "--user", "pia", "--json"]);
    let events = audit.as_array().unwrap();
    let revoked = events.iter().find(|e| e["kind"] == "device.revoked_all").unwrap();
    assert_eq!(revoked["details"], json!({ "reason": "phone_changed", "count": 1 }));
    let changed = events.iter().find(|e| e["kind"] == "user.phone_changed").unwrap();
    assert_eq!(changed["details"]["trusted_devices_revoked"], 1);
    assert_eq!(changed["details"]["notified"], json!(["mail", "sms:+41•••••••00"]));

    // Clearing the number tells the old one too; setting it to what it is changes and tells nothing.
    let cleared = cli.run_with(&["user", "set-phone", "pia", "--clear", "--json"], None, &sms_env);
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    let text = crate::factors::sms::text(&sink, 2).await;
    assert_eq!(text["to"], "+41446681899");
    assert!(text["message"].as_str().unwrap().contains("was removed"), "{text}");
    let same = cli.run_with(&["user", "set-phone", "pia", "--clear", "--json"], None, &sms_env);
    assert_eq!(same.code, 0, "{}", same.stderr);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.received(3).await.len(), 2, "no text for no change");
}

#[tokio::test]
async fn ending_sessions_from_the_command_line_signs_the_browser_out() {
    let cli = Cli::new().await;
    let server = TestServer::start_on(cli.db_url(), None).await;
    server.add_user("tom", Some(GOOD_PASSWORD)).await;
    let laptop = server.browser();
    let phone = server.browser();
    for browser in [&laptop, &phone] {
        assert_eq!(browser.login("tom", GOOD_PASSWORD).await.status, 303);
        assert_eq!(browser.get("/account").await.status, 200, "signed in");
    }

    let listed = cli.ok(&["user", "sessions", "tom", "--json"]);
    let sessions = listed["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{listed}");
    for s in sessions {
        assert_eq!(s["state"], "authenticated");
        assert_eq!(s["amr"], json!(["pwd"]));
        assert_eq!(s["acr"], "urn:gatehouse:acr:password");
        assert_eq!(s["id"].as_str().unwrap().len(), 32);
    }

    // Which listed session is the laptop's: end the first and see which browser is signed out.
    let first = sessions[0]["id"].as_str().unwrap().to_string();
    let ended = cli.ok(&["user", "end-sessions", "tom", "--session", &first, "--json"]);
    assert_eq!(ended["ended"], 1);
    let statuses = [laptop.get("/account").await.status, phone.get("/account").await.status];
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "exactly one browser lost its session: {statuses:?}"
    );
    assert_eq!(
        cli.ok(&["user", "sessions", "tom", "--json"])["sessions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    cli.fails(&["user", "end-sessions", "tom", "--session", &first], "not found");

    let all = cli.ok(&["user", "end-sessions", "tom", "--json"]);
    assert_eq!(all["ended"], 1);
    for browser in [&laptop, &phone] {
        let page = browser.get("/account").await;
        assert_eq!(page.status, 303, "the cookie no longer works");
        assert!(page.location().unwrap_or_default().starts_with("/login"));
    }
    let text = cli.run(&["user", "sessions", "tom"]);
    assert!(text.stdout.contains("tom has no live sessions"), "{}", text.stdout);
    let kinds = server.audit_kinds(Some(&server.user("tom").await)).await;
    assert!(
        kinds.contains(&("user.session_ended".into(), "success".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("user.sessions_ended".into(), "success".into())),
        "{kinds:?}"
    );
    server.stop().await;
}
