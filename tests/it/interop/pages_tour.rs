//! Every page an end user, a manager or a helpdesk agent uses, and those anyone reaches before signing in, in Debian
//! Chromium (`tests/interop/pages_tour.mjs`, playwright-core + axe-core): in English and German (the browser's
//! `Accept-Language` for anonymous pages, the switcher at the foot of the page once signed in), at 1440 and 390 px.
//! No serious or critical accessibility violation, no sideways scrolling, `<html lang>` right, every page's heading
//! translated; the anonymous pages once more with the system in dark mode. Screenshots go to `GATEHOUSE_SCREENSHOTS`,
//! by default `<target>/tmp/pages-tour-screenshots`.
use crate::common::*;
use crate::interop::node;
use crate::interop::webauthn::chromium;
use crate::oidc::common::{CHALLENGE, REDIRECT, client};
use crate::recovery::common::{add, mail_to};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

fn screenshots() -> String {
    std::env::var("GATEHOUSE_SCREENSHOTS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| concat!(env!("CARGO_TARGET_TMPDIR"), "/pages-tour-screenshots").to_string())
}

fn base32(secret: Vec<u8>) -> String {
    totp_rs::Secret::new(secret.into_boxed_slice()).to_base32()
}

#[tokio::test]
async fn every_page_people_use_reads_in_english_and_german_at_both_widths_without_violations() {
    let chromium = chromium();
    let extra = if chromium.is_file() {
        vec![]
    } else {
        vec![format!("Chromium at {}", chromium.display())]
    };
    if !node::available("pages tour", node::missing(&["playwright-core", "axe-core"], extra)) {
        return;
    }
    let (server, _db) = crate::factors::webauthn::server().await;
    // Nora (manager Mara) has an app and a connected application; Hugo is a helpdesk agent with an app too.
    add(&server, "mara", &["user"], None).await;
    add(&server, "nora", &["user"], Some("mara")).await;
    add(&server, "hugo", &["helpdesk"], None).await;
    add(&server, "fay", &["user"], None).await;
    let mut secrets = BTreeMap::new();
    for name in ["nora", "hugo", "fay"] {
        let browser = server.browser();
        assert_eq!(browser.login(name, GOOD_PASSWORD).await.status, 303);
        secrets.insert(name, base32(server.enrol_totp(&browser).await));
    }
    client(&server, "wiki", false, false).await;

    // Nora, stuck at the second step on another browser, asks for a reset: Mara gets the approval link.
    let stuck = server.browser();
    assert_eq!(stuck.login("nora", GOOD_PASSWORD).await.status, 303);
    let factor = stuck.get("/login/factor").await;
    let sent = stuck
        .post(
            "/login/factor/recovery",
            &[("csrf", &factor.csrf()), ("reason", "Phone left on the train")],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let approve = link_in(&mail_to(&server, "mara", "approve").await);
    let approve = url::Url::parse(&approve).unwrap();
    let approve = format!("{}?{}", approve.path(), approve.query().unwrap_or_default());
    let nora = server.user("nora").await;
    let request = server
        .state()
        .store
        .list_factor_resets(Some(&nora.id), true)
        .await
        .unwrap()
        .remove(0);

    let authorize = format!(
        "/authorize?client_id=wiki&response_type=code&scope=openid%20email&state=s&nonce=n&code_challenge={CHALLENGE}\
         &code_challenge_method=S256&redirect_uri={}",
        urlencoding(REDIRECT)
    );
    let offset = (server.state().clock.now() - chrono::Utc::now()).num_seconds();
    let plan = json!({
        // The public URL (localhost): forms check their origin against it.
        "base": server.state().config.public_url.as_str(),
        "screenshots": screenshots(),
        "offset": offset,
        "personas": [
            { "name": "anyone", "pages": [
                "/login", "/password/forgot", "/no-such-page", "/recovery/pass",
                "/authorize?client_id=wiki&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
            ] },
            { "name": "fay", "username": "fay", "password": GOOD_PASSWORD, "totp": secrets["fay"], "stop_at_factor": true,
              "pages": ["/login/factor"] },
            { "name": "nora", "username": "nora", "password": GOOD_PASSWORD, "totp": secrets["nora"], "pages": [
                "/account", "/account/security", "/account/sessions", "/account/apps", "/account/security/totp",
                "/account/security/sms", "/account/security/webauthn", "/account/security/token", authorize,
            ] },
            { "name": "mara", "username": "mara", "password": GOOD_PASSWORD, "pages": [approve] },
            { "name": "hugo", "username": "hugo", "password": GOOD_PASSWORD, "totp": secrets["hugo"], "pages": [
                "/helpdesk", format!("/helpdesk/request?id={}", request.id), "/helpdesk/users?q=nora",
                "/helpdesk/open?user=nora",
            ] },
        ],
    });
    let plan_file = std::env::temp_dir().join(format!("gatehouse-tour-{}.json", std::process::id()));
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let output = node::run(
        "pages_tour.mjs",
        &[plan_file.to_str().unwrap()],
        Duration::from_secs(420),
    )
    .await;
    let _ = std::fs::remove_file(&plan_file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    assert_eq!(result["violations"], json!([]), "serious or critical axe violations");
    assert_eq!(result["overflow"], json!([]), "pages wider than the screen");

    let visits = result["visits"].as_array().unwrap();
    let mut headings: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
    for visit in visits {
        let (persona, path, lang) = (
            visit["persona"].as_str().unwrap().to_string(),
            visit["path"].as_str().unwrap().to_string(),
            visit["lang"].as_str().unwrap().to_string(),
        );
        let status = visit["status"].as_u64().unwrap();
        assert!(status < 500, "{persona} {path} ({lang}): {status}");
        assert_eq!(visit["htmlLang"], lang, "{persona} {path}: <html lang>");
        let h1 = visit["h1"].as_str().unwrap().to_string();
        assert!(!h1.is_empty(), "{persona} {path} ({lang}) has a heading");
        if persona.ends_with("-dark") {
            // The dark pass is there for axe and the widths (checked above), in English only.
            continue;
        }
        headings.entry((persona, path)).or_default().insert(lang, h1);
    }
    assert_eq!(headings.len(), 20, "every page was visited: {headings:?}");
    assert!(
        visits.iter().filter(|v| v["persona"] == "anyone-dark").count() == 5,
        "the anonymous pages were seen in dark mode too"
    );
    for ((persona, path), by_lang) in &headings {
        assert_ne!(
            by_lang.get("en"),
            by_lang.get("de"),
            "{persona} {path}: the German heading is translated"
        );
    }
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
