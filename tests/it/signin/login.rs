//! Password sign-in, sessions, sign-out, CSRF and security headers, through real HTTP.
use crate::common::*;
use chrono::Duration;

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_shows_the_account() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();

    let form = browser.get("/login").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"username\"") && form.body.contains("name=\"password\""));

    let done = browser.login("alice", GOOD_PASSWORD).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location().as_deref(), Some("/account"));
    let cookie = done
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("gatehouse_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not mark the cookie Secure: {cookie}"
    );
    let token = cookie_value(&done.set_cookies(), "gatehouse_session").expect("token");
    assert!(token.len() >= 43, "at least 256 bits");

    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("<dd id=\"username\">alice</dd>"));
    assert_eq!(server.session_count(&alice).await, 1);
    assert!(
        server
            .audit_kinds(Some(&alice))
            .await
            .contains(&("login.password".into(), "success".into()))
    );

    // Signing in again from the same browser rotates the session id and ends the old session.
    // (A signed-in browser is sent from /login to its account, so post with the account page's token.)
    let again = browser
        .submit(
            "/account",
            "/login",
            &[("username", "alice"), ("password", GOOD_PASSWORD)],
        )
        .await;
    let second = cookie_value(&again.set_cookies(), "gatehouse_session").expect("new token");
    assert_ne!(second, token);
    assert_eq!(server.session_count(&alice).await, 1);
    let replay = Browser::with_cookie(&server.base, "gatehouse_session", &token)
        .get("/account")
        .await;
    assert_eq!(replay.status, 303, "the pre-rotation session no longer works");
}

#[tokio::test]
async fn sign_in_by_email_is_case_insensitive() {
    let server = TestServer::start().await;
    server.add_user("bob", Some(GOOD_PASSWORD)).await;
    let done = server.browser().login("BOB@Example.com", GOOD_PASSWORD).await;
    assert_eq!(done.status, 303);
}

#[tokio::test]
async fn unknown_user_and_wrong_password_look_the_same() {
    let server = TestServer::start().await;
    let carol = server.add_user("carol", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let wrong = browser.login("carol", "not-the-password-at-all").await;
    let unknown = browser.login("nobody", "not-the-password-at-all").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    let message = "Invalid username or password.";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert!(wrong.set_cookies().iter().all(|c| !c.starts_with("gatehouse_session=")));
    assert_eq!(server.session_count(&carol).await, 0);
    let events = server.audit_kinds(None).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| *e == &("login.password".to_string(), "failure".to_string()))
            .count(),
        2
    );
    // The typed username is echoed back escaped.
    let hostile = browser.login("<script>x</script>", "whatever-password").await;
    assert_eq!(hostile.status, 401);
    assert!(!hostile.body.contains("<script>x"));
}

#[tokio::test]
async fn a_user_without_a_password_cannot_sign_in() {
    let server = TestServer::start().await;
    server.add_user("nopw", None).await;
    assert_eq!(server.browser().login("nopw", "").await.status, 401);
    assert_eq!(server.browser().login("nopw", "anything-at-all").await.status, 401);
}

#[tokio::test]
async fn disabled_users_are_refused_and_lose_their_sessions() {
    let server = TestServer::start().await;
    let dave = server.add_user("dave", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("dave", GOOD_PASSWORD).await.status, 303);
    let state = server.state();
    gatehouse::core::accounts::set_status(
        state.store.as_ref(),
        state.clock.now(),
        &gatehouse::core::audit::Origin::cli(),
        &dave,
        gatehouse::core::model::UserStatus::Disabled,
    )
    .await
    .unwrap();
    assert_eq!(
        browser.get("/account").await.status,
        303,
        "session ended with the account"
    );
    let refused = browser.login("dave", GOOD_PASSWORD).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("disabled"));
    // A wrong password for a disabled account says nothing about the account.
    assert_eq!(browser.login("dave", "wrong-password-here").await.status, 401);
}

#[tokio::test]
async fn return_to_is_followed_only_on_this_site() {
    let server = TestServer::start().await;
    server.add_user("erin", Some(GOOD_PASSWORD)).await;
    for (return_to, expected) in [
        ("/account?tab=1", "/account?tab=1"),
        ("https://evil.example/", "/account"),
        ("//evil.example/", "/account"),
        ("/\\evil.example", "/account"),
        ("javascript:alert(1)", "/account"),
    ] {
        let browser = server.browser();
        let done = browser
            .submit(
                "/login",
                "/login",
                &[
                    ("username", "erin"),
                    ("password", GOOD_PASSWORD),
                    ("return_to", return_to),
                ],
            )
            .await;
        assert_eq!(done.status, 303);
        assert_eq!(done.location().as_deref(), Some(expected), "return_to {return_to}");
    }
    let page = server
        .browser()
        .get("/login?return_to=https%3A%2F%2Fevil.example")
        .await;
    assert!(!page.body.contains("evil.example"));
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let server = TestServer::start().await;
    let frank = server.add_user("frank", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let done = browser.login("frank", GOOD_PASSWORD).await;
    let token = cookie_value(&done.set_cookies(), "gatehouse_session").unwrap();
    let out = browser.submit("/account", "/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(server.session_count(&frank).await, 0);
    // The old cookie, replayed by anyone, is worthless.
    let replay = Browser::with_cookie(&server.base, "gatehouse_session", &token)
        .get("/account")
        .await;
    assert_eq!(replay.status, 303);
    assert!(
        server
            .audit_kinds(Some(&frank))
            .await
            .contains(&("session.signed_out".into(), "success".into()))
    );
}

#[tokio::test]
async fn forms_need_a_valid_csrf_token_and_our_origin() {
    let server = TestServer::start().await;
    let gina = server.add_user("gina", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let csrf = browser.get("/login").await.csrf();
    // No token.
    assert_eq!(
        browser
            .post("/login", &[("username", "gina"), ("password", GOOD_PASSWORD)])
            .await
            .status,
        403
    );
    // A token from another browser.
    let other = server.browser().get("/login").await.csrf();
    assert_eq!(
        browser
            .post(
                "/login",
                &[("csrf", &other), ("username", "gina"), ("password", GOOD_PASSWORD)]
            )
            .await
            .status,
        403
    );
    // The right token, sent from another site.
    let cross = browser
        .client
        .post(server.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "gina"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(server.session_count(&gina).await, 0);
    // Sign-out is protected too.
    assert_eq!(browser.login("gina", GOOD_PASSWORD).await.status, 303);
    assert_eq!(browser.post("/logout", &[]).await.status, 403);
    assert_eq!(server.session_count(&gina).await, 1);
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let server = TestServer::start().await;
    let page = server.browser().get("/login").await;
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
    assert_eq!(page.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(page.header("referrer-policy").as_deref(), Some("same-origin"));
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    assert!(page.header("x-request-id").is_some_and(|id| id.len() >= 16));
    assert!(
        page.header("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
}

#[tokio::test]
async fn https_public_url_makes_cookies_secure_and_adds_hsts() {
    let db = TestDb::new().await;
    let server = TestServer::start_on(&db.url, Some("https://id.example.test")).await;
    server.add_user("hank", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let page = browser.get("/login").await;
    assert!(page.header("strict-transport-security").is_some());
    let csrf_cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-gatehouse_csrf="))
        .expect("csrf cookie");
    assert!(csrf_cookie.contains("Secure"));
    // reqwest will not send a Secure cookie over http, so post the cookie by hand.
    let value = cookie_value(&page.set_cookies(), "__Host-gatehouse_csrf").unwrap();
    let response = browser
        .client
        .post(server.url("/login"))
        .header("cookie", format!("__Host-gatehouse_csrf={value}"))
        .form(&[
            ("csrf", page.csrf().as_str()),
            ("username", "hank"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let done = Browser::read(response).await;
    assert_eq!(done.status, 303);
    let cookie = done
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-gatehouse_session="))
        .expect("session cookie");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"));
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_limit() {
    let server = TestServer::start().await;
    server.add_user("ivy", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("ivy", GOOD_PASSWORD).await.status, 303);
    // Activity every 100 minutes keeps it under the 120-minute idle limit ...
    for _ in 0..6 {
        server.clock.advance(Duration::minutes(100));
        assert_eq!(browser.get("/account").await.status, 200);
    }
    // ... until the 12-hour absolute limit.
    server.clock.advance(Duration::minutes(125));
    assert_eq!(browser.get("/account").await.status, 303);

    assert_eq!(browser.login("ivy", GOOD_PASSWORD).await.status, 303);
    server.clock.advance(Duration::minutes(121));
    assert_eq!(
        browser.get("/account").await.status,
        303,
        "idle for longer than 120 minutes"
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let health = browser.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    assert_eq!(browser.get("/readyz").await.status, 200);
    assert_eq!(browser.get("/").await.location().as_deref(), Some("/login"));
    assert_eq!(browser.get("/no/such/page").await.status, 404);
}

#[tokio::test]
async fn passwords_are_rehashed_when_parameters_change() {
    use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
    let server = TestServer::start().await;
    let jack = server.add_user("jack", Some(GOOD_PASSWORD)).await;
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8 * 1024, 1, 1, None).unwrap(),
    )
    .hash_password(GOOD_PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    let state = server.state();
    state
        .store
        .set_password_hash(&jack.id, &weak, None, state.clock.now())
        .await
        .unwrap();
    assert_eq!(server.browser().login("jack", GOOD_PASSWORD).await.status, 303);
    let stored = server.user("jack").await.password_hash.unwrap();
    assert!(stored.contains("m=19456,t=2,p=1"), "{stored}");
    assert_eq!(server.browser().login("jack", GOOD_PASSWORD).await.status, 303);
}

#[tokio::test]
async fn forwarded_headers_change_nothing_without_a_trusted_proxy() {
    let server = TestServer::start().await;
    let kit = server.add_user("kit", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let csrf = browser.get("/login").await.csrf();
    let done = browser
        .client
        .post(server.url("/login"))
        .header("x-forwarded-for", "203.0.113.9")
        .header("forwarded", "for=203.0.113.9")
        .header("x-real-ip", "203.0.113.9")
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "kit"),
            ("password", GOOD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let events = server.state().store.list_audit(Some(&kit.id), 10).await.unwrap();
    let login = events
        .iter()
        .find(|e| e.event.kind == "login.password")
        .expect("audited");
    assert_eq!(
        login.event.ip.as_deref(),
        Some("127.0.0.1"),
        "the socket's address, not the header's"
    );
}
