//! "Connected applications" (`/account/apps`): the clients a user consented to or that hold their tokens, with
//! the consent page's words for what each may see; "Revoke" takes the consent and that client's tokens for the
//! user (its refresh token fails at `/token`, its next sign-in asks for consent again) and nothing of any other
//! client's.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, client, param, userinfo_status};
use serde_json::Value;

/// The authorization request of `client_id` for `scope`, as the browser's first hop.
async fn authorize(server: &TestServer, browser: &Browser, client_id: &str, scope: &str) -> Page {
    let params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
        ("state", "s1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    browser
        .get(&format!(
            "{}/authorize?{}",
            server.base,
            serde_urlencoded::to_string(params).unwrap()
        ))
        .await
}

async fn token(server: &TestServer, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(server.url("/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// A code for `client_id` — through its consent page when it asks — redeemed: the access and refresh tokens.
async fn tokens(server: &TestServer, browser: &Browser, client_id: &str, scope: &str) -> (String, String) {
    let mut answer = authorize(server, browser, client_id, scope).await;
    if answer.status == 200 {
        assert!(answer.body.contains("Allow access?"), "{}", answer.body);
        answer = browser
            .post(
                "/authorize/consent",
                &[
                    ("csrf", &answer.csrf()),
                    ("request", &answer.input("request").unwrap()),
                    ("decision", "allow"),
                ],
            )
            .await;
    }
    let back = answer.location().expect("back to the client");
    let code = param(&back, "code").unwrap_or_else(|| panic!("no code: {back}"));
    let (status, body) = token(
        server,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().expect("a refresh token").to_string(),
    )
}

async fn refresh(server: &TestServer, client_id: &str, refresh_token: &str) -> (u16, Value) {
    token(
        server,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
        ],
    )
    .await
}

#[tokio::test]
async fn revoking_an_application_ends_its_tokens_and_asks_for_consent_again() {
    let server = TestServer::start().await;
    client(&server, "spa", true, false).await;
    client(&server, "wiki", true, true).await;
    server.add_user("ari", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("ari", GOOD_PASSWORD).await.status, 303);
    assert!(browser.get("/account/apps").await.body.contains("id=\"no-apps\""));

    let (access, refresh_token) = tokens(&server, &browser, "spa", "openid email").await;
    // A trusted client needs no consent, and is listed all the same: it holds the user's tokens.
    let (_, wiki_refresh) = tokens(&server, &browser, "wiki", "openid").await;

    assert!(browser.get("/account").await.body.contains("href=\"/account/apps\""));
    let page = browser.get("/account/apps").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (spa, wiki) = page
        .body
        .split_at(page.body.find("data-client=\"wiki\"").expect("wiki is listed"));
    assert!(spa.contains("data-client=\"spa\""), "{}", page.body);
    assert!(
        spa.contains("your e-mail address") && spa.contains("who you are"),
        "the consent page's words"
    );
    // When, written the page's way (`6 Dec 2026, 21:06 UTC`).
    let when = gatehouse::i18n::format_datetime(gatehouse::i18n::Lang::En, server.state().clock.now());
    let day = &when[..when.find(',').unwrap()];
    assert!(spa.contains(&format!("Allowed {day}, ")), "when ({day}): {spa}");
    assert!(wiki.contains("Trusted by your organisation") && !wiki.contains("your e-mail address"));
    assert!(
        page.body
            .contains("<div class=\"scroll\" tabindex=\"0\" role=\"region\"")
    );

    let revoked = browser
        .submit("/account/apps", "/account/apps/revoke", &[("client_id", "spa")])
        .await;
    assert_eq!(revoked.location().as_deref(), Some("/account/apps"));
    let after = browser.get("/account/apps").await;
    assert!(
        after.notice().unwrap_or_default().contains("Access removed"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("data-client=\"spa\"") && after.body.contains("data-client=\"wiki\""));

    // The refresh token fails at /token, the access token at userinfo; the next sign-in asks for consent again.
    let (status, body) = refresh(&server, "spa", &refresh_token).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(userinfo_status(&server, &access).await, 401);
    let again = authorize(&server, &browser, "spa", "openid email").await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("Allow access?"), "the consent page again");
    // Nothing of the other client's.
    let (status, body) = refresh(&server, "wiki", &wiki_refresh).await;
    assert_eq!(status, 200, "{body}");

    let ari = server.user("ari").await;
    assert!(
        server
            .audit_kinds(Some(&ari))
            .await
            .contains(&("oidc.consent_revoked".into(), "success".into()))
    );
    // An application the user has nothing with: not found, nothing audited.
    let unknown = browser
        .submit("/account/apps", "/account/apps/revoke", &[("client_id", "spa")])
        .await;
    assert_eq!(unknown.status, 404);
    let forged = browser.post("/account/apps/revoke", &[("client_id", "wiki")]).await;
    assert_eq!(forged.status, 403, "no CSRF token, no change");
    assert!(browser.get("/account/apps").await.body.contains("data-client=\"wiki\""));
}
