//! Step-up with lifetimes (RFC 9470) and the OpenID EAP values through the real server: a multi-factor session
//! (password + app) asked for `phr` steps up with a passkey and its new ID token says `acr: phr`; the device-bound
//! soft key also meets `phrh`; once the role's phishing-resistant age has passed, a request for `phr` steps up
//! again and a token issued without step-up says multi-factor, with the `auth_time` of that proof. The ages are
//! set with `gatehouse role set ROLE --acr-max-age LEVEL=DURATION`.
use crate::admin::common::use_key;
use crate::cli::common::Cli;
use crate::common::*;
use crate::factors::webauthn::register;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, client, param, redeem};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::assurance::{MULTI_FACTOR, PHISHING_RESISTANT};
use gatehouse::core::policy::{PolicyChange, roles};
use serde_json::Value;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

pub(crate) async fn authorize(server: &TestServer, browser: &Browser, extra: &[(&str, &str)]) -> Page {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "spa"),
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

/// The ID token's claims for an authorization that answered with a code.
pub(crate) async fn id_token_of(server: &TestServer, page: &Page) -> Value {
    let back = page
        .location()
        .unwrap_or_else(|| panic!("a redirect: {} {}", page.status, page.body));
    let code = param(&back, "code").unwrap_or_else(|| panic!("a code: {back}"));
    let (status, tokens) = redeem(server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    claims(tokens["id_token"].as_str().unwrap())
}

/// The step-up page an authorization sent the browser to, for `level`.
async fn step_up_page(browser: &Browser, page: &Page, level: &str) -> Page {
    let location = page
        .location()
        .unwrap_or_else(|| panic!("a redirect: {} {}", page.status, page.body));
    assert!(
        location.starts_with("/login/factor?"),
        "to the step-up page: {location}"
    );
    assert_eq!(param(&format!("http://x{location}"), "level").as_deref(), Some(level));
    let form = browser.get(&location).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("data-webauthn"), "the key is offered: {}", form.body);
    assert!(!form.body.contains("name=\"password\""), "never the password again");
    form
}

#[tokio::test]
async fn phr_steps_up_with_a_passkey_and_ages_out_back_to_mfa() {
    let (server, _db) = crate::factors::webauthn::server().await;
    client(&server, "spa", true, true).await;
    server.add_user_with("kai", Some(GOOD_PASSWORD), &["user"]).await;
    // The user role's phishing-resistant level lasts one hour (`gatehouse role set user --acr-max-age phr=1h`).
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "user",
        &PolicyChange {
            acr_max_age: vec![("phr", Some(60))],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let enrolling = server.browser();
    assert_eq!(enrolling.login("kai", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&enrolling).await;
    let with_app = server.browser();
    let done = server.sign_in_with_totp(&with_app, "kai", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let mut key = SoftPasskey::new(true);
    let registered = register(&server, &with_app, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.body);

    // A browser signed in with the password and the app (the next code): multi-factor.
    server.clock.advance(Duration::seconds(30));
    let browser = server.browser();
    assert_eq!(server.sign_in_with_totp(&browser, "kai", &secret).await.status, 303);
    let signed_in_at = server.state().clock.now().timestamp();
    let first = id_token_of(&server, &authorize(&server, &browser, &[]).await).await;
    assert_eq!(first["acr"], MULTI_FACTOR);

    // A resource demands phr: the session steps up with the passkey only.
    server.clock.advance(Duration::minutes(5));
    let page = authorize(&server, &browser, &[("acr_values", "phr")]).await;
    let form = step_up_page(&browser, &page, PHISHING_RESISTANT).await;
    let before_step = server.state().clock.now().timestamp();
    let answer = use_key(&server, &browser, &form, &mut key).await;
    let resume = answer["redirect"]
        .as_str()
        .expect("back to the authorization")
        .to_string();
    let resumed = browser.get(&resume).await;
    let stepped = id_token_of(&server, &resumed).await;
    assert_eq!(stepped["acr"], "phr", "the value in the form the client asked for");
    // The step-up's time (a second may pass between reading the clock and the key's answer).
    let stepped_at = stepped["auth_time"].as_i64().expect("auth_time");
    let after_step = server.state().clock.now().timestamp();
    assert!((before_step..=after_step).contains(&stepped_at), "{stepped}");
    let amr: Vec<&str> = stepped["amr"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(amr.contains(&"hwk") && amr.contains(&"otp"), "{amr:?}");

    // The soft key is bound to its device (backup-eligible flag clear) and verified the user: phrh too, at once.
    let hardware = id_token_of(&server, &authorize(&server, &browser, &[("acr_values", "phrh")]).await).await;
    assert_eq!(hardware["acr"], "phrh");
    // Without acr_values the level is claimed by our URN, as before phr existed.
    let plain = id_token_of(&server, &authorize(&server, &browser, &[]).await).await;
    assert_eq!(plain["acr"], PHISHING_RESISTANT);

    // An hour and a minute later the phishing-resistant proof has aged out; multi-factor (24 h) still stands.
    server.clock.advance(Duration::minutes(61));
    let aged = id_token_of(&server, &authorize(&server, &browser, &[]).await).await;
    assert_eq!(aged["acr"], MULTI_FACTOR, "no longer phishing-resistant");
    assert_eq!(
        aged["auth_time"].as_i64(),
        Some(stepped_at),
        "auth_time is when the claimed level was last proven"
    );
    assert!(stepped_at > signed_in_at);
    // max_age keeps working: a level proven longer ago than max_age is not claimed, and a session older than
    // max_age signs in again.
    let page = authorize(&server, &browser, &[("max_age", "600")]).await;
    assert!(
        page.location().unwrap().starts_with("/login?reauth=1"),
        "{:?}",
        page.location()
    );
    // A new request for phr steps up again.
    let page = authorize(&server, &browser, &[("acr_values", "phr")]).await;
    let form = step_up_page(&browser, &page, PHISHING_RESISTANT).await;
    let again_at = server.state().clock.now().timestamp();
    let answer = use_key(&server, &browser, &form, &mut key).await;
    let resumed = browser.get(answer["redirect"].as_str().unwrap()).await;
    let again = id_token_of(&server, &resumed).await;
    assert_eq!(again["acr"], "phr");
    let again_time = again["auth_time"].as_i64().expect("auth_time");
    let after_again = server.state().clock.now().timestamp();
    assert!((again_at..=after_again).contains(&again_time), "{again}");

    let kai = server.user("kai").await;
    let audit = server.state().store.list_audit(Some(&kai.id), 300).await.unwrap();
    assert!(
        audit.iter().any(|r| r.event.kind == "oidc.step_up"
            && r.event.details["session_acr"] == MULTI_FACTOR
            && r.event.details["acr_required"] == PHISHING_RESISTANT),
        "the aged-out step-up is audited"
    );
}

#[tokio::test]
async fn phrh_needs_a_credential_registered_device_bound() {
    let (server, _db) = crate::factors::webauthn::server().await;
    client(&server, "spa", true, true).await;
    server.add_user("lee", Some(GOOD_PASSWORD)).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login("lee", GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    assert_eq!(register(&server, &enrolling, &mut key).await.status, 200);
    // As if registered before the flags were recorded: the credential's binding is unknown.
    let lee = server.user("lee").await;
    let store = server.state().store.as_ref();
    let factor = store.factors_of(&lee.id).await.unwrap().into_iter().next().unwrap();
    let mut data = factor.data.clone();
    data.as_object_mut().unwrap().remove("backup_eligible");
    store
        .update_factor_data(&factor.id, &data, server.state().clock.now())
        .await
        .unwrap();
    let browser = crate::admin::common::sign_in_with_key(&server, "lee", &mut key).await;
    let phr = id_token_of(&server, &authorize(&server, &browser, &[("acr_values", "phr")]).await).await;
    assert_eq!(phr["acr"], "phr");
    let page = authorize(&server, &browser, &[("acr_values", "phrh")]).await;
    let back = page.location().unwrap();
    assert_eq!(
        param(&back, "error").as_deref(),
        Some("unmet_authentication_requirements"),
        "an unknown binding never counts: {back}"
    );
}

#[tokio::test]
async fn level_ages_from_the_command_line_and_bad_values_that_change_nothing() {
    let cli = Cli::new().await;
    let shown = cli.ok(&["role", "show", "admin", "--json"]);
    assert_eq!(
        shown["acr_max_age_minutes"],
        serde_json::json!({ "mfa": 720, "phr": 480, "phrh": 480 }),
        "the admin role's built-in ages"
    );
    assert_eq!(
        cli.ok(&["role", "show", "user", "--json"])["acr_max_age_minutes"],
        serde_json::json!({ "mfa": 1440, "phr": 720, "phrh": 720 })
    );
    let changed = cli.ok(&[
        "role",
        "set",
        "user",
        "--acr-max-age",
        "phr=2h",
        "--acr-max-age",
        "mfa=1d",
        "--json",
    ]);
    assert_eq!(changed["changed"], true);
    assert_eq!(
        changed["acr_max_age_minutes"],
        serde_json::json!({ "mfa": 1440, "phr": 120, "phrh": 120 }),
        "phrh never outlives phr"
    );
    assert_eq!(changed["acr_max_age_default"], serde_json::json!(["phrh"]));
    let text = cli.run(&["role", "show", "user"]);
    assert!(
        text.stdout
            .contains("acr max age              mfa=1440m phr=120m phrh=120m (default)"),
        "{}",
        text.stdout
    );
    let original = cli.ok(&["role", "show", "user", "--json"]);
    for (value, message) in [
        ("phr", "LEVEL=DURATION"),
        ("gold=1h", "unknown level"),
        ("phr=soon", "not a duration"),
        ("phr=0", "1 minute to 365 days"),
        ("mfa=none", "every level has an age"),
    ] {
        cli.fails(&["role", "set", "user", "--acr-max-age", value], message);
        assert_eq!(
            cli.ok(&["role", "show", "user", "--json"]),
            original,
            "{value:?} changed nothing"
        );
    }
    let back = cli.ok(&["role", "set", "user", "--acr-max-age", "phr=default", "--json"]);
    assert_eq!(back["acr_max_age_minutes"]["phr"], 720);
}
