//! WebAuthn in `cargo test`: a software authenticator (webauthn-authenticator-rs) registers and signs in
//! through the real endpoints. Passwordless sign-in needs a resident key, which only the browser test has.
use crate::common::*;
use serde_json::{Value, json};
use url::Url;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};

pub(crate) async fn server() -> (TestServer, TestDb) {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, Some("http://localhost:{port}"), &[]).await;
    (server, db)
}

pub(crate) fn origin(server: &TestServer) -> Url {
    Url::parse(&server.state().config.public_url.origin().ascii_serialization()).unwrap()
}

pub(crate) fn json(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|_| panic!("JSON expected: {} {}", page.status, page.body))
}

/// Registers the soft authenticator for the signed-in browser.
pub(crate) async fn register(server: &TestServer, browser: &Browser, key: &mut impl WebauthnAuthenticator) -> Page {
    let page = browser.get("/account/security/webauthn").await;
    assert_eq!(page.status, 200);
    let csrf = page.data("csrf").expect("register button carries the CSRF token");
    let options = browser
        .post_json("/account/security/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: CreationChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key
        .do_registration(origin(server), options)
        .expect("soft authenticator registers");
    browser
        .post_json(
            "/account/security/webauthn/register",
            &json!({ "csrf": csrf, "credential": credential, "name": "YubiKey" }),
        )
        .await
}

/// Password, then the WebAuthn challenge answered by `key` for `answer_origin`; returns (browser, response).
async fn second_step(
    server: &TestServer,
    username: &str,
    key: &mut SoftPasskey,
    answer_origin: Url,
) -> (Browser, Page, Value) {
    let browser = server.browser();
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    let page = browser.get("/login/factor").await;
    assert!(
        page.body.contains("data-webauthn=\"second-factor\""),
        "the strongest factor is offered first"
    );
    let csrf = page.data("csrf").unwrap();
    let options = browser
        .post_json("/login/factor/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = serde_json::to_value(
        key.do_authentication(answer_origin, options)
            .expect("soft authenticator signs"),
    )
    .unwrap();
    let done = browser
        .post_json(
            "/login/factor/webauthn",
            &json!({ "csrf": csrf, "credential": credential }),
        )
        .await;
    (browser, done, credential)
}

#[tokio::test]
async fn security_key_registration_and_second_factor() {
    let (server, _db) = server().await;
    server.add_user("wyn", Some(GOOD_PASSWORD)).await;
    let wyn = server.user("wyn").await;
    let browser = server.browser();
    assert_eq!(browser.login("wyn", GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    let done = register(&server, &browser, &mut key).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(browser.get("/account/security").await.body.contains("YubiKey"));
    assert!(server.mails(1).await[0].contains("A sign-in factor was added"));

    let (signed, response, credential) = second_step(&server, "wyn", &mut key, origin(&server)).await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(json(&response)["redirect"], "/account");
    assert_eq!(signed.get("/account").await.status, 200);
    let token = cookie_value(&response.set_cookies(), "gatehouse_session").unwrap();
    let session = server
        .state()
        .store
        .session_by_hash(&gatehouse::core::secrets::token_digest(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.amr.first().map(String::as_str), Some("pwd"));
    assert!(session.amr.iter().any(|m| m == "hwk" || m == "swk"));
    assert!(
        session.amr.iter().any(|m| m == "user") && session.amr.last().map(String::as_str) == Some("mfa"),
        "{:?}",
        session.amr
    );

    // Replaying the same signed answer in another sign-in is refused: that challenge was single use.
    let other = server.browser();
    assert_eq!(other.login("wyn", GOOD_PASSWORD).await.status, 303);
    let csrf = other.get("/login/factor").await.data("csrf").unwrap();
    let replay = other
        .post_json(
            "/login/factor/webauthn",
            &json!({ "csrf": csrf, "credential": credential }),
        )
        .await;
    assert_eq!(replay.status, 401, "{}", replay.body);
    other
        .post_json("/login/factor/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    let replay = other
        .post_json(
            "/login/factor/webauthn",
            &json!({ "csrf": csrf, "credential": credential }),
        )
        .await;
    assert_eq!(replay.status, 401, "an answer to another transaction's challenge");

    // An answer whose client data names another origin (a relayed phishing answer) is refused.
    let tampered = server.browser();
    assert_eq!(tampered.login("wyn", GOOD_PASSWORD).await.status, 303);
    let csrf = tampered.get("/login/factor").await.data("csrf").unwrap();
    let options = tampered
        .post_json("/login/factor/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let mut credential = serde_json::to_value(key.do_authentication(origin(&server), options).unwrap()).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let client_data = credential["response"]["clientDataJSON"].as_str().unwrap().to_string();
    let decoded = String::from_utf8(b64.decode(client_data).unwrap()).unwrap();
    let evil = decoded.replace(&origin(&server).origin().ascii_serialization(), "http://evil.example");
    assert_ne!(evil, decoded);
    credential["response"]["clientDataJSON"] = b64.encode(evil).into();
    let refused = tampered
        .post_json(
            "/login/factor/webauthn",
            &json!({ "csrf": csrf, "credential": credential }),
        )
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(tampered.get("/account").await.status, 303);

    let kinds = server.audit_kinds(Some(&wyn)).await;
    assert!(kinds.contains(&("login.second_factor".into(), "success".into())));
    assert!(
        kinds
            .iter()
            .filter(|k| k.0 == "login.second_factor" && k.1 == "failure")
            .count()
            >= 3
    );
}

#[tokio::test]
async fn a_counter_going_backwards_is_refused_and_flagged() {
    let (server, _db) = server().await;
    server.add_user("xia", Some(GOOD_PASSWORD)).await;
    let xia = server.user("xia").await;
    let browser = server.browser();
    assert_eq!(browser.login("xia", GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    assert_eq!(register(&server, &browser, &mut key).await.status, 200);

    // Pretend the server has seen a much higher counter: the key's next counter looks like a clone's.
    let factor = server.state().store.factors_of(&xia.id).await.unwrap().remove(0);
    let mut data = factor.data.clone();
    let counter = data
        .pointer_mut("/passkey/cred/counter")
        .expect("the stored credential has a counter");
    *counter = json!(1_000_000);
    server
        .state()
        .store
        .update_factor_data(&factor.id, &data, server.state().clock.now())
        .await
        .unwrap();

    let (_, refused, _) = second_step(&server, "xia", &mut key, origin(&server)).await;
    assert_eq!(refused.status, 401);
    let flagged = server.state().store.factors_of(&xia.id).await.unwrap().remove(0);
    assert_eq!(flagged.data["flagged"], true);
    assert!(
        server
            .audit_kinds(Some(&xia))
            .await
            .contains(&("webauthn.counter_regression".into(), "denied".into()))
    );
}

/// Overwrites the signature counter the server has stored for the user's (only) credential.
async fn set_stored_counter(server: &TestServer, user: &gatehouse::core::model::User, value: u64) {
    let factor = server.state().store.factors_of(&user.id).await.unwrap().remove(0);
    let mut data = factor.data.clone();
    *data
        .pointer_mut("/passkey/cred/counter")
        .expect("the stored credential has a counter") = json!(value);
    server
        .state()
        .store
        .update_factor_data(&factor.id, &data, server.state().clock.now())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_flagged_credential_stays_refused_with_a_higher_counter_until_an_admin_clears_it() {
    let cli = crate::cli::common::Cli::new().await;
    let server = TestServer::start_with(cli.db_url(), Some("http://localhost:{port}"), &[]).await;
    server.add_user("xia", Some(GOOD_PASSWORD)).await;
    let xia = server.user("xia").await;
    let browser = server.browser();
    assert_eq!(browser.login("xia", GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    assert_eq!(register(&server, &browser, &mut key).await.status, 200);

    // A regression flags the credential and tells the user.
    set_stored_counter(&server, &xia, 1_000_000).await;
    let (_, refused, _) = second_step(&server, "xia", &mut key, origin(&server)).await;
    assert_eq!(refused.status, 401);
    let mails = server.mails(2).await;
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m.contains("Subject: Your security key or passkey is blocked") && m.contains("YubiKey"))
        .collect();
    assert_eq!(notices.len(), 1, "{mails:?}");

    // The copy that is ahead answers next with a higher counter than anything stored: still refused.
    set_stored_counter(&server, &xia, 0).await;
    let (_, still, _) = second_step(&server, "xia", &mut key, origin(&server)).await;
    assert_eq!(still.status, 401, "{}", still.body);
    let events = server.audit_kinds(Some(&xia)).await;
    assert!(
        events.contains(&("webauthn.flagged_credential".into(), "denied".into())),
        "{events:?}"
    );
    assert!(events.contains(&("webauthn.counter_regression".into(), "denied".into())));
    assert_eq!(
        server.mails(0).await.len(),
        mails.len(),
        "one notice per regression, not per refusal"
    );
    let security = browser.get("/account/security").await;
    assert!(
        security.body.contains("Blocked: a copy of this key seems to exist"),
        "{}",
        security.body
    );

    // An administrator lists the factors, sees the flag, and clears it; the key works again.
    let listed = cli.ok(&["user", "factors", "xia", "--json"]);
    let factor = &listed["factors"][0];
    assert_eq!(factor["kind"], "webauthn");
    assert_eq!(factor["flagged"], true);
    let id = factor["id"].as_str().unwrap().to_string();
    cli.fails(&["user", "clear-clone-flag", "xia", "no-such-factor"], "no-such-factor");
    cli.fails(&["user", "clear-clone-flag", "nobody", &id], "nobody");
    let cleared = cli.ok(&["user", "clear-clone-flag", "xia", &id, "--json"]);
    assert_eq!(cleared["was_flagged"], true);
    assert_eq!(
        cli.ok(&["user", "factors", "xia", "--json"])["factors"][0]["flagged"],
        false
    );
    let (_, accepted, _) = second_step(&server, "xia", &mut key, origin(&server)).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert!(
        server
            .audit_kinds(Some(&xia))
            .await
            .contains(&("webauthn.clone_flag_cleared".into(), "success".into()))
    );
}

#[tokio::test]
async fn malformed_webauthn_requests_are_refused() {
    let (server, _db) = server().await;
    server.add_user("yul", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("yul", GOOD_PASSWORD).await.status, 303);
    let csrf = browser.get("/account/security/webauthn").await.data("csrf").unwrap();
    let url = server.url("/account/security/webauthn/options");
    let text = browser
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    let broken = browser
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"csrf\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let deep = browser
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .unwrap();
    assert_eq!(deep.status(), 400);
    assert_eq!(
        browser
            .post_json("/account/security/webauthn/options", &json!({ "csrf": "forged" }))
            .await
            .status,
        403
    );
    let garbage = browser
        .post_json(
            "/account/security/webauthn/register",
            &json!({ "csrf": csrf, "credential": { "id": "x", "rawId": "!!", "response": {} } }),
        )
        .await;
    assert_eq!(garbage.status, 400, "{}", garbage.body);
    let yul = server.user("yul").await;
    assert!(server.state().store.factors_of(&yul.id).await.unwrap().is_empty());

    // A server reached by IP address cannot be an RP: the pages say so, nothing breaks.
    let plain = TestServer::start().await;
    plain.add_user("zed", Some(GOOD_PASSWORD)).await;
    let b = plain.browser();
    assert_eq!(b.login("zed", GOOD_PASSWORD).await.status, 303);
    assert!(b.get("/account/security/webauthn").await.body.contains("domain name"));
    let csrf = b.get("/account").await.csrf();
    assert_eq!(
        b.post_json("/account/security/webauthn/options", &json!({ "csrf": csrf }))
            .await
            .status,
        503
    );
}
