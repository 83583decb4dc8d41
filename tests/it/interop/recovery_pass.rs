//! The temporary access pass in a real browser (Debian Chromium driven by playwright-core,
//! `tests/interop/recovery_pass.mjs`): after an approved reset took effect, the user types the pass the agent read
//! out (lower case, with a space) with their password, lands on the enrolment page and nowhere else, adds an
//! authenticator app from the page, and is then signed in; a second browser cannot use the pass again. axe-core on
//! each page, and no sideways scrolling at 1440 and 390 px; screenshots to `GATEHOUSE_SCREENSHOTS`, by default
//! `<target>/tmp/recovery-pass-screenshots`.
use crate::common::*;
use crate::interop::node;
use crate::interop::webauthn::browser_missing;
use crate::recovery::common::cast;
use crate::recovery::pass::{approved, executed_with_pass, reset_takes_effect};
use gatehouse::core::factors::{FactorKind, FactorStatus};
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(150);

#[tokio::test]
async fn chromium_redeems_a_pass_once_enrols_a_new_app_and_is_signed_in() {
    if !node::available("temporary access pass browser test", browser_missing()) {
        return;
    }
    let server = TestServer::start().await;
    cast(&server).await;
    let id = approved(&server, "kim").await;
    let pass = executed_with_pass(&server, &id).await;
    reset_takes_effect(&server).await;
    let kim = server.user("kim").await;
    assert!(
        server.state().store.factors_of(&kim.id).await.unwrap().is_empty(),
        "the reset removed kim's app"
    );

    let offset = (server.state().clock.now() - chrono::Utc::now()).num_seconds();
    let base = server
        .state()
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let shots = std::env::var("GATEHOUSE_SCREENSHOTS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/recovery-pass-screenshots").to_string());
    let mut command = Command::new("node");
    command
        .arg(format!("{}/recovery_pass.mjs", node::INTEROP))
        .args([&base, "kim", GOOD_PASSWORD, &pass, &offset.to_string()])
        .env("GATEHOUSE_SCREENSHOTS", &shots);
    let output = node::bounded(command, "recovery_pass.mjs", TIMEOUT).await;
    let result = node::json_result("recovery_pass.mjs", &output);
    eprintln!("screenshots in {shots}");
    assert_eq!(result["done"], true, "{result}");
    assert_eq!(
        result["landed"], "/account/security",
        "the pass opens enrolment: {result}"
    );
    assert_eq!(
        result["accountWhileEnrolling"], "/account/security",
        "other account pages send an enrolling session back: {result}"
    );
    assert_eq!(
        result["accountAfter"], "/account",
        "signed in after enrolling: {result}"
    );
    assert_eq!(result["reused"]["path"], "/recovery/pass", "{result}");
    assert!(
        !result["reused"]["alert"].as_str().unwrap_or_default().is_empty(),
        "a second use is refused with a message: {result}"
    );
    assert_eq!(result["violations"], serde_json::json!([]), "{result}");
    assert_eq!(result["overflow"], serde_json::json!([]), "{result}");

    // The app added in the browser is kim's one active factor now, and the pass is spent.
    let factors = server.state().store.factors_of(&kim.id).await.unwrap();
    assert!(
        factors
            .iter()
            .any(|f| f.kind == FactorKind::Totp && f.status == FactorStatus::Active),
        "{factors:?}"
    );
    let stored = server.state().store.factor_reset(&id).await.unwrap().unwrap();
    assert!(stored.pass_used_at.is_some() && stored.pass_hash.is_none());
}
