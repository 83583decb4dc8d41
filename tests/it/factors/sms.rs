//! The SMS factor through the real server, with the webhook and Twilio drivers posting to a local sink.
use crate::common::*;
use chrono::Duration;
use serde_json::Value;

pub(crate) const PHONE: &str = "+41 44 668 18 00";
pub(crate) const E164: &str = "+41446681800";
pub(crate) const SECRET: &str = "webhook-signing-secret-0123456789";

pub(crate) async fn server_with_webhook() -> (TestServer, HttpSink, TestDb) {
    let sink = HttpSink::start(200, "{}").await;
    let db = TestDb::new().await;
    let url = format!("{}/sms", sink.url);
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_SMS_DRIVER", "webhook"),
            ("GATEHOUSE_SMS_WEBHOOK_URL", &url),
            ("GATEHOUSE_SMS_WEBHOOK_SECRET", SECRET),
        ],
    )
    .await;
    (server, sink, db)
}

/// The n-th text (1-based) the sink received, after checking its signature.
pub(crate) async fn text(sink: &HttpSink, n: usize) -> Value {
    let got = sink.received(n).await;
    assert!(got.len() >= n, "expected {n} texts, got {}", got.len());
    let request = &got[n - 1];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/sms"));
    let timestamp: i64 = request.header("x-gatehouse-timestamp").unwrap().parse().unwrap();
    let expected = gatehouse::notify::sms::webhook_signature(SECRET, timestamp, request.body.as_bytes());
    assert_eq!(
        request.header("x-gatehouse-signature"),
        Some(format!("sha256={expected}").as_str()),
        "HMAC-signed"
    );
    serde_json::from_str(&request.body).unwrap()
}

/// Signs in and adds the phone; returns the browser.
pub(crate) async fn enrolled(server: &TestServer, sink: &HttpSink, username: &str) -> Browser {
    server.add_user(username, Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    let form = browser.get("/account/security/sms").await;
    assert!(form.body.contains("weakest"), "the page says SMS is the weakest factor");
    let confirm = browser
        .post("/account/security/sms", &[("csrf", &form.csrf()), ("phone", PHONE)])
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("+41•••••••00"));
    let sent = text(sink, 1).await;
    assert_eq!(sent["to"], E164, "stored and sent as E.164");
    let code = code_in(sent["message"].as_str().unwrap());
    let done = browser
        .post(
            "/account/security/sms/confirm",
            &[
                ("csrf", &confirm.csrf()),
                ("factor_id", &confirm.input("factor_id").unwrap()),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    browser
}

#[tokio::test]
async fn sms_enrolment_and_sign_in_through_the_webhook() {
    let (server, sink, _db) = server_with_webhook().await;
    enrolled(&server, &sink, "sam").await;
    let sam = server.user("sam").await;

    let browser = server.browser();
    let first = browser.login("sam", GOOD_PASSWORD).await;
    assert!(first.location().unwrap().starts_with("/login/factor"));
    let page = browser.get("/login/factor").await;
    assert!(page.body.contains("Text me a code"));
    let sent = browser.submit("/login/factor", "/login/factor/sms", &[]).await;
    assert_eq!(sent.location().as_deref(), Some("/login/factor?method=sms&sent=1"));
    let code = code_in(text(&sink, 2).await["message"].as_str().unwrap());

    let wrong = browser
        .submit(
            "/login/factor?method=sms&sent=1",
            "/login/factor",
            &[("method", "sms"), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    let done = browser
        .submit(
            "/login/factor?method=sms",
            "/login/factor",
            &[("method", "sms"), ("code", &code)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(browser.get("/account").await.status, 200);
    let token = cookie_value(&done.set_cookies(), "gatehouse_session").unwrap();
    let session = server
        .state()
        .store
        .session_by_hash(&gatehouse::core::secrets::token_digest(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.amr, ["pwd", "sms", "mfa"]);
    let kinds = server.audit_kinds(Some(&sam)).await;
    assert!(kinds.contains(&("sms.sent".into(), "success".into())));
}

#[tokio::test]
async fn sms_codes_are_bound_to_their_sign_in_single_use_and_short_lived() {
    let (server, sink, _db) = server_with_webhook().await;
    enrolled(&server, &sink, "tia").await;

    let a = server.browser();
    let b = server.browser();
    assert_eq!(a.login("tia", GOOD_PASSWORD).await.status, 303);
    assert_eq!(b.login("tia", GOOD_PASSWORD).await.status, 303);
    a.submit("/login/factor", "/login/factor/sms", &[]).await;
    let code_a = code_in(text(&sink, 2).await["message"].as_str().unwrap());
    // A code sent for one sign-in is worthless in another.
    let stolen = b
        .submit(
            "/login/factor?method=sms",
            "/login/factor",
            &[("method", "sms"), ("code", &code_a)],
        )
        .await;
    assert_eq!(stolen.status, 401);
    // A newer code replaces the older one for the same sign-in.
    a.submit("/login/factor", "/login/factor/sms", &[]).await;
    let newer = code_in(text(&sink, 3).await["message"].as_str().unwrap());
    if newer != code_a {
        assert_eq!(
            a.submit(
                "/login/factor?method=sms",
                "/login/factor",
                &[("method", "sms"), ("code", &code_a)]
            )
            .await
            .status,
            401
        );
    }
    // Five minutes later it has expired.
    server.clock.advance(Duration::minutes(6));
    let late = a
        .submit(
            "/login/factor?method=sms",
            "/login/factor",
            &[("method", "sms"), ("code", &newer)],
        )
        .await;
    assert_eq!(late.status, 401);
    // A fresh code works, once.
    server.clock.advance(Duration::seconds(10));
    a.submit("/login/factor", "/login/factor/sms", &[]).await;
    let fresh = code_in(text(&sink, 4).await["message"].as_str().unwrap());
    server.clock.advance(Duration::seconds(61));
    assert_eq!(
        a.submit(
            "/login/factor?method=sms",
            "/login/factor",
            &[("method", "sms"), ("code", &fresh)]
        )
        .await
        .status,
        303
    );
}

#[tokio::test]
async fn sms_sends_are_limited_per_account() {
    let (server, sink, _db) = server_with_webhook().await;
    enrolled(&server, &sink, "uma").await;
    let browser = server.browser();
    assert_eq!(browser.login("uma", GOOD_PASSWORD).await.status, 303);
    // One send was used by the enrolment; four more fit in the hour.
    for _ in 0..4 {
        assert_eq!(
            browser.submit("/login/factor", "/login/factor/sms", &[]).await.status,
            303
        );
    }
    let refused = browser.submit("/login/factor", "/login/factor/sms", &[]).await;
    assert_eq!(refused.status, 429);
    assert!(refused.header("retry-after").is_some());
    assert_eq!(sink.received(6).await.len(), 5, "nothing sent past the limit");
    server.clock.advance(Duration::hours(1));
    // (The pending sign-in has expired meanwhile: start again.)
    assert_eq!(browser.login("uma", GOOD_PASSWORD).await.status, 303);
    assert_eq!(
        browser.submit("/login/factor", "/login/factor/sms", &[]).await.status,
        303,
        "the next hour has room"
    );
}

#[tokio::test]
async fn invalid_phone_numbers_are_refused() {
    let (server, sink, _db) = server_with_webhook().await;
    server.add_user("vic", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("vic", GOOD_PASSWORD).await.status, 303);
    for bad in [
        "12345",
        "+1 000",
        "not a number",
        "+41 44 668 18 00 00 00 00",
        &"9".repeat(200),
    ] {
        let form = browser.get("/account/security/sms").await;
        let refused = browser
            .post("/account/security/sms", &[("csrf", &form.csrf()), ("phone", bad)])
            .await;
        assert_eq!(refused.status, 400, "{bad}");
        assert!(refused.body.contains("not a valid phone number"));
    }
    let vic = server.user("vic").await;
    assert!(server.state().store.factors_of(&vic.id).await.unwrap().is_empty());
    assert!(sink.received(1).await.is_empty());
}

#[tokio::test]
async fn the_twilio_driver_speaks_twilios_api() {
    let fake = HttpSink::start(201, r#"{"sid": "SM123", "status": "queued"}"#).await;
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_SMS_DRIVER", "twilio"),
            ("GATEHOUSE_SMS_TWILIO_BASE_URL", &fake.url),
            ("GATEHOUSE_SMS_TWILIO_ACCOUNT_SID", "AC0123"),
            ("GATEHOUSE_SMS_TWILIO_AUTH_TOKEN", "token-xyz"),
            ("GATEHOUSE_SMS_TWILIO_FROM", "+15005550006"),
        ],
    )
    .await;
    server.add_user("wes", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("wes", GOOD_PASSWORD).await.status, 303);
    let form = browser.get("/account/security/sms").await;
    assert_eq!(
        browser
            .post("/account/security/sms", &[("csrf", &form.csrf()), ("phone", PHONE)])
            .await
            .status,
        200
    );
    let got = fake.received(1).await;
    let request = &got[0];
    assert_eq!(request.path, "/2010-04-01/Accounts/AC0123/Messages.json");
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("AC0123:token-xyz");
    assert_eq!(request.header("authorization"), Some(format!("Basic {basic}").as_str()));
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(request.body.as_bytes())
        .into_owned()
        .collect();
    assert!(fields.contains(&("To".into(), E164.into())));
    assert!(fields.contains(&("From".into(), "+15005550006".into())));
    assert!(fields.iter().any(|(k, v)| k == "Body" && v.contains("Gatehouse code")));
}
