//! Passkey profiles on the real pages (Debian Chromium driven by playwright-core, `tests/interop/passkey_profile.mjs`):
//! a user whose role now requires device-bound keys (`--passkey-device-bound true`) and who holds a synced key
//! registered before sees the re-enrol notice on `/account/security`, follows it, and Chromium's virtual
//! authenticator — reporting its passkey backup-eligible — is refused with the server's message; nothing is stored.
//! axe-core on each page, no sideways scrolling at 1440 and 390 px; screenshots to `GATEHOUSE_SCREENSHOTS`, by
//! default `<target>/tmp/passkey-profile-screenshots`.
use crate::common::*;
use crate::factors::passkey_profile::{register_synced, set_profile};
use crate::interop::node;
use crate::interop::webauthn::browser_missing;
use gatehouse::core::factors::FactorKind;
use gatehouse::core::policy::PolicyChange;
use std::process::Command;
use std::time::Duration;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test]
async fn chromium_shows_the_re_enrol_notice_and_the_refusal_of_a_synced_passkey() {
    if !node::available("passkey profile browser test", browser_missing()) {
        return;
    }
    let (server, _db) = crate::factors::webauthn::server().await;
    server.add_user_with("pia", Some(GOOD_PASSWORD), &["user"]).await;
    // An app first, then (signed in with it) a synced key, before the role asked for device-bound keys.
    let enrolling = server.browser();
    assert_eq!(enrolling.login("pia", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&enrolling).await;
    let with_app = server.browser();
    assert_eq!(server.sign_in_with_totp(&with_app, "pia", &secret).await.status, 303);
    let mut synced = SoftPasskey::new(true);
    let added = register_synced(&server, &with_app, &mut synced).await;
    assert_eq!(added.status, 200, "{}", added.body);
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_device_bound: Some(true),
            ..Default::default()
        },
    )
    .await;
    server.clock.advance(chrono::Duration::seconds(30));
    let browser = server.browser();
    let done = server.sign_in_with_totp(&browser, "pia", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let name = gatehouse::http::session::cookie_name(server.state());
    let value = cookie_value(&done.set_cookies(), name).expect("the sign-in sets the session cookie");

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
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/passkey-profile-screenshots").to_string());
    let mut command = Command::new("node");
    command
        .arg(format!("{}/passkey_profile.mjs", node::INTEROP))
        .args([&base, name, &value])
        .env("GATEHOUSE_SCREENSHOTS", &shots);
    let output = node::bounded(command, "passkey_profile.mjs", TIMEOUT).await;
    let result = node::json_result("passkey_profile.mjs", &output);
    eprintln!("screenshots in {shots}");
    assert_eq!(result["done"], true, "{result}");
    let text = |k: &str| result[k].as_str().unwrap_or_default().to_string();
    assert!(text("notice").contains("now asks more"), "{result}");
    assert!(text("marked").starts_with("Re-enrol this key"), "{result}");
    assert!(text("reason").contains("synced passkey"), "{result}");
    assert!(
        text("refusal").contains("only security keys bound to one device"),
        "the server's refusal on the page: {result}"
    );
    assert_eq!(result["stayed"], "/account/security/webauthn", "{result}");
    assert_eq!(result["violations"], serde_json::json!([]), "{result}");
    assert_eq!(result["overflow"], serde_json::json!([]), "{result}");

    // Only the key registered before: the refused one was not stored.
    let pia = server.user("pia").await;
    let keys = server
        .state()
        .store
        .factors_of(&pia.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.kind == FactorKind::WebAuthn)
        .count();
    assert_eq!(keys, 1);
}

#[tokio::test]
async fn chromium_under_attestation_required_is_refused_with_the_server_s_message() {
    if !node::available("passkey profile browser test", browser_missing()) {
        return;
    }
    // The server trusts only the soft token's CA: Chromium's virtual authenticator attests with its own.
    let (server, _db, _token, _dir) = crate::factors::passkey_profile::attesting_server().await;
    server.add_user_with("ray", Some(GOOD_PASSWORD), &["user"]).await;
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_attestation: Some(gatehouse::core::policy::passkey_profile::Attestation::Required),
            ..Default::default()
        },
    )
    .await;
    let browser = server.browser();
    let done = browser.login("ray", GOOD_PASSWORD).await;
    assert_eq!(done.status, 303);
    let name = gatehouse::http::session::cookie_name(server.state());
    let value = cookie_value(&done.set_cookies(), name).expect("the sign-in sets the session cookie");
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
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/passkey-profile-screenshots").to_string());
    let mut command = Command::new("node");
    command
        .arg(format!("{}/passkey_profile.mjs", node::INTEROP))
        .args([&base, name, &value, "attested"])
        .env("GATEHOUSE_SCREENSHOTS", &shots);
    let output = node::bounded(command, "passkey_profile.mjs", TIMEOUT).await;
    let result = node::json_result("passkey_profile.mjs", &output);
    eprintln!("{result}");
    assert_eq!(result["done"], true, "{result}");
    assert!(
        result["refusal"]
            .as_str()
            .unwrap_or_default()
            .contains("make and model"),
        "{result}"
    );
    assert_eq!(result["violations"], serde_json::json!([]), "{result}");
    assert_eq!(result["overflow"], serde_json::json!([]), "{result}");
    let ray = server.user("ray").await;
    assert!(server.state().store.factors_of(&ray.id).await.unwrap().is_empty());
}
