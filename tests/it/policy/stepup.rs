//! Step-up through the real server: `acr_values` and a client's minimum level are requirements. A session
//! that is too weak proves only the missing factor (no password form) and gets a fresh `auth_time`; a user who
//! cannot reach the level sends the client `unmet_authentication_requirements`; `prompt=none` gets
//! `interaction_required`; a role that became stricter counts at the next authorization; client_credentials of a
//! client with a minimum level is never prompted; a device-flow approval for such a client steps up first.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, client, param, redeem};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::assurance::{MULTI_FACTOR, PASSWORD, PHISHING_RESISTANT};
use gatehouse::core::policy::roles;
use gatehouse::core::policy::{PolicyChange, parse_kinds};
use gatehouse::protocols::oidc::clients::{self, NewClient};
use serde_json::Value;

async fn authorize(server: &TestServer, browser: &Browser, client_id: &str, extra: &[(&str, &str)]) -> Page {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "st"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    browser
        .get(&server.url(&format!("/authorize?{}", serde_urlencoded::to_string(&params).unwrap())))
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

/// A user signed in with the password only, who has since added an authenticator app; returns its secret.
async fn password_session_with_totp(server: &TestServer, browser: &Browser, username: &str) -> Vec<u8> {
    server.add_user(username, Some(GOOD_PASSWORD)).await;
    let signed_in = browser.login(username, GOOD_PASSWORD).await;
    assert_eq!(
        signed_in.location().as_deref(),
        Some("/account"),
        "no factor yet: the password signs in"
    );
    server.enrol_totp(browser).await
}

/// The step-up page the authorization sent the browser to, checked to ask for a factor and never the password.
async fn step_up_page(browser: &Browser, page: &Page, level: &str) -> Page {
    let location = page
        .location()
        .unwrap_or_else(|| panic!("a redirect: {} {}", page.status, page.body));
    assert!(
        location.starts_with("/login/factor?"),
        "to the second-factor page: {location}"
    );
    assert_eq!(param(&format!("http://x{location}"), "level").as_deref(), Some(level));
    let form = browser.get(&location).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"code\""), "a factor is asked: {}", form.body);
    assert!(!form.body.contains("name=\"password\""), "never the password again");
    form
}

#[tokio::test]
async fn a_password_session_steps_up_to_mfa_with_only_the_missing_factor() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let secret = password_session_with_totp(&server, &browser, "sam").await;
    let sam = server.user("sam").await;
    server.clock.advance(Duration::minutes(10));

    // Without acr_values the password session is enough, and says so.
    let page = authorize(&server, &browser, "spa", &[]).await;
    let code = param(&page.location().unwrap(), "code").expect("a code");
    let (_, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    let before = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(before["acr"], PASSWORD);

    let page = authorize(&server, &browser, "spa", &[("acr_values", MULTI_FACTOR)]).await;
    let form = step_up_page(&browser, &page, MULTI_FACTOR).await;
    server.clock.advance(Duration::seconds(40));
    let stepped_at = server.state().clock.now().timestamp();
    let done = browser
        .post(
            "/login/factor",
            &[
                ("csrf", &form.csrf()),
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 0)),
                ("level", &form.input("level").expect("the level is kept")),
                (
                    "return_to",
                    &form.input("return_to").expect("back to the authorization"),
                ),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let new_cookie =
        cookie_value(&done.set_cookies(), "gatehouse_session").expect("a new session id after the step-up");
    // The relying parties the old session signed in to stay attached to its successor (back-channel logout).
    let rp_sessions = server.state().store.rp_sessions(0, 100).await.unwrap();
    assert!(!rp_sessions.is_empty());
    assert!(
        rp_sessions
            .iter()
            .all(|rp| rp.session_hash == gatehouse::core::secrets::token_digest(&new_cookie)),
        "{rp_sessions:?}"
    );
    let resumed = browser.get(&done.location().unwrap()).await;
    let back = resumed.location().expect("back to the client");
    assert!(back.starts_with(REDIRECT), "{back}");
    assert_eq!(param(&back, "state").as_deref(), Some("st"));
    let (status, tokens) = redeem(&server, &param(&back, "code").expect("a code"), Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    let after = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(after["acr"], MULTI_FACTOR);
    let amr: Vec<&str> = after["amr"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for method in ["pwd", "otp", "mfa"] {
        assert!(amr.contains(&method), "{amr:?}");
    }
    let auth_time = after["auth_time"].as_i64().unwrap();
    let now = server.state().clock.now().timestamp();
    assert!(
        (stepped_at..=now).contains(&auth_time),
        "auth_time is the step-up: {auth_time}"
    );
    assert!(after["auth_time"].as_i64() > before["auth_time"].as_i64());
    assert_ne!(after["sid"], before["sid"], "the session was replaced");
    assert_eq!(server.session_count(&sam).await, 1, "the old session is gone");

    // The stronger session now meets the level without asking again.
    let page = authorize(&server, &browser, "spa", &[("acr_values", MULTI_FACTOR)]).await;
    assert!(param(&page.location().unwrap(), "code").is_some());
    let audit = server.state().store.list_audit(Some(&sam.id), 200).await.unwrap();
    let step_up = audit
        .iter()
        .find(|r| r.event.kind == "oidc.step_up")
        .expect("the step-up is audited");
    assert_eq!(step_up.event.details["acr_requested"][0], MULTI_FACTOR);
    assert_eq!(step_up.event.details["session_acr"], PASSWORD);
    assert_eq!(step_up.event.details["result"], "prompted");
    let issued = audit
        .iter()
        .find(|r| r.event.kind == "oidc.code_issued" && r.event.details["acr_required"] == MULTI_FACTOR)
        .expect("what was asked is audited with the code");
    assert_eq!(issued.event.details["acr"], MULTI_FACTOR, "and what was delivered");
}

#[tokio::test]
async fn levels_the_user_cannot_reach_are_unmet_and_prompt_none_is_interaction_required() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    password_session_with_totp(&server, &browser, "tom").await;

    // Only an authenticator app: phishing-resistant cannot be reached, whatever the session.
    let page = authorize(&server, &browser, "spa", &[("acr_values", PHISHING_RESISTANT)]).await;
    let back = page.location().unwrap();
    assert!(back.starts_with(REDIRECT), "{back}");
    assert_eq!(
        param(&back, "error").as_deref(),
        Some("unmet_authentication_requirements")
    );
    assert_eq!(param(&back, "state").as_deref(), Some("st"));
    assert_eq!(param(&back, "iss").as_deref(), Some(server.base.as_str()));
    assert!(param(&back, "code").is_none());

    // Reachable, but not silently.
    let page = authorize(
        &server,
        &browser,
        "spa",
        &[("acr_values", MULTI_FACTOR), ("prompt", "none")],
    )
    .await;
    let back = page.location().unwrap();
    assert_eq!(param(&back, "error").as_deref(), Some("interaction_required"), "{back}");
    assert_eq!(param(&back, "state").as_deref(), Some("st"));

    // Values that are not ours are voluntary: ignored.
    let page = authorize(&server, &browser, "spa", &[("acr_values", "urn:example:gold")]).await;
    assert!(param(&page.location().unwrap(), "code").is_some());

    // Any listed level is acceptable: asking "phishing-resistant or mfa" steps up to mfa, not unmet.
    let page = authorize(
        &server,
        &browser,
        "spa",
        &[("acr_values", &format!("{PHISHING_RESISTANT} {MULTI_FACTOR}"))],
    )
    .await;
    step_up_page(&browser, &page, MULTI_FACTOR).await;

    let tom = server.user("tom").await;
    let audit = server.state().store.list_audit(Some(&tom.id), 200).await.unwrap();
    assert!(audit.iter().any(|r| r.event.kind == "oidc.step_up"
        && r.event.details["result"] == "unmet"
        && r.event.details["acr_required"] == PHISHING_RESISTANT));
}

#[tokio::test]
async fn a_client_minimum_applies_to_every_authorization() {
    let server = TestServer::start().await;
    let register = |id: &str, min_acr: Option<&str>| NewClient {
        client_id: id.into(),
        redirect_uris: vec![REDIRECT.into()],
        public: true,
        trusted: true,
        min_acr: min_acr.map(str::to_string),
        ..Default::default()
    };
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    let refused = clients::register(store, now, &Origin::cli(), register("typo", Some("mfa"))).await;
    assert!(refused.is_err(), "only our levels");
    assert!(store.client("typo").await.unwrap().is_none());
    let (payroll, _) = clients::register(store, now, &Origin::cli(), register("payroll", Some(MULTI_FACTOR)))
        .await
        .unwrap();
    assert_eq!(payroll.min_acr.as_deref(), Some(MULTI_FACTOR));
    assert_eq!(
        store.client("payroll").await.unwrap().unwrap().min_acr.as_deref(),
        Some(MULTI_FACTOR),
        "stored"
    );

    // Discovery lists exactly our levels, and the OpenID EAP values beside them.
    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["acr_values_supported"],
        serde_json::json!([PASSWORD, MULTI_FACTOR, PHISHING_RESISTANT, "phr", "phrh"])
    );

    // A service account of a client with a minimum is never prompted: client_credentials has no session to judge.
    let (_, service_secret) = clients::register(
        store,
        now,
        &Origin::cli(),
        NewClient {
            client_id: "batch".into(),
            grants: vec!["client_credentials".into()],
            min_acr: Some(MULTI_FACTOR.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let response = reqwest::Client::new()
        .post(server.url("/token"))
        .basic_auth("batch", service_secret)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let browser = server.browser();
    password_session_with_totp(&server, &browser, "uma").await;
    // No acr_values at all: the client's minimum asks for the step-up.
    let page = authorize(&server, &browser, "payroll", &[]).await;
    step_up_page(&browser, &page, MULTI_FACTOR).await;
    // Asking for less than the minimum does not lower it.
    let page = authorize(&server, &browser, "payroll", &[("acr_values", PASSWORD)]).await;
    step_up_page(&browser, &page, MULTI_FACTOR).await;
}

#[tokio::test]
async fn a_factor_kind_the_role_no_longer_allows_does_not_count() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    server.add_user_with("vic", Some(GOOD_PASSWORD), &["user"]).await;
    let browser = server.browser();
    assert_eq!(browser.login("vic", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&browser).await;
    // A full multi-factor sign-in with the app.
    let fresh = server.browser();
    let done = server.sign_in_with_totp(&fresh, "vic", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = authorize(&server, &fresh, "spa", &[("acr_values", MULTI_FACTOR)]).await;
    assert!(param(&page.location().unwrap(), "code").is_some(), "mfa by the app");

    // The role now counts only security keys and text messages; Vic has neither.
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "user",
        &PolicyChange {
            allowed_factors: Some(parse_kinds("webauthn,sms,recovery_code").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let page = authorize(&server, &fresh, "spa", &[("acr_values", MULTI_FACTOR)]).await;
    assert_eq!(
        param(&page.location().unwrap(), "error").as_deref(),
        Some("unmet_authentication_requirements"),
        "the open session's app code no longer counts, and nothing else can"
    );
    // Posting an app code to the second-factor page directly does not step the session up either.
    let csrf = fresh.get("/account").await.csrf();
    let forced = fresh
        .post(
            "/login/factor",
            &[
                ("csrf", &csrf),
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 1)),
            ],
        )
        .await;
    assert_ne!(forced.status, 303, "{}", forced.body);
    let vic = server.user("vic").await;
    let audit = server.state().store.list_audit(Some(&vic.id), 200).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.event.kind == "login.second_factor" && r.event.details["reason"] == "kind_not_allowed"),
        "refused by the policy before the code was looked at"
    );
    let page = authorize(&server, &fresh, "spa", &[("acr_values", MULTI_FACTOR)]).await;
    assert_eq!(
        param(&page.location().unwrap(), "error").as_deref(),
        Some("unmet_authentication_requirements")
    );
}

#[tokio::test]
async fn prompt_login_with_acr_values_signs_in_fully_and_auth_time_is_fresh() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let secret = password_session_with_totp(&server, &browser, "pia").await;
    server.clock.advance(Duration::minutes(30));
    let page = authorize(
        &server,
        &browser,
        "spa",
        &[("acr_values", MULTI_FACTOR), ("prompt", "login")],
    )
    .await;
    let signed_in_at = server.state().clock.now().timestamp();
    let location = page.location().unwrap();
    assert!(
        location.starts_with("/login?reauth=1"),
        "prompt=login asks the password: {location}"
    );
    let form = browser.get(&location).await;
    let first = browser
        .post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "pia"),
                ("password", GOOD_PASSWORD),
                ("return_to", &form.input("return_to").unwrap()),
            ],
        )
        .await;
    let factor = browser.get(&first.location().unwrap()).await;
    let done = browser
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
    let back = browser.get(&done.location().unwrap()).await.location().unwrap();
    let (_, tokens) = redeem(&server, &param(&back, "code").expect("a code"), Some(VERIFIER)).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["acr"], MULTI_FACTOR);
    let auth_time = id["auth_time"].as_i64().unwrap();
    assert!(
        (signed_in_at..=server.state().clock.now().timestamp()).contains(&auth_time),
        "{auth_time}"
    );
}

#[tokio::test]
async fn a_device_flow_approval_meets_the_client_minimum_first() {
    const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
    let server = TestServer::start().await;
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "cli".into(),
            public: true,
            grants: vec![GRANT.into()],
            min_acr: Some(MULTI_FACTOR.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let request = http.post(server.url(path)).form(&form);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (_, started) = post(
        "/device_authorization",
        vec![("client_id", "cli".into()), ("scope", "openid".into())],
    )
    .await;
    let user_code = started["user_code"].as_str().unwrap().to_string();
    let device_code = started["device_code"].as_str().unwrap().to_string();
    let poll = || {
        post(
            "/token",
            vec![
                ("grant_type", GRANT.into()),
                ("device_code", device_code.clone()),
                ("client_id", "cli".into()),
            ],
        )
    };

    // A user without any second factor cannot reach the minimum: a clear refusal, nothing approved.
    let nobody = server.browser();
    server.add_user("ned", Some(GOOD_PASSWORD)).await;
    assert_eq!(nobody.login("ned", GOOD_PASSWORD).await.status, 303);
    let refused = nobody.submit("/device", "/device", &[("user_code", &user_code)]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("stronger sign-in"), "{}", refused.body);

    // A password-only session with an app: the step-up first, then the confirmation.
    let browser = server.browser();
    let secret = password_session_with_totp(&server, &browser, "dee").await;
    let entered = browser.submit("/device", "/device", &[("user_code", &user_code)]).await;
    let form = step_up_page(&browser, &entered, MULTI_FACTOR).await;
    // Skipping the step-up and pressing Allow directly approves nothing.
    let direct = browser
        .post(
            "/device/decide",
            &[("csrf", &form.csrf()), ("user_code", &user_code), ("decision", "allow")],
        )
        .await;
    assert_eq!(direct.status, 400, "{}", direct.body);
    assert!(direct.body.contains("stronger sign-in"), "{}", direct.body);
    assert_eq!(poll().await.1["error"], "authorization_pending");

    let done = browser
        .post(
            "/login/factor",
            &[
                ("csrf", &form.csrf()),
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 0)),
                ("level", MULTI_FACTOR),
                ("return_to", &form.input("return_to").unwrap()),
            ],
        )
        .await;
    assert!(
        done.location().unwrap().starts_with("/device?user_code="),
        "{:?}",
        done.location()
    );
    let confirm = browser.submit("/device", "/device", &[("user_code", &user_code)]).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let approved = browser
        .post(
            "/device/decide",
            &[
                ("csrf", &confirm.csrf()),
                ("user_code", &confirm.input("user_code").unwrap()),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    server.clock.advance(Duration::seconds(10));
    let (status, tokens) = poll().await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(claims(tokens["id_token"].as_str().unwrap())["acr"], MULTI_FACTOR);
}

#[tokio::test]
async fn phishing_resistant_is_reached_with_a_security_key_and_only_that_is_offered() {
    use crate::factors::webauthn::{origin, register};
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_authenticator_rs::softpasskey::SoftPasskey;
    use webauthn_rs::prelude::RequestChallengeResponse;

    let (server, _db) = crate::factors::webauthn::server().await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    password_session_with_totp(&server, &browser, "wes").await;
    let mut key = SoftPasskey::new(true);
    let registered = register(&server, &browser, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.body);

    let page = authorize(&server, &browser, "spa", &[("acr_values", PHISHING_RESISTANT)]).await;
    let location = page.location().expect("a redirect");
    assert!(location.starts_with("/login/factor?"), "{location}");
    let form = browser.get(&location).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("data-webauthn=\"second-factor\""), "{}", form.body);
    assert!(
        !form.body.contains("name=\"code\""),
        "an app code cannot reach this level"
    );
    assert!(
        !form.body.contains("method=totp"),
        "the app is not offered: {}",
        form.body
    );
    assert!(!form.body.contains("name=\"password\""));

    let csrf = form.data("csrf").expect("the security key button");
    let options = browser
        .post_json("/login/factor/webauthn/options", &serde_json::json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key.do_authentication(origin(&server), options).expect("soft key signs");
    let done = browser
        .post_json(
            "/login/factor/webauthn",
            &serde_json::json!({
                "csrf": csrf, "credential": credential, "return_to": form.data("return-to").expect("back to the authorization"),
            }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let next: Value = serde_json::from_str(&done.body).unwrap();
    let resumed = browser.get(next["redirect"].as_str().unwrap()).await;
    let back = resumed.location().expect("back to the client");
    let (status, tokens) = redeem(&server, &param(&back, "code").expect("a code"), Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["acr"], PHISHING_RESISTANT);
    let amr: Vec<&str> = id["amr"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(amr.contains(&"pwd") && amr.contains(&"mfa"), "{amr:?}");
    assert!(amr.contains(&"hwk") || amr.contains(&"swk"), "{amr:?}");
}
