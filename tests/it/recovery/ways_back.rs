//! What a user who lost a factor is told: the second-factor page lists the ways back their recovery policy opens to
//! them (self-service only with another factor left, then the request path), and the outcome of a helpdesk reset —
//! done, a temporary access pass issued, the pass used — reaches their phone as well as their mailbox.
use crate::common::*;
use crate::recovery::common::{add, cast};
use crate::recovery::pass::{approved, executed_with_pass, reset_takes_effect};
use gatehouse::core::accounts as profile;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::recovery::RecoveryPath;
use gatehouse::core::policy::{PolicyChange, roles};

const ANOTHER: &str = "Sign in with another of your factors";
const CODES: &str = "saved recovery codes";
const MANAGER: &str = "your manager approves it";
const ADMINS: &str = "one administrator approves it, another checks your identity";

/// The "I can't use any of my factors" section of a fresh sign-in's second-factor page for `name`.
async fn ways_back(server: &TestServer, name: &str) -> String {
    let browser = server.browser();
    assert_eq!(browser.login(name, GOOD_PASSWORD).await.status, 303);
    let page = browser.get("/login/factor").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let start = page.body.find("<details>").expect("the lost-factor section");
    page.body[start..].split("</details>").next().unwrap().to_string()
}

#[tokio::test]
async fn the_second_factor_page_lists_the_ways_back_the_policy_opens() {
    let server = TestServer::start().await;
    server.add_user_with("sel", Some(GOOD_PASSWORD), &["user"]).await;
    let setup = server.browser();
    assert_eq!(setup.login("sel", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&setup).await;
    // One factor: nothing to walk alone; the manager's approval is the way.
    let one = ways_back(&server, "sel").await;
    assert!(one.contains(MANAGER), "{one}");
    assert!(!one.contains(CODES) && !one.contains(ANOTHER), "{one}");

    // Saved recovery codes open their path; one app is still no "another factor".
    let codes = setup
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    let two = ways_back(&server, "sel").await;
    assert!(two.contains(CODES) && two.contains(MANAGER), "{two}");
    assert!(!two.contains(ANOTHER), "{two}");

    // With a role that allows only two administrators, codes are no way back and no manager is asked.
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    roles::add(store, now, &Origin::cli(), "finance", "").await.unwrap();
    let change = PolicyChange {
        recovery_paths: Some(Some(vec![RecoveryPath::TwoAdmins])),
        ..Default::default()
    };
    roles::set(store, now, &Origin::cli(), "finance", &change)
        .await
        .unwrap();
    server
        .add_user_with("fin", Some(GOOD_PASSWORD), &["user", "finance"])
        .await;
    let setup = server.browser();
    assert_eq!(setup.login("fin", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&setup).await;
    let codes = setup
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    let strict = ways_back(&server, "fin").await;
    assert!(strict.contains(ADMINS), "{strict}");
    assert!(!strict.contains(CODES) && !strict.contains(MANAGER), "{strict}");
}

#[tokio::test]
async fn the_outcome_of_a_reset_is_texted_as_well_as_mailed() {
    let (server, sink, _db) = crate::factors::sms::server_with_webhook().await;
    cast(&server).await;
    add(&server, "lee", &["user"], Some("mona")).await;
    let setup = server.browser();
    assert_eq!(setup.login("lee", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&setup).await;
    let state = server.state();
    let lee = server.user("lee").await;
    profile::set_phone(
        state.store.as_ref(),
        state.clock.now(),
        &Origin::cli(),
        &lee,
        state.notifier.as_ref(),
        state.sms.as_ref(),
        Some("+41791234567"),
    )
    .await
    .unwrap();
    let id = approved(&server, "lee").await;
    let pass = executed_with_pass(&server, &id).await;
    reset_takes_effect(&server).await;
    let browser = server.browser();
    let csrf = browser.get("/recovery/pass").await.csrf();
    let used = browser
        .post(
            "/recovery/pass",
            &[
                ("csrf", csrf.as_str()),
                ("username", "lee"),
                ("pass", &pass),
                ("password", GOOD_PASSWORD),
            ],
        )
        .await;
    assert_eq!(used.status, 303, "{}", used.body);
    let texts: Vec<String> = sink
        .received(6)
        .await
        .iter()
        .filter_map(|r| serde_json::from_str::<serde_json::Value>(&r.body).ok())
        .filter(|t| t["to"] == "+41791234567")
        .map(|t| t["message"].as_str().unwrap_or_default().to_string())
        .collect();
    for expected in [
        "a reset of the second factors of your account lee was requested",
        "will be reset at",
        "gave out a temporary access pass",
        "the second factors of your account lee were reset",
        "a temporary access pass was just used",
    ] {
        assert!(texts.iter().any(|t| t.contains(expected)), "{expected}: {texts:?}");
    }
}
