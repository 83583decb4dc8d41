//! Caller verification with number matching end to end in a real browser: Debian Chromium, driven by playwright-core
//! (`tests/interop/caller_verify.mjs`), against a server that verifies callers. Phase one: on Kim's approved request
//! the agent Hana finds Execute disabled, sends Kim prompts by mail and reads out the number; Kim picks a wrong number
//! (mismatch), says "I'm not talking to the helpdesk" (failed), then picks the right one (passed) and Hana executes.
//! On Lee's request Hana asks the manager, Mona, who signs in and sees the question but does not answer. Then the
//! server's clock moves past the prompt's lifetime. Phase two: Mona's link is spent, the console shows the time-out,
//! a forced Execute is refused (403), Hana records an override, and a third person, Hal, executes. Screenshots of
//! the console's section and the prompt pages at 1440 and 390 px go to `GATEHOUSE_SCREENSHOTS`, by default
//! `<target>/tmp/caller-verify-screenshots`; axe-core runs on each.
use crate::common::*;
use crate::interop::node;
use crate::interop::webauthn::browser_missing;
use crate::recovery::common::{add, as_user, cast, ctx, member, opened_by_hugo, settings, state_of};
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Target};
use gatehouse::core::recovery::verify::VerifyState;
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(260);

fn screenshots() -> String {
    std::env::var("GATEHOUSE_SCREENSHOTS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/caller-verify-screenshots").to_string())
}

fn base32(secret: Vec<u8>) -> String {
    totp_rs::Secret::new(secret.into_boxed_slice()).to_base32()
}

async fn phase(server: &TestServer, name: &str, ids: (&str, &str), hana: &str, hal: &str) -> serde_json::Value {
    let offset = (server.state().clock.now() - chrono::Utc::now()).num_seconds();
    let base = server
        .state()
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let mail = server.data_dir.join("mail").display().to_string();
    let mut command = Command::new("node");
    command
        .arg(format!("{}/caller_verify.mjs", node::INTEROP))
        .args([name, &base, &mail, &offset.to_string(), ids.0, ids.1, hana, hal])
        .env("GATEHOUSE_SCREENSHOTS", screenshots());
    let output = node::bounded(command, "caller_verify.mjs", TIMEOUT).await;
    let result = node::json_result("caller_verify.mjs", &output);
    assert_eq!(result["done"], true, "{result}");
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
    result
}

#[tokio::test]
async fn chromium_verifies_callers_by_number_matching_and_an_override_needs_a_third_person() {
    if !node::available("caller verification browser test", browser_missing()) {
        return;
    }
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_RECOVERY_CALLER_VERIFICATION", "true")]).await;
    cast(&server).await;
    add(&server, "lee", &["user"], Some("mona")).await;
    add(&server, "hal", &["helpdesk"], None).await;
    let lee = server.browser();
    assert_eq!(lee.login("lee", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&lee).await;
    let mut secrets = Vec::new();
    for agent in ["hana", "hal"] {
        let browser = server.browser();
        assert_eq!(browser.login(agent, GOOD_PASSWORD).await.status, 303);
        secrets.push(base32(server.enrol_totp(&browser).await));
    }
    let a = opened_by_hugo(&server).await;
    let lees = member(&server, "lee").await;
    let b = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &lees,
        "all",
        "lost his phone"
    ))
    .unwrap();
    for id in [&a.id, &b.id] {
        as_user!(&server, "mona", |c, m| flow::decide(&c, &m, Target::Id(id), true, None)).unwrap();
    }

    // A TOTP code is accepted once per 30-second step: the agents' enrolment used this step's, so the browser signs
    // them in a minute later (and phase two six minutes after that).
    server.clock.advance(chrono::Duration::minutes(1));
    let one = phase(&server, "one", (&a.id, &b.id), &secrets[0], &secrets[1]).await;
    assert_eq!(one["mismatch"], "mismatch");
    assert_eq!(one["failed"], "failed");
    assert_eq!(state_of(&server, &a.id).await, ResetState::Waiting);
    let store = server.state().store.clone();
    let states: Vec<VerifyState> = store
        .caller_verifications_of(&a.id)
        .await
        .unwrap()
        .iter()
        .map(|p| p.state)
        .collect();
    assert_eq!(
        states,
        [VerifyState::Mismatch, VerifyState::Failed, VerifyState::Passed]
    );
    assert_eq!(state_of(&server, &b.id).await, ResetState::Approved);

    server.clock.advance(chrono::Duration::minutes(6));
    let two = phase(&server, "two", (&a.id, &b.id), &secrets[0], &secrets[1]).await;
    assert_eq!(two["timed_out"], "timed_out");
    assert_eq!(state_of(&server, &b.id).await, ResetState::Waiting);
    let executed = store.factor_reset(&b.id).await.unwrap().unwrap();
    assert_eq!(executed.executor_id, Some(server.user("hal").await.id));
    let kinds = server.audit_kinds(Some(&server.user("lee").await)).await;
    for (kind, outcome) in [
        ("recovery.verify_override", "success"),
        ("recovery.executed", "denied"),
        ("recovery.verify_answered", "failure"),
    ] {
        assert!(
            kinds.contains(&(kind.to_string(), outcome.to_string())),
            "{kind} {outcome}: {kinds:?}"
        );
    }
}

/// Kim still has a passkey (registered in Chromium's virtual authenticator) and loses her authenticator app: the
/// prompt page asks for the passkey, not the app, and her pick passes once she confirmed with it.
#[tokio::test]
async fn chromium_confirms_a_prompt_with_a_passkey_the_reset_leaves_in_place() {
    if !node::available("caller verification with a passkey", browser_missing()) {
        return;
    }
    let db = TestDb::new().await;
    let on = [("GATEHOUSE_RECOVERY_CALLER_VERIFICATION", "true")];
    let server = TestServer::start_with(&db.url, Some("http://localhost:{port}"), &on).await;
    let kim_secret = base32(cast(&server).await);
    let hana = server.browser();
    assert_eq!(hana.login("hana", GOOD_PASSWORD).await.status, 303);
    let hana_secret = base32(server.enrol_totp(&hana).await);
    let kim = server.user("kim").await;
    let factors = server.state().store.factors_of(&kim.id).await.unwrap();
    let app = factors
        .iter()
        .find(|f| f.kind == gatehouse::core::factors::FactorKind::Totp)
        .unwrap();
    let kims = member(&server, "kim").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kims,
        &app.id,
        "lost her phone"
    ))
    .unwrap();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    server.clock.advance(chrono::Duration::minutes(1));
    let result = phase(&server, "passkey", (&request.id, "-"), &hana_secret, &kim_secret).await;
    assert_eq!(result["passkey"], "passed");
    let prompts = server.state().store.caller_verifications_of(&request.id).await.unwrap();
    assert_eq!(
        prompts.iter().map(|p| p.state).collect::<Vec<_>>(),
        [VerifyState::Passed]
    );
}
