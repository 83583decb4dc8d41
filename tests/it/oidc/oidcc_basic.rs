//! Cases after the OpenID Foundation's `oidcc-basic-certification-test-plan` modules that `code_flow.rs` and
//! `tokens.rs` do not already cover (the suite itself needs MongoDB and Maven Central, unreachable here).
//! Each test is named after its module.
use crate::common::*;
use crate::oidc::common::userinfo_status;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, client, code_for, param, redeem};
use chrono::Duration;
use serde_json::Value;

async fn authorize(browser: &Browser, extra: &[(&str, &str)]) -> Page {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "spa"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "st"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (key, value) in extra {
        params.retain(|(k, _)| k != key);
        params.push((key, value));
    }
    browser
        .get(&format!("/authorize?{}", serde_urlencoded::to_string(&params).unwrap()))
        .await
}

fn claims(id_token: &str) -> Value {
    use base64::Engine;
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn oidcc_codereuse_30seconds() {
    let server = TestServer::start().await;
    server.add_user("ada", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let code = code_for(&server, &server.browser(), &[], "ada").await;
    let (status, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200);
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(userinfo_status(&server, access).await, 200);
    server.clock.advance(Duration::seconds(30));
    let (status, body) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(
        userinfo_status(&server, access).await,
        401,
        "what the code issued is revoked"
    );
}

#[tokio::test]
async fn oidcc_id_token_hint() {
    let server = TestServer::start().await;
    server.add_user("bea", Some(GOOD_PASSWORD)).await;
    server.add_user("cid", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let code = code_for(&server, &browser, &[], "bea").await;
    let (_, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    let hint = tokens["id_token"].as_str().unwrap().to_string();

    // The hinted user is signed in: prompt=none succeeds, even once the hint has expired.
    server.clock.advance(Duration::minutes(20));
    let page = authorize(&browser, &[("prompt", "none"), ("id_token_hint", &hint)]).await;
    let location = page.location().unwrap();
    assert!(param(&location, "code").is_some(), "{location}");

    // Another user is signed in: not silently.
    let other = server.browser();
    assert_eq!(other.login("cid", GOOD_PASSWORD).await.status, 303);
    let page = authorize(&other, &[("prompt", "none"), ("id_token_hint", &hint)]).await;
    assert_eq!(
        param(&page.location().unwrap(), "error").as_deref(),
        Some("login_required")
    );
    let page = authorize(&other, &[("id_token_hint", &hint)]).await;
    assert!(page.location().unwrap().starts_with("/login"), "asked to sign in again");

    // A hint that is not ours, or not for this client: an error to the client, nothing issued.
    let page = authorize(&browser, &[("id_token_hint", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]).await;
    let location = page.location().unwrap();
    assert_eq!(
        param(&location, "error").as_deref(),
        Some("invalid_request"),
        "{location}"
    );
    assert_eq!(param(&location, "state").as_deref(), Some("st"));
    assert!(param(&location, "iss").is_some());
}

#[tokio::test]
async fn oidcc_prompt_none_logged_in_and_not_logged_in() {
    let server = TestServer::start().await;
    server.add_user("dan", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let page = authorize(&browser, &[("prompt", "none")]).await;
    let location = page.location().unwrap();
    assert!(location.starts_with(REDIRECT));
    assert_eq!(param(&location, "error").as_deref(), Some("login_required"));
    assert_eq!(param(&location, "state").as_deref(), Some("st"));
    assert_eq!(
        param(&location, "iss").as_deref(),
        Some(server.base.trim_end_matches('/'))
    );
    assert_eq!(browser.login("dan", GOOD_PASSWORD).await.status, 303);
    let page = authorize(&browser, &[("prompt", "none")]).await;
    assert!(param(&page.location().unwrap(), "code").is_some());
}

#[tokio::test]
async fn oidcc_request_objects_are_refused_not_ignored() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    for (param_name, error) in [
        ("request", "request_not_supported"),
        ("request_uri", "request_uri_not_supported"),
    ] {
        let page = authorize(&browser, &[(param_name, "eyJhbGciOiJub25lIn0.e30.")]).await;
        let location = page.location().unwrap();
        assert_eq!(param(&location, "error").as_deref(), Some(error), "{location}");
    }
}

#[tokio::test]
async fn oidcc_unknown_and_optional_parameters_succeed() {
    // oidcc-ensure-request-with-unknown-parameter-succeeds, -display-page/-popup, -ui-locales, -claims-locales,
    // -login-hint, -ensure-request-with-acr-values-succeeds, -ensure-request-without-nonce-succeeds-for-code-flow,
    // -max-age-10000, -ensure-other-scope-order-succeeds.
    let server = TestServer::start().await;
    server.add_user("eve", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let code = code_for(
        &server,
        &browser,
        &[
            ("scope", "email openid profile"),
            ("display", "popup"),
            ("ui_locales", "de-CH fr"),
            ("claims_locales", "de"),
            ("login_hint", "eve"),
            ("acr_values", "urn:gatehouse:acr:password"),
            ("max_age", "10000"),
            ("extra_thing", "ignored"),
        ],
        "eve",
    )
    .await;
    let (status, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert!(id.get("nonce").is_none(), "no nonce asked, none given");
    assert_eq!(id["email"], "eve@example.com");
    assert_eq!(id["preferred_username"], "eve");
    assert_eq!(id["acr"], "urn:gatehouse:acr:password");
    assert!(id["auth_time"].is_i64());
}

#[tokio::test]
async fn oidcc_userinfo_get_post_header_and_post_body() {
    let server = TestServer::start().await;
    let fay = server.add_user("fay", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let code = code_for(&server, &server.browser(), &[("scope", "openid profile")], "fay").await;
    let (_, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    let access = tokens["access_token"].as_str().unwrap();
    let http = reqwest::Client::new();
    let answers = [
        http.get(server.url("/userinfo"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap(),
        http.post(server.url("/userinfo"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap(),
        http.post(server.url("/userinfo"))
            .form(&[("access_token", access)])
            .send()
            .await
            .unwrap(),
    ];
    for answer in answers {
        assert_eq!(answer.status(), 200);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["sub"], fay.id.as_str());
        assert_eq!(body["preferred_username"], "fay");
    }
    let both = http
        .post(server.url("/userinfo"))
        .bearer_auth(access)
        .form(&[("access_token", access)])
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 400, "two tokens at once");
}

#[tokio::test]
async fn oidcc_ensure_post_request_succeeds_and_response_type_missing_fails() {
    let server = TestServer::start().await;
    server.add_user("gus", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    assert_eq!(browser.login("gus", GOOD_PASSWORD).await.status, 303);
    let posted = browser
        .post(
            "/authorize",
            &[
                ("response_type", "code"),
                ("client_id", "spa"),
                ("redirect_uri", REDIRECT),
                ("scope", "openid"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    assert!(param(&posted.location().unwrap(), "code").is_some());
    let page = browser
        .get(&format!(
            "/authorize?client_id=spa&redirect_uri={}&scope=openid&state=z",
            crate::oidc::common::encode(REDIRECT)
        ))
        .await;
    let location = page.location().unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("unsupported_response_type"));
    assert_eq!(param(&location, "state").as_deref(), Some("z"));
}
