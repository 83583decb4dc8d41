//! The device authorization grant (RFC 8628) through the real server: a CLI or mail client starts it, the user
//! signs in in a browser with the full second factor and approves, the client's polls get tokens once; and
//! every way it may go wrong — too fast, denied, expired, another client's code, guessed user codes, bad input.
use crate::common::*;
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use serde_json::Value;

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Registers a client for the device grant (plus `extra` grants); no redirect URI, as a CLI has none.
async fn device_client(server: &TestServer, id: &str, public: bool, extra: &[&str]) -> Option<String> {
    let mut grants = vec![GRANT.to_string()];
    grants.extend(extra.iter().map(|g| g.to_string()));
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: id.into(),
            public,
            grants,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    secret
}

async fn post(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let text = response.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// `/device_authorization` for a public client; the answer must be a success.
async fn start(server: &TestServer, client_id: &str, scope: &str) -> Value {
    let (status, headers, body) = post(
        server,
        "/device_authorization",
        &[("client_id", client_id), ("scope", scope)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    body
}

async fn poll(server: &TestServer, client_id: &str, device_code: &str) -> (u16, Value) {
    let (status, _, body) = post(
        server,
        "/token",
        &[
            ("grant_type", GRANT),
            ("device_code", device_code),
            ("client_id", client_id),
        ],
    )
    .await;
    (status, body)
}

/// The `error` of a poll that must fail with 400.
async fn poll_error(server: &TestServer, client_id: &str, device_code: &str) -> String {
    let (status, body) = poll(server, client_id, device_code).await;
    assert_eq!(status, 400, "{body}");
    body["error"].as_str().unwrap_or_default().to_string()
}

/// Types `user_code` at `/device` in a signed-in browser.
async fn enter(browser: &Browser, user_code: &str) -> Page {
    browser.submit("/device", "/device", &[("user_code", user_code)]).await
}

/// Types the code and presses Allow or Deny on the confirmation page.
async fn decide(browser: &Browser, user_code: &str, decision: &str) -> Page {
    let confirm = enter(browser, user_code).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let shown = confirm.input("user_code").expect("the code travels with the decision");
    browser
        .post(
            "/device/decide",
            &[("csrf", &confirm.csrf()), ("user_code", &shown), ("decision", decision)],
        )
        .await
}

/// Decodes a JWT's claims without checking the signature (other tests check signatures).
fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[tokio::test]
async fn a_cli_signs_in_through_the_browser_with_a_second_factor() {
    let server = TestServer::start().await;
    let dora = server.add_user("dora", Some(GOOD_PASSWORD)).await;
    let setup = server.browser();
    assert_eq!(setup.login("dora", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&setup).await;
    device_client(&server, "mutt", true, &["refresh_token"]).await;
    device_client(&server, "other", true, &[]).await;

    let started = start(&server, "mutt", "openid email calendar").await;
    let device_code = started["device_code"].as_str().unwrap().to_string();
    let user_code = started["user_code"].as_str().unwrap().to_string();
    assert_eq!(device_code.len(), 43, "256 random bits");
    assert!(
        user_code.len() == 9
            && user_code.chars().enumerate().all(|(i, c)| if i == 4 {
                c == '-'
            } else {
                "BCDFGHJKLMNPQRSTVWXZ".contains(c)
            }),
        "{user_code}"
    );
    assert_eq!(started["verification_uri"], format!("{}/device", server.base));
    let complete = started["verification_uri_complete"].as_str().unwrap().to_string();
    assert_eq!(complete, format!("{}/device?user_code={user_code}", server.base));
    assert_eq!(
        (started["expires_in"].as_i64(), started["interval"].as_i64()),
        (Some(600), Some(5))
    );

    // Before the user acts: pending; polling again at once: slow down. Another client's poll with this device
    // code is invalid and does not count as a poll of it.
    assert_eq!(poll_error(&server, "mutt", &device_code).await, "authorization_pending");
    assert_eq!(poll_error(&server, "mutt", &device_code).await, "slow_down");
    server.clock.advance(Duration::seconds(9));
    assert_eq!(
        poll_error(&server, "mutt", &device_code).await,
        "slow_down",
        "the interval grew to 10 s"
    );
    assert_eq!(poll_error(&server, "other", &device_code).await, "invalid_grant");
    server.clock.advance(Duration::seconds(15));
    assert_eq!(poll_error(&server, "mutt", &device_code).await, "authorization_pending");

    // The user opens the link: sign-in first (password, then the authenticator app), then back to /device.
    let browser = server.browser();
    let path = complete.strip_prefix(&server.base).unwrap();
    let to_login = browser.get(path).await;
    assert_eq!(to_login.status, 303);
    let login_url = to_login.location().unwrap();
    assert!(login_url.starts_with("/login?"), "{login_url}");
    let form = browser.get(&login_url).await;
    let return_to = form.input("return_to").expect("the way back is kept");
    assert_eq!(return_to, format!("/device?user_code={user_code}"));
    let after_password = browser
        .post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "dora"),
                ("password", GOOD_PASSWORD),
                ("return_to", &return_to),
            ],
        )
        .await;
    let factor_url = after_password.location().unwrap();
    assert!(
        factor_url.starts_with("/login/factor"),
        "the second factor is asked: {factor_url}"
    );
    assert_eq!(
        browser.get(path).await.status,
        303,
        "a password alone is not a sign-in for /device"
    );
    let factor = browser.get(&factor_url).await;
    let back = browser
        .post(
            "/login/factor",
            &[
                ("csrf", &factor.csrf()),
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 0)),
                ("return_to", &factor.input("return_to").unwrap()),
            ],
        )
        .await;
    assert_eq!(back.location().as_deref(), Some(path), "{}", back.body);
    let form = browser.get(path).await;
    assert_eq!(form.status, 200);
    assert_eq!(
        form.input("user_code").as_deref(),
        Some(user_code.as_str()),
        "filled in"
    );

    // Typing it differently changes nothing; the confirmation names the client, the scopes, and warns.
    let typed = user_code.to_lowercase().replace('-', " ");
    let confirm = enter(&browser, &typed).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    for expected in [
        "mutt",
        "Only continue if you started this on your device",
        "e-mail address",
        &user_code,
    ] {
        assert!(confirm.body.contains(expected), "{expected}: {}", confirm.body);
    }
    assert!(!confirm.body.contains("calendar"), "unknown scopes are ignored");
    let still = poll_error(&server, "mutt", &device_code).await;
    assert!(
        ["slow_down", "authorization_pending"].contains(&still.as_str()),
        "still pending: {still}"
    );

    let done = decide(&browser, &user_code, "allow").await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Your device is signed in"));
    assert_eq!(
        enter(&browser, &user_code).await.status,
        400,
        "a decided code cannot be entered again"
    );

    // The next poll gets the tokens at once (approval is not held back by the interval), exactly once.
    let (status, tokens) = poll(&server, "mutt", &device_code).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["scope"], "openid email");
    let id = claims(tokens["id_token"].as_str().expect("openid was granted: an ID token"));
    assert_eq!(id["sub"], dora.id.as_str());
    assert_eq!(id["aud"], "mutt");
    assert_eq!(id["email"], "dora@example.com");
    let amr: Vec<&str> = id["amr"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(
        amr.contains(&"pwd") && amr.contains(&"otp") && amr.contains(&"mfa"),
        "{amr:?}"
    );
    assert_eq!(id["acr"], "urn:gatehouse:acr:mfa");
    assert!(id["auth_time"].is_i64() && id["sid"].is_string());
    assert!(id.get("nonce").is_none());
    let access = tokens["access_token"].as_str().unwrap();
    let info = reqwest::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 200);
    let refresh_token = tokens["refresh_token"].as_str().expect("the client has refresh_token");
    let (status, _, refreshed) = post(
        &server,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "mutt"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(claims(refreshed["id_token"].as_str().unwrap())["amr"], id["amr"]);

    assert_eq!(
        poll_error(&server, "mutt", &device_code).await,
        "invalid_grant",
        "used once"
    );
    server.clock.advance(Duration::seconds(30));
    assert_eq!(poll_error(&server, "mutt", &device_code).await, "invalid_grant");

    let kinds = server.audit_kinds(None).await;
    for kind in [
        "oidc.device_authorization",
        "oidc.device_code_entered",
        "oidc.device_approved",
        "oidc.token",
    ] {
        assert!(kinds.contains(&(kind.into(), "success".into())), "{kind}: {kinds:?}");
    }
    assert!(kinds.contains(&("oidc.device_code_reused".into(), "denied".into())));

    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["device_authorization_endpoint"],
        format!("{}/device_authorization", server.base)
    );
    assert!(
        discovery["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&GRANT.into())
    );
}

#[tokio::test]
async fn concurrent_polls_issue_tokens_once() {
    let server = TestServer::start().await;
    server.add_user("cy", Some(GOOD_PASSWORD)).await;
    device_client(&server, "tv", true, &[]).await;
    let started = start(&server, "tv", "profile").await;
    let device_code = started["device_code"].as_str().unwrap().to_string();
    let browser = server.browser();
    browser.login("cy", GOOD_PASSWORD).await;
    let done = decide(&browser, started["user_code"].as_str().unwrap(), "allow").await;
    assert_eq!(done.status, 200, "{}", done.body);

    let polls = (0..8).map(|_| poll(&server, "tv", &device_code));
    let results = futures_util::future::join_all(polls).await;
    let winners: Vec<&Value> = results.iter().filter(|(s, _)| *s == 200).map(|(_, b)| b).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|(s, _)| *s != 200)
            .all(|(s, b)| *s == 400 && b["error"] == "invalid_grant"),
        "{results:?}"
    );
    let tokens = winners[0];
    assert!(tokens["id_token"].is_null(), "no openid scope: no ID token");
    assert!(
        tokens["refresh_token"].is_null(),
        "no refresh_token grant: no refresh token"
    );
    assert_eq!(tokens["scope"], "profile");
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["amr"],
        serde_json::json!(["pwd"]),
        "a password-only sign-in says so"
    );
}

#[tokio::test]
async fn denied_and_expired_codes() {
    let server = TestServer::start().await;
    let eve = server.add_user("eve", Some(GOOD_PASSWORD)).await;
    device_client(&server, "tv", true, &[]).await;
    let browser = server.browser();
    browser.login("eve", GOOD_PASSWORD).await;

    let denied = start(&server, "tv", "openid").await;
    let code = denied["user_code"].as_str().unwrap();
    let device_code = denied["device_code"].as_str().unwrap();
    let page = decide(&browser, code, "deny").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Access denied"), "{}", page.body);
    assert_eq!(poll_error(&server, "tv", device_code).await, "access_denied");
    server.clock.advance(Duration::seconds(6));
    assert_eq!(
        poll_error(&server, "tv", device_code).await,
        "access_denied",
        "for good"
    );
    let again = decide_again(&browser, code, "allow").await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("already been used"), "{}", again.body);
    assert_eq!(
        poll_error(&server, "tv", device_code).await,
        "access_denied",
        "a denial stays"
    );
    assert!(
        server
            .audit_kinds(Some(&eve))
            .await
            .contains(&("oidc.device_denied".into(), "denied".into()))
    );

    let late = start(&server, "tv", "openid").await;
    let device_code = late["device_code"].as_str().unwrap();
    assert_eq!(poll_error(&server, "tv", device_code).await, "authorization_pending");
    server.clock.advance(Duration::seconds(601));
    assert_eq!(poll_error(&server, "tv", device_code).await, "expired_token");
    // The user is still signed in (the clock moved within the session's idle limit) but the code is gone.
    let page = enter(&browser, late["user_code"].as_str().unwrap()).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("expired"), "{}", page.body);
    assert_eq!(poll_error(&server, "tv", device_code).await, "expired_token");
}

/// Posts a decision for a code without passing through the confirmation page (a forged or replayed form).
async fn decide_again(browser: &Browser, user_code: &str, decision: &str) -> Page {
    browser
        .submit(
            "/device",
            "/device/decide",
            &[("user_code", user_code), ("decision", decision)],
        )
        .await
}

#[tokio::test]
async fn wrong_and_malformed_user_codes_change_nothing_and_guessing_is_throttled() {
    let server = TestServer::start().await;
    server.add_user("finn", Some(GOOD_PASSWORD)).await;
    server.add_user("gail", Some(GOOD_PASSWORD)).await;
    device_client(&server, "tv", true, &[]).await;
    let started = start(&server, "tv", "openid").await;
    let user_code = started["user_code"].as_str().unwrap().to_string();
    let device_code = started["device_code"].as_str().unwrap().to_string();
    // A well-formed code that is not this one: change its last letter.
    let last = user_code.chars().last().unwrap();
    let wrong = format!("{}{}", &user_code[..8], if last == 'B' { 'C' } else { 'B' });

    let browser = server.browser();
    browser.login("finn", GOOD_PASSWORD).await;
    let long = "B".repeat(5000);
    for malformed in ["", "hello", "BCDF-GHJ", "AEIO-UAEI", "1234-5678", long.as_str()] {
        let page = enter(&browser, malformed).await;
        assert_eq!(page.status, 400, "{malformed:.20}");
        assert!(
            page.body.contains("A code has 8 letters"),
            "{malformed:.20}: {}",
            page.body
        );
    }
    assert_eq!(
        browser.get("/device?user_code=nonsense").await.status,
        400,
        "a bad code in the link is said so"
    );
    // Wrong guesses: a clear message each time. The first five are free, then each must wait longer (1, 2, 4 …
    // up to 60 s after the previous one): the clock moves past each delay until a minute is due.
    for _ in 0..5 {
        let page = enter(&browser, &wrong).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("not valid"), "{}", page.body);
    }
    for _ in 0..6 {
        server.clock.advance(Duration::seconds(61));
        assert_eq!(enter(&browser, &wrong).await.status, 400);
    }
    let page = enter(&browser, &wrong).await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.header("retry-after").is_some());
    assert!(page.body.contains("Too many attempts"), "{}", page.body);
    // While refused, even the right code and the decision form are refused: neither is a way around it.
    assert_eq!(enter(&browser, &user_code).await.status, 429);
    assert_eq!(decide_again(&browser, &user_code, "allow").await.status, 429);
    // Another user is not slowed down by finn's guesses.
    let other = server.browser();
    other.login("gail", GOOD_PASSWORD).await;
    assert_eq!(enter(&other, &wrong).await.status, 400);

    server.clock.advance(Duration::seconds(61));
    assert_eq!(
        poll_error(&server, "tv", &device_code).await,
        "authorization_pending",
        "nothing changed"
    );
    let confirm = enter(&browser, &user_code).await;
    assert_eq!(confirm.status, 200, "after the wait the right code works");
    assert_eq!(
        enter(&browser, &wrong).await.status,
        429,
        "a valid code does not wipe out the wrong guesses"
    );
    assert!(
        server
            .audit_kinds(None)
            .await
            .contains(&("oidc.device_code_rejected".into(), "failure".into()))
    );
}

#[tokio::test]
async fn throttled_and_malformed_user_codes_are_audited() {
    let server = TestServer::start().await;
    let finn = server.add_user("finn", Some(GOOD_PASSWORD)).await;
    device_client(&server, "tv", true, &[]).await;
    let browser = server.browser();
    browser.login("finn", GOOD_PASSWORD).await;
    let wrong = "BCDF-GHJK";
    for _ in 0..5 {
        assert_eq!(enter(&browser, wrong).await.status, 400);
    }
    assert_eq!(enter(&browser, wrong).await.status, 429);
    assert_eq!(enter(&browser, "nonsense").await.status, 400);
    let rejected: Vec<_> = server
        .state()
        .store
        .list_audit(Some(&finn.id), 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.kind == "oidc.device_code_rejected")
        .map(|e| {
            (
                e.event.outcome.as_str().to_string(),
                e.event.details["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let count = |outcome: &str, reason: &str| rejected.iter().filter(|(o, r)| o == outcome && r == reason).count();
    assert_eq!(count("failure", "unknown"), 5, "{rejected:?}");
    assert_eq!(
        count("denied", "throttled"),
        1,
        "the throttled guess is an audit event: {rejected:?}"
    );
    assert_eq!(count("failure", "malformed"), 1, "{rejected:?}");
    assert_eq!(rejected.len(), 7);
}

#[tokio::test]
async fn device_authorization_requests_are_checked() {
    let server = TestServer::start().await;
    server.add_user("hal", Some(GOOD_PASSWORD)).await;
    device_client(&server, "tv", true, &[]).await;
    let secret = device_client(&server, "nas", false, &[]).await.unwrap();
    crate::oidc::common::client(&server, "spa", true, true).await;

    let status_error = |(status, _, body): (u16, reqwest::header::HeaderMap, Value)| {
        (status, body["error"].as_str().unwrap_or_default().to_string())
    };
    let refused = |status: u16, error: &str| (status, error.to_string());
    let call = |form: Vec<(&'static str, String)>| {
        let url = server.url("/device_authorization");
        async move {
            let response = reqwest::Client::new().post(url).form(&form).send().await.unwrap();
            (
                response.status().as_u16(),
                response.headers().clone(),
                response.json().await.unwrap_or(Value::Null),
            )
        }
    };
    assert_eq!(
        status_error(call(vec![("client_id", "spa".into())]).await),
        refused(400, "unauthorized_client"),
        "a client not registered for the grant"
    );
    assert_eq!(
        status_error(call(vec![("client_id", "nobody".into())]).await),
        refused(401, "invalid_client")
    );
    assert_eq!(
        status_error(call(vec![("client_id", "nas".into())]).await),
        refused(401, "invalid_client"),
        "a confidential client must authenticate"
    );
    assert_eq!(
        status_error(call(vec![("client_id", "tv".into()), ("scope", "admin".into())]).await),
        refused(400, "invalid_scope")
    );
    assert_eq!(
        status_error(call(vec![("client_id", "tv".into()), ("client_secret", "x".into())]).await),
        refused(401, "invalid_client"),
        "a public client has no secret"
    );
    let basic = |secret: &str| {
        reqwest::Client::new()
            .post(server.url("/device_authorization"))
            .basic_auth("nas", Some(secret.to_string()))
            .form(&[("scope", "openid")])
            .send()
    };
    let wrong = basic("wrong").await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("www-authenticate").is_some());
    let right = basic(&secret).await.unwrap();
    assert_eq!(right.status(), 200);
    let body: Value = right.json().await.unwrap();
    assert_eq!(body["interval"], 5);
    let nas_code = body["device_code"].as_str().unwrap().to_string();

    // Defaults: no scope means openid.
    let (status, _, body) = call(vec![("client_id", "tv".into())]).await;
    assert_eq!(status, 200, "{body}");
    let tv_code = body["device_code"].as_str().unwrap().to_string();

    // Malformed and oversized input: 4xx, never 500.
    let raw = |path: &'static str, content_type: &'static str, body: Vec<u8>| {
        let url = server.url(path);
        async move {
            reqwest::Client::new()
                .post(url)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let form = "application/x-www-form-urlencoded";
    for (what, path, content_type, body) in [
        (
            "repeated client_id",
            "/device_authorization",
            form,
            b"client_id=tv&client_id=tv".to_vec(),
        ),
        ("bad UTF-8", "/device_authorization", form, b"client_id=%FF".to_vec()),
        ("JSON", "/device_authorization", "application/json", b"{}".to_vec()),
        (
            "oversized",
            "/device_authorization",
            form,
            format!("client_id=tv&scope={}", "a".repeat(300_000)).into_bytes(),
        ),
        (
            "long scope",
            "/device_authorization",
            form,
            format!("client_id=tv&scope={}", "openid ".repeat(1000)).into_bytes(),
        ),
        (
            "no device_code",
            "/token",
            form,
            format!("grant_type={GRANT}&client_id=tv").into_bytes(),
        ),
        (
            "huge device_code",
            "/token",
            form,
            format!("grant_type={GRANT}&client_id=tv&device_code={}", "x".repeat(5000)).into_bytes(),
        ),
    ] {
        let status = raw(path, content_type, body).await;
        assert!((400..500).contains(&status), "{what}: {status}");
    }
    assert_eq!(poll_error(&server, "tv", "garbage").await, "invalid_grant");
    assert_eq!(
        poll_error(&server, "tv", &nas_code).await,
        "invalid_grant",
        "another client's code"
    );
    assert_eq!(poll_error(&server, "spa", &tv_code).await, "unauthorized_client");
    assert_eq!(poll_error(&server, "tv", &tv_code).await, "authorization_pending");

    // The pages: sign-in first, CSRF on every form, odd input refused plainly.
    let anonymous = server.browser();
    let page = anonymous.get("/device?user_code=bcdf-ghjk").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location().as_deref(),
        Some("/login?return_to=%2Fdevice%3Fuser_code%3DBCDF-GHJK")
    );
    assert_eq!(
        anonymous
            .get("/device?user_code=%3Cscript%3E")
            .await
            .location()
            .as_deref(),
        Some("/login?return_to=%2Fdevice"),
        "only a well-formed code is carried through sign-in"
    );
    let browser = server.browser();
    browser.login("hal", GOOD_PASSWORD).await;
    assert_eq!(browser.get("/device?user_code=a&user_code=b").await.status, 400);
    assert_eq!(browser.get("/device?user_code=%FF").await.status, 400);
    let huge = browser.get(&format!("/device?user_code={}", "B".repeat(6000))).await;
    assert!((400..500).contains(&huge.status), "{}", huge.status);
    let user_code = body_code(&server, "tv").await;
    assert_eq!(
        browser.post("/device", &[("user_code", &user_code)]).await.status,
        403,
        "no CSRF token"
    );
    assert_eq!(
        browser
            .post("/device/decide", &[("user_code", &user_code), ("decision", "allow")])
            .await
            .status,
        403
    );
    assert_eq!(
        decide_again(&browser, &user_code, "maybe").await.status,
        400,
        "neither Allow nor Deny"
    );
    let bad_body = browser
        .client
        .post(server.url("/device"))
        .header("content-type", form)
        .body(b"csrf=x&user_code=%C3%28".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(bad_body.status(), 400);
}

/// A fresh device authorization of `client_id`; its user code.
async fn body_code(server: &TestServer, client_id: &str) -> String {
    start(server, client_id, "openid").await["user_code"]
        .as_str()
        .unwrap()
        .to_string()
}
