//! The admin console in a real browser: Debian Chromium, driven by playwright-core (`tests/interop/admin_console.mjs`),
//! signs an administrator in with password and app code, is refused, registers a passkey, steps up with it, then
//! creates a user with a manager, gives a role, finds the event in the audit log and exports it, changes the user's
//! manager, requires a second factor of a role, registers a client (its secret shown once), adds a SAML SP from the
//! stored metadata fixture through the file field, rotates a signing key, imports hardware tokens and opens a factor
//! reset from an account page, read on the helpdesk's page, then switches to German and looks at the dashboard and
//! the users page — running axe-core on every console page (no serious or
//! critical violation allowed) and checking at 1440 and 390 px that no page scrolls sideways. Here the manager then
//! approves the reset and a second agent executes it. Screenshots of each page at both widths go to
//! `GATEHOUSE_SCREENSHOTS`, by default `<target>/tmp/admin-console-screenshots`.
//!
//! `make test` installs node's packages and sets GATEHOUSE_INTEROP=1, under which a missing node, playwright-core,
//! axe-core or Chromium fails the test; a plain `cargo test` without them says so and skips.
use crate::admin::common::{allow_factors, console_server};
use crate::common::*;
use crate::interop::node;
use crate::interop::webauthn::browser_missing;
use crate::recovery::common::{as_user, ctx, member, settings};
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow;
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(320);
/// A service provider's metadata, as the admin uploads it.
const SP_METADATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/saml/sp-metadata.xml");

fn screenshots() -> String {
    std::env::var("GATEHOUSE_SCREENSHOTS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/admin-console-screenshots").to_string())
}

#[tokio::test]
async fn chromium_works_the_console_with_no_accessibility_violation_or_sideways_scrolling() {
    if !node::available("admin console browser test", browser_missing()) {
        return;
    }
    let (server, _db) = console_server().await;
    // The administrator signs in with an app first (the policy allows it), which the console finds too weak.
    allow_factors(&server, "admin", "webauthn,totp,recovery_code").await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    server.add_user("mona", Some(GOOD_PASSWORD)).await;
    server.add_user("erin", None).await;
    server
        .create_account(gatehouse::core::accounts::NewAccount {
            display_name: Some("Carol Manager".into()),
            manager: Some("mona".into()),
            password: Some(GOOD_PASSWORD.into()),
            ..an_account("carol")
        })
        .await;
    // Carol has an authenticator app (and so a live session), which a factor reset would replace; Hana is the
    // helpdesk agent who executes it.
    let carols = server.browser();
    assert_eq!(carols.login("carol", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&carols).await;
    server.add_user_with("hana", Some(GOOD_PASSWORD), &["helpdesk"]).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login("root", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&enrolling).await;
    let secret = totp_rs::Secret::new(secret.into_boxed_slice()).to_base32();
    let offset = (server.state().clock.now() - chrono::Utc::now()).num_seconds();
    let base = server
        .state()
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let shots = screenshots();
    let mut command = Command::new("node");
    command
        .arg(format!("{}/admin_console.mjs", node::INTEROP))
        .args([&base, "root", GOOD_PASSWORD, &secret, &offset.to_string(), SP_METADATA])
        .env("GATEHOUSE_SCREENSHOTS", &shots);
    let started = std::time::Instant::now();
    let output = node::bounded(command, "admin_console.mjs", TIMEOUT).await;
    eprintln!("browser run took {:?}; screenshots in {shots}", started.elapsed());
    let result = node::json_result("admin_console.mjs", &output);
    assert_eq!(result["done"], true, "{result}");
    assert_eq!(
        result["inspected"],
        serde_json::json!([
            "dashboard",
            "users",
            "user",
            "confirm",
            "audit",
            "profile",
            "roles",
            "role",
            "role-confirm",
            "clients",
            "client-secret",
            "client",
            "sps",
            "sp",
            "keys",
            "key-confirm",
            "tokens",
            "user-sessions",
            "helpdesk-open",
            "helpdesk-request",
            "dashboard-de",
            "users-de"
        ]),
        "{result}"
    );
    assert_eq!(
        result["violations"],
        serde_json::json!([]),
        "serious or critical axe violations: {result}"
    );
    assert_eq!(
        result["overflow"],
        serde_json::json!([]),
        "pages that scroll sideways: {result}"
    );
    assert_eq!(
        result["exported"],
        serde_json::json!({ "csv_rows": 1, "jsonl_rows": 1 })
    );

    let dana = server.user("dana").await;
    let root = server.user("root").await;
    assert_eq!(dana.display_name, "Dana Doe");
    let roles = server.state().store.roles_of(&dana.id).await.unwrap();
    assert!(roles.contains(&"helpdesk".to_string()), "{roles:?}");
    let events = server.state().store.list_audit(Some(&dana.id), 20).await.unwrap();
    for kind in ["user.created", "user.role_added"] {
        let event = events
            .iter()
            .find(|e| e.event.kind == kind)
            .unwrap_or_else(|| panic!("{kind} audited"));
        assert_eq!(event.event.actor, Some(format!("user:{}", root.id)), "{kind}");
    }
    assert!(
        !events.iter().any(|e| e.event.kind == "user.role_removed"),
        "the cancelled removal changed nothing"
    );

    // What the new pages changed, each audited as the administrator.
    // Created with carol as manager (user.created above), then changed to erin on the profile page.
    let erin = server.user("erin").await;
    assert_eq!(
        dana.manager_id.as_deref(),
        Some(erin.id.as_str()),
        "the manager changed"
    );
    let store = server.state().store.as_ref();
    let policy = store.role_policy("user").await.unwrap().expect("a policy");
    assert!(policy.mfa_required && policy.trusted_device_days == 7, "{policy:?}");
    assert!(store.client("wiki").await.unwrap().is_some());
    assert!(store.sp("https://sp.example.test/metadata").await.unwrap().is_some());
    assert_eq!(store.list_hardware_tokens().await.unwrap().len(), 2);
    for kind in [
        "user.manager_changed",
        "role.policy_changed",
        "client.registered",
        "saml.sp_added",
        "oidc.signing_key_rotated",
        "tokens.imported",
        "recovery.opened",
    ] {
        let event = crate::api::common::last_event(&server, kind).await;
        assert_eq!(event.actor, Some(format!("user:{}", root.id)), "{kind}");
    }

    // The request opened in the browser: Mona, Carol's manager, approves; Hana, another agent, executes.
    let id = result["request_id"].as_str().expect("a request id").to_string();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        flow::Target::Id(&id),
        true,
        None
    ))
    .unwrap();
    let checks = vec!["employee_id".to_string(), "hr_question".to_string()];
    as_user!(&server, "hana", |c, m| flow::execute(&c, &m, &id, &checks)).unwrap();
    let request = server.state().store.factor_reset(&id).await.unwrap().unwrap();
    assert_eq!(request.state, ResetState::Waiting, "executed, in its cooling-off");
    server.stop().await;
}
