//! Malformed, hostile and oversized input gets a 4xx (or a 503 when the database is down), never a 500,
//! and changes nothing stored.
use crate::common::*;

async fn raw_post(server: &TestServer, browser: &Browser, path: &str, content_type: &str, body: Vec<u8>) -> u16 {
    browser
        .client
        .post(server.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn malformed_forms_are_refused_without_side_effects() {
    let server = TestServer::start().await;
    let pat = server.add_user("pat", Some(GOOD_PASSWORD)).await;
    let hash_before = server.user("pat").await.password_hash;
    let browser = server.browser();
    let csrf = browser.get("/login").await.csrf();
    let form = "application/x-www-form-urlencoded";
    let ok_prefix = format!("csrf={csrf}&username=pat&password=");

    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("invalid UTF-8 bytes", [ok_prefix.as_bytes(), b"\xff\xfe"].concat(), 400),
        ("invalid UTF-8 escapes", format!("{ok_prefix}%C3%28").into_bytes(), 400),
        (
            "duplicate parameters",
            format!("{ok_prefix}{GOOD_PASSWORD}&username=other").into_bytes(),
            400,
        ),
        (
            "NUL in a field",
            format!("{ok_prefix}%00{GOOD_PASSWORD}").into_bytes(),
            400,
        ),
        ("missing field", format!("csrf={csrf}&username=pat").into_bytes(), 400),
        (
            "oversized body",
            format!("{ok_prefix}{}", "a".repeat(200_000)).into_bytes(),
            413,
        ),
    ];
    for (what, body, expected) in cases {
        assert_eq!(
            raw_post(&server, &browser, "/login", form, body).await,
            expected,
            "{what}"
        );
    }
    assert_eq!(
        raw_post(&server, &browser, "/login", "application/json", b"{}".to_vec()).await,
        415
    );
    assert_eq!(
        raw_post(&server, &browser, "/login", "text/plain", b"username=pat".to_vec()).await,
        415
    );

    // Long but within the body limit: an ordinary failed sign-in.
    let long_name = "x".repeat(10_000);
    assert_eq!(
        browser
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", &long_name),
                    ("password", "whatever-it-is")
                ]
            )
            .await
            .status,
        401
    );
    let long_password = "y".repeat(20_000);
    assert_eq!(
        browser
            .post(
                "/login",
                &[("csrf", &csrf), ("username", "pat"), ("password", &long_password)]
            )
            .await
            .status,
        401
    );

    for path in [
        "/password/reset?token=%ZZ",
        "/password/reset?token=a&token=b",
        "/password/reset",
        "/password/reset?token=nonsense",
        "/login?return_to=%FF",
    ] {
        let status = browser.get(path).await.status;
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    assert_eq!(
        browser
            .post(
                "/password/reset",
                &[
                    ("csrf", &csrf),
                    ("token", "forged"),
                    ("password", "x"),
                    ("password_confirm", "x")
                ]
            )
            .await
            .status,
        400
    );

    assert_eq!(server.session_count(&pat).await, 0);
    assert_eq!(server.user("pat").await.password_hash, hash_before);
}

#[tokio::test]
async fn a_database_outage_gives_503_and_recovery_is_automatic() {
    let server = TestServer::start().await;
    let db = server.db.as_ref().unwrap();
    if !db.is_postgres() {
        eprintln!("database outage is exercised on PostgreSQL (set GATEHOUSE_TEST_DATABASE_URL)");
        return;
    }
    server.add_user("quinn", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let csrf = browser.get("/login").await.csrf();
    let name = db.name().to_string();
    db.admin_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .await;
    db.admin_sql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;

    assert_eq!(browser.get("/readyz").await.status, 503);
    assert_eq!(browser.get("/healthz").await.status, 200, "the process itself is alive");
    let down = browser
        .post(
            "/login",
            &[("csrf", &csrf), ("username", "quinn"), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(down.status, 503);
    assert!(down.body.contains("unavailable"));
    assert_eq!(
        browser.get("/account").await.status,
        303,
        "no session cookie: the login page, without touching the database"
    );

    db.admin_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await;
    let mut ready = 0;
    for _ in 0..50 {
        ready = browser.get("/readyz").await.status;
        if ready == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200);
    assert_eq!(
        browser
            .post(
                "/login",
                &[("csrf", &csrf), ("username", "quinn"), ("password", GOOD_PASSWORD)]
            )
            .await
            .status,
        303
    );
}

/// While the store is down every OAuth endpoint answers 503 with `Retry-After` and the JSON error
/// `temporarily_unavailable`, and `/authorize` the 503 page: one mapping, never a 500 or a verdict on the request.
#[tokio::test]
async fn a_database_outage_gives_503_at_every_oauth_endpoint() {
    let server = TestServer::start().await;
    let db = server.db.as_ref().unwrap();
    if !db.is_postgres() {
        eprintln!("database outage is exercised on PostgreSQL (set GATEHOUSE_TEST_DATABASE_URL)");
        return;
    }
    server.add_user("quinn", Some(GOOD_PASSWORD)).await;
    crate::oidc::common::client(&server, "spa", true, true).await;
    let code = crate::oidc::common::code_for(&server, &server.browser(), &[], "quinn").await;
    let (_, tokens) = crate::oidc::common::redeem(&server, &code, Some(crate::oidc::common::VERIFIER)).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let name = db.name().to_string();
    db.admin_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .await;
    db.admin_sql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;

    let http = reqwest::Client::new();
    let forms: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "/token",
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("client_id", "spa"),
            ],
        ),
        (
            "/token",
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "nobody"),
                ("client_secret", "x"),
            ],
        ),
        ("/introspect", vec![("token", &access), ("client_id", "spa")]),
        ("/revoke", vec![("token", &refresh), ("client_id", "spa")]),
        (
            "/device_authorization",
            vec![("client_id", "nobody"), ("scope", "openid")],
        ),
    ];
    for (path, form) in forms {
        let response = http.post(server.url(path)).form(&form).send().await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert!(response.headers().get("retry-after").is_some(), "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "temporarily_unavailable", "{path}");
    }
    let info = http
        .get(server.url("/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 503, "/userinfo");
    let authorize = server
        .browser()
        .get(&format!(
            "/authorize?response_type=code&client_id=spa&redirect_uri={}&scope=openid",
            crate::oidc::common::encode(crate::oidc::common::REDIRECT)
        ))
        .await;
    assert_eq!(authorize.status, 503, "/authorize: {}", authorize.body);
    assert!(authorize.header("retry-after").is_some());

    db.admin_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await;
}

/// The JSON endpoints (WebAuthn) answer errors as RFC 9457 problem documents from the same mapping as the pages.
#[tokio::test]
async fn json_endpoints_answer_problem_documents() {
    let server = TestServer::start().await;
    let browser = server.browser();
    browser.get("/login").await;
    for (body, status) in [("{not json", 400), (r#"{"csrf":"forged","credential":{}}"#, 403)] {
        let response = browser
            .client
            .post(server.url("/login/passkey"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{body}");
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/problem+json",
            "{body}"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status, "{problem}");
        assert!(
            problem["title"].is_string() && problem["detail"].is_string(),
            "{problem}"
        );
    }
}
