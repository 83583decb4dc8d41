//! The account pages at 390 CSS pixels in Debian Chromium (`tests/interop/narrow_pages.mjs`, playwright-core): no
//! page is wider than the screen, every table scrolls sideways inside its own box, and the "trust this browser"
//! checkbox sits beside its words. Lists have rows: a second session, a trusted client's tokens, a consent.
use crate::common::*;
use crate::interop::node;
use crate::oidc::common::{VERIFIER, client, code_for, redeem};
use std::time::Duration;

#[tokio::test]
async fn the_account_pages_fit_a_phone_screen() {
    let chromium = std::env::var_os("GATEHOUSE_CHROMIUM")
        .filter(|p| !p.is_empty())
        .map_or_else(
            || std::path::PathBuf::from("/usr/bin/chromium"),
            std::path::PathBuf::from,
        );
    let extra = if chromium.is_file() {
        vec![]
    } else {
        vec![format!("Chromium at {}", chromium.display())]
    };
    if !node::available("narrow-screen browser test", node::missing(&["playwright-core"], extra)) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("nora", Some(GOOD_PASSWORD)).await;
    let nora = server.user("nora").await;
    let elsewhere = Browser::with_user_agent(
        &server.base,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    );
    assert_eq!(elsewhere.login("nora", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&elsewhere).await;
    client(&server, "spa", true, true).await;
    let code = code_for(&server, &elsewhere, &[("scope", "openid email offline_access")], "nora").await;
    assert_eq!(redeem(&server, &code, Some(VERIFIER)).await.0, 200);
    let now = server.state().clock.now();
    server
        .state()
        .store
        .put_consent(
            &nora.id,
            "a-rather-long-client-identifier-for-the-team-wiki",
            "openid profile email",
            now,
        )
        .await
        .unwrap();

    let code = server.totp_code(&secret, 0);
    let output = node::run(
        "narrow_pages.mjs",
        &[&server.base, "nora", GOOD_PASSWORD, &code],
        Duration::from_secs(90),
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let result: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    for path in ["/account/security", "/account/sessions", "/account/apps"] {
        assert!(
            result["pages"][path]["tables"].as_u64() >= Some(1),
            "{path} has its list: {result}"
        );
    }
}
