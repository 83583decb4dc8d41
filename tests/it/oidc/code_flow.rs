//! The OpenID Provider against a relying-party library we did not write (the `openidconnect` crate), and
//! the rules of RFC 6749 / RFC 9700 / OIDC Core around it.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, authorize, client, code_for, encode, param, redeem};
use chrono::Duration;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::Value;

fn http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn code_flow_with_the_openidconnect_crate() {
    let server = TestServer::start().await;
    let user = server.add_user("olga", Some(GOOD_PASSWORD)).await;
    let secret = client(&server, "webapp", false, true).await.unwrap();
    let http = http();
    let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(server.base.clone()).unwrap(), &http)
        .await
        .expect("discovery");
    let rp = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("webapp".into()),
        Some(ClientSecret::new(secret.clone())),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let browser = server.browser();
    let back = authorize(&server, &browser, url.as_str(), "olga").await;
    assert_eq!(param(&back, "state").as_deref(), Some(state.secret().as_str()));
    assert_eq!(param(&back, "iss").as_deref(), Some(server.base.as_str()), "RFC 9207");
    let code = param(&back, "code").expect("a code");

    let tokens = rp
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("token exchange");
    let id_token = tokens.id_token().expect("an ID token");
    let verifier = rp
        .id_token_verifier()
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
    let claims = id_token
        .claims(&verifier, &nonce)
        .expect("a valid ID token (signature, iss, aud, exp, nonce)");
    assert_eq!(claims.subject().as_str(), user.id);
    assert!(claims.auth_time().is_some());
    assert_eq!(
        claims.auth_context_ref().map(|a| a.as_str()),
        Some("urn:gatehouse:acr:password")
    );
    let amr: Vec<String> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(amr, ["pwd"]);
    assert_eq!(claims.email().map(|e| e.as_str()), Some("olga@example.com"));
    let expected_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected_hash));

    let info: CoreUserInfoClaims = rp
        .user_info(tokens.access_token().to_owned(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject().as_str(), user.id);
    assert_eq!(info.preferred_username().map(|u| u.as_str()), Some("olga"));

    // The code is single use: a second redemption fails and revokes what the first issued.
    let again = reqwest::Client::new()
        .post(server.url("/token"))
        .basic_auth("webapp", Some("wrong-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401, "wrong secret first");
    assert!(again.headers().get("www-authenticate").is_some());
    let replay = reqwest::Client::new()
        .post(server.url("/token"))
        .basic_auth("webapp", Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 400);
    assert_eq!(replay.headers().get("cache-control").unwrap(), "no-store");
    assert_eq!(replay.json::<Value>().await.unwrap()["error"], "invalid_grant");
    let revoked = reqwest::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 401, "tokens from a replayed code are revoked");
}

async fn start(server: &TestServer, browser: &Browser, extra: &[(&str, &str)]) -> Page {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "spa"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "s1"),
    ];
    params.extend_from_slice(extra);
    browser
        .get(&format!(
            "{}/authorize?{}",
            server.base,
            serde_urlencoded::to_string(&params).unwrap()
        ))
        .await
}

#[tokio::test]
async fn authorization_requests_are_checked_before_anything_is_issued() {
    let server = TestServer::start().await;
    server.add_user("pete", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();

    // Unknown client and unregistered (even near-miss) redirect URIs: an error page, never a redirect.
    for (id, redirect) in [
        ("nobody", REDIRECT),
        ("spa", "http://127.0.0.1:9/callback/"),
        ("spa", "http://127.0.0.1:9/callbacks"),
        ("spa", "https://evil.example/callback"),
    ] {
        let url = format!(
            "{}/authorize?response_type=code&client_id={id}&redirect_uri={}&scope=openid",
            server.base,
            encode(redirect)
        );
        let page = browser.get(&url).await;
        assert_eq!(page.status, 400, "{id} {redirect}");
        assert!(page.location().is_none());
    }
    // Errors at a validated redirect URI carry state and iss.
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[], "invalid_request"), // a public client without PKCE
        (
            &[("code_challenge", CHALLENGE), ("code_challenge_method", "plain")],
            "invalid_request",
        ),
        (
            &[
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
                ("prompt", "none"),
            ],
            "login_required",
        ),
        (
            &[
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
                ("max_age", "soon"),
            ],
            "invalid_request",
        ),
    ];
    for (extra, error) in cases {
        let answer = start(&server, &browser, extra).await;
        let location = answer
            .location()
            .unwrap_or_else(|| panic!("{extra:?}: {} {}", answer.status, answer.body));
        assert_eq!(param(&location, "error").as_deref(), Some(error), "{extra:?}");
        assert_eq!(param(&location, "state").as_deref(), Some("s1"));
        assert_eq!(param(&location, "iss").as_deref(), Some(server.base.as_str()));
    }
    let implicit = format!(
        "{}/authorize?response_type=token&client_id=spa&redirect_uri={}&scope=openid&code_challenge={CHALLENGE}&code_challenge_method=S256",
        server.base,
        encode(REDIRECT)
    );
    let location = browser.get(&implicit).await.location().unwrap();
    assert_eq!(
        param(&location, "error").as_deref(),
        Some("unsupported_response_type"),
        "no implicit flow"
    );
}

#[tokio::test]
async fn codes_are_short_lived_single_use_and_bound_to_pkce() {
    let server = TestServer::start().await;
    server.add_user("quin", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();

    let code = code_for(&server, &browser, &[], "quin").await;
    assert_eq!(
        redeem(&server, &code, None).await.1["error"],
        "invalid_grant",
        "a verifier is required"
    );
    let code = code_for(&server, &browser, &[], "quin").await;
    assert_eq!(
        redeem(&server, &code, Some("dBjftJeZ4CVP-mJ92K2sd4XqZ3Xa6hgCUsQnMZCy4nX"))
            .await
            .1["error"],
        "invalid_grant"
    );
    let code = code_for(&server, &browser, &[], "quin").await;
    let (status, body) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");

    let code = code_for(&server, &browser, &[], "quin").await;
    server.clock.advance(Duration::seconds(61));
    assert_eq!(
        redeem(&server, &code, Some(VERIFIER)).await.1["error"],
        "invalid_grant",
        "expired after 60 s"
    );

    // Concurrent redemptions: exactly one wins.
    let code = code_for(&server, &browser, &[], "quin").await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let url = server.url("/token");
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            let form = [
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
                ("client_id", "spa"),
                ("code_verifier", VERIFIER),
            ];
            let response = reqwest::Client::new().post(url).form(&form).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status == 200 {
            winners.push(body);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one redemption wins");
    // The other nine are replays: whatever the winner got is revoked, refresh family included, even when a replay
    // arrived while the winner was still minting.
    let access = winners[0]["access_token"].as_str().unwrap();
    let userinfo = reqwest::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 401, "the winner's access token is revoked");
    let refresh = reqwest::Client::new()
        .post(server.url("/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", winners[0]["refresh_token"].as_str().unwrap()),
            ("client_id", "spa"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 400, "and so is its refresh token");

    let (status, body) = redeem(&server, "made-up", Some(VERIFIER)).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let unsupported = reqwest::Client::new()
        .post(server.url("/token"))
        .form(&[("grant_type", "password"), ("client_id", "spa")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        unsupported.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type",
        "no password grant"
    );
    let duplicated = reqwest::Client::new()
        .post(server.url("/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code&grant_type=authorization_code")
        .send()
        .await
        .unwrap();
    assert_eq!(duplicated.status(), 400);
}

#[tokio::test]
async fn prompt_login_and_max_age_force_a_fresh_sign_in() {
    let server = TestServer::start().await;
    server.add_user("rita", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    assert_eq!(browser.login("rita", GOOD_PASSWORD).await.status, 303);

    // Signed in: no prompt.
    let answer = start(
        &server,
        &browser,
        &[("code_challenge", CHALLENGE), ("code_challenge_method", "S256")],
    )
    .await;
    assert!(answer.location().unwrap().starts_with(REDIRECT));
    // prompt=login: back to the sign-in page first.
    let answer = start(
        &server,
        &browser,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("prompt", "login"),
        ],
    )
    .await;
    assert!(answer.location().unwrap().starts_with("/login?reauth=1"));
    // max_age: fine while recent, sign-in again when older.
    let answer = start(
        &server,
        &browser,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("max_age", "60"),
        ],
    )
    .await;
    assert!(answer.location().unwrap().starts_with(REDIRECT));
    server.clock.advance(Duration::seconds(61));
    let answer = start(
        &server,
        &browser,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("max_age", "60"),
        ],
    )
    .await;
    assert!(answer.location().unwrap().starts_with("/login"));
    let code = code_for(&server, &browser, &[("max_age", "60")], "rita").await;
    let (status, _) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn untrusted_clients_ask_for_consent_once() {
    let server = TestServer::start().await;
    server.add_user("sue", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, false).await;
    let browser = server.browser();
    assert_eq!(browser.login("sue", GOOD_PASSWORD).await.status, 303);
    let pkce = [("code_challenge", CHALLENGE), ("code_challenge_method", "S256")];
    let answer = start(&server, &browser, &pkce).await;
    assert_eq!(answer.status, 200, "the consent page");
    assert!(answer.body.contains("Allow access?") && answer.body.contains("spa"));
    let page = answer;
    let request = page.input("request").unwrap();
    let denied = browser
        .post(
            "/authorize/consent",
            &[("csrf", &page.csrf()), ("request", &request), ("decision", "deny")],
        )
        .await;
    assert_eq!(
        param(&denied.location().unwrap(), "error").as_deref(),
        Some("access_denied")
    );
    let allowed = browser
        .post(
            "/authorize/consent",
            &[("csrf", &page.csrf()), ("request", &request), ("decision", "allow")],
        )
        .await;
    assert!(param(&allowed.location().unwrap(), "code").is_some());
    // Remembered.
    let answer = start(&server, &browser, &pkce).await;
    assert!(answer.location().unwrap().starts_with(REDIRECT));
    // prompt=none for another user who has not consented: consent_required.
    server.add_user("tom", Some(GOOD_PASSWORD)).await;
    let other = server.browser();
    assert_eq!(other.login("tom", GOOD_PASSWORD).await.status, 303);
    let answer = start(&server, &other, &[pkce[0], pkce[1], ("prompt", "none")]).await;
    assert_eq!(
        param(&answer.location().unwrap(), "error").as_deref(),
        Some("consent_required")
    );
}

#[tokio::test]
async fn a_sign_in_waiting_for_its_second_factor_gets_no_code() {
    let server = TestServer::start().await;
    server.add_user("uli", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    assert_eq!(browser.login("uli", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await;
    let pending = server.browser();
    assert!(
        pending
            .login("uli", GOOD_PASSWORD)
            .await
            .location()
            .unwrap()
            .starts_with("/login/factor")
    );
    let answer = start(
        &server,
        &pending,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("prompt", "none"),
        ],
    )
    .await;
    assert_eq!(
        param(&answer.location().unwrap(), "error").as_deref(),
        Some("login_required")
    );
}
