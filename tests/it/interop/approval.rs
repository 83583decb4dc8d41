//! Cross-device sign-in approval with number matching in two real browsers (Debian Chromium driven by
//! playwright-core, `tests/interop/approval.mjs`): a browser signed in with a passkey notices a waiting sign-in,
//! picks the number the new browser shows, and the new browser goes on to the account page by itself; a wrong pick
//! refuses a third browser. axe-core on each page, no sideways scrolling at 1440 and 390 px; screenshots to
//! `GATEHOUSE_SCREENSHOTS`, by default `<target>/tmp/approval-screenshots`.
use crate::common::*;
use crate::interop::node;
use crate::interop::webauthn::browser_missing;
use crate::signin::approval::{sign_in_with_key, user_with_key};
use gatehouse::core::signin::approval::ApprovalState;
use std::process::Command;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(150);

#[tokio::test]
async fn two_chromium_browsers_match_the_number_and_a_wrong_pick_refuses() {
    if !node::available("cross-device approval browser test", browser_missing()) {
        return;
    }
    let (server, _db) = crate::factors::webauthn::server().await;
    let (_secret, mut key, _) = user_with_key(&server, "ada").await;
    let done = sign_in_with_key(&server, &server.browser(), "ada", &mut key).await;
    let name = gatehouse::http::session::cookie_name(server.state());
    let value = cookie_value(&done.set_cookies(), name).expect("the key sign-in sets the session cookie");

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
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/approval-screenshots").to_string());
    let mut command = Command::new("node");
    command
        .arg(format!("{}/approval.mjs", node::INTEROP))
        .args([&base, "ada", GOOD_PASSWORD, name, &value])
        .env("GATEHOUSE_SCREENSHOTS", &shots);
    let output = node::bounded(command, "approval.mjs", TIMEOUT).await;
    let result = node::json_result("approval.mjs", &output);
    eprintln!("screenshots in {shots}");
    assert_eq!(result["done"], true, "{result}");
    assert_eq!(
        result["hiddenBefore"], true,
        "nothing waits before the new browser asks: {result}"
    );
    let number = result["number"].as_str().unwrap().to_string();
    let offered: Vec<&str> = result["offered"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(offered.len() == 3 && offered.contains(&number.as_str()), "{result}");
    assert!(
        result["summary"].as_str().unwrap_or_default().contains("Chrome"),
        "the approving page says which browser asks: {result}"
    );
    assert_eq!(result["newBrowserAt"], "/account", "{result}");
    assert!(
        result["approvedNotice"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Approved"),
        "{result}"
    );
    assert!(
        result["refusedAlert"].as_str().unwrap_or_default().contains("refused"),
        "{result}"
    );
    assert_eq!(result["thirdAt"], "/login/approval/finish", "{result}");
    assert_eq!(result["violations"], serde_json::json!([]), "{result}");
    assert_eq!(result["overflow"], serde_json::json!([]), "{result}");

    // What the store kept: one used approval and one mismatch, nothing pending.
    let user = server.user("ada").await;
    let since = server.state().clock.now() - chrono::Duration::hours(1);
    let prompts = server
        .state()
        .store
        .recent_sign_in_approvals(&user.id, since, 10)
        .await
        .unwrap();
    let states: Vec<ApprovalState> = prompts.iter().map(|p| p.state).collect();
    assert_eq!(states, [ApprovalState::Mismatch, ApprovalState::Used], "{prompts:?}");
}
