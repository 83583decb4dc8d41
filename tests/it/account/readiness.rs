//! Being ready to lose a factor (issue #15): the page after a user's first factor offers recovery codes and a
//! second factor, once and dismissibly; an administrator whose only phishing-resistant factor is one security key
//! or passkey is asked to add a second one on the account and security pages until they do.
use crate::common::*;
use crate::factors::webauthn::{json, register, server};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// Adds an authenticator app through the pages (as `enrol_totp`), returning where the confirmation leads.
async fn add_app(server: &TestServer, browser: &Browser, return_to: Option<&str>) -> String {
    let path = match return_to {
        Some(r) => format!(
            "/account/security/totp?return_to={}",
            url::form_urlencoded::byte_serialize(r.as_bytes()).collect::<String>()
        ),
        None => "/account/security/totp".to_string(),
    };
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let code = server.totp_code(&secret_on(&page), 0);
    let mut form = vec![
        ("csrf", page.csrf()),
        ("factor_id", page.input("factor_id").unwrap()),
        ("code", code),
    ];
    if let Some(r) = return_to {
        form.push(("return_to", r.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = browser.post("/account/security/totp", &form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    server.clock.advance(chrono::Duration::seconds(30));
    done.location().expect("a redirect")
}

#[tokio::test]
async fn the_first_factor_is_followed_by_the_offer_of_recovery_codes_and_a_second_factor() {
    let server = TestServer::start().await;
    server.add_user("rita", Some(GOOD_PASSWORD)).await;
    let rita = server.user("rita").await;
    let browser = server.browser();
    assert_eq!(browser.login("rita", GOOD_PASSWORD).await.status, 303);
    assert!(!browser.get("/account/security").await.body.contains("recovery-prompt"));

    let landing = add_app(&server, &browser, None).await;
    assert_eq!(landing, "/account/security");
    let page = browser.get(&landing).await;
    assert!(page.notice().unwrap_or_default().contains("Authenticator app added"));
    let prompt = &page.body[page.body.find("id=\"recovery-prompt\"").expect("the offer")..];
    let prompt = &prompt[..prompt.find("</section>").unwrap()];
    assert!(
        prompt.contains("Be ready to lose it") && prompt.contains("rests on this one factor"),
        "{prompt}"
    );
    assert!(prompt.contains("action=\"/account/security/recovery-codes\"") && prompt.contains("Create recovery codes"));
    assert!(prompt.contains("href=\"#add-factor\"") && prompt.contains("Add a second factor"));
    assert!(
        prompt.contains("href=\"/account/security\" id=\"recovery-prompt-later\">Not now<"),
        "{prompt}"
    );
    // Dismissed by going on: it shows once, with the notice of the enrolment.
    assert!(!browser.get("/account/security").await.body.contains("recovery-prompt"));

    // The offer's button creates the codes, which go back to the security page when done.
    let codes = browser
        .post("/account/security/recovery-codes", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert!(codes.body.contains("id=\"recovery-codes\"") && codes.body.contains("href=\"/account/security\">Done<"));
    assert_eq!(
        server.state().store.remaining_recovery_codes(&rita.id).await.unwrap(),
        10
    );

    // A second factor is not a first one: no offer.
    let landing = add_app(&server, &browser, None).await;
    let page = browser.get(&landing).await;
    assert!(page.notice().unwrap_or_default().contains("Authenticator app added"));
    assert!(!page.body.contains("recovery-prompt"), "{}", page.body);
}

#[tokio::test]
async fn a_first_factor_on_the_way_to_an_application_offers_the_codes_then_carries_on() {
    let server = TestServer::start().await;
    server.add_user("otto", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("otto", GOOD_PASSWORD).await.status, 303);
    let next = "/authorize?client_id=app&state=s";
    let landing = add_app(&server, &browser, Some(next)).await;
    assert_eq!(
        landing,
        "/account/security?return_to=%2Fauthorize%3Fclient_id%3Dapp%26state%3Ds"
    );
    let page = browser.get(&landing).await;
    let prompt = &page.body[page.body.find("id=\"recovery-prompt\"").expect("the offer")..];
    assert!(
        prompt
            .contains("href=\"/authorize?client_id=app&amp;state=s\" id=\"recovery-prompt-later\">Not now, continue<"),
        "{prompt}"
    );
    // Creating the codes from the offer also carries on afterwards.
    let codes = browser
        .post(
            "/account/security/recovery-codes",
            &[("csrf", &page.csrf()), ("return_to", next)],
        )
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert!(
        codes
            .body
            .contains("href=\"/authorize?client_id=app&amp;state=s\">Done, continue<"),
        "{}",
        codes.body
    );
    // An address elsewhere is never where "continue" goes.
    let elsewhere = browser
        .get("/account/security?return_to=https%3A%2F%2Fevil.example%2F")
        .await;
    assert!(!elsewhere.body.contains("evil.example"));
}

#[tokio::test]
async fn a_first_security_key_is_followed_by_the_offer_too() {
    let (server, _db) = server().await;
    server.add_user("kit", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("kit", GOOD_PASSWORD).await.status, 303);
    let done = register(&server, &browser, &mut SoftPasskey::new(true)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(json(&done)["redirect"], "/account/security");
    let page = browser.get("/account/security").await;
    assert!(page.body.contains("id=\"recovery-prompt\""), "{}", page.body);
    // An ordinary user with one key is not warned like an administrator.
    assert!(!page.body.contains("admin-second-key"));
    assert!(!browser.get("/account").await.body.contains("admin-second-key"));
}

#[tokio::test]
async fn an_administrator_with_one_key_is_asked_for_a_second_until_there_is_one() {
    let (server, _db) = server().await;
    server.add_user_with("ada", Some(GOOD_PASSWORD), &["admin"]).await;
    let browser = server.browser();
    let first = browser.login("ada", GOOD_PASSWORD).await;
    assert!(first.location().unwrap_or_default().starts_with("/account/security"));
    // Administrators must enrol a security key; the registration signs them in.
    let done = register(&server, &browser, &mut SoftPasskey::new(true)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    for path in ["/account", "/account/security", "/account", "/account/security"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let warning = &page.body[page
            .body
            .find("id=\"admin-second-key\"")
            .unwrap_or_else(|| panic!("{path}: {}", page.body))..];
        let warning = &warning[..warning.find("</p>").unwrap()];
        assert!(
            warning.contains("“YubiKey” is your only security key or passkey")
                && warning.contains("One lost or broken key can lock you out"),
            "{path}: {warning}"
        );
        assert!(warning.contains("href=\"/account/security/webauthn\""), "{warning}");
    }
    // A second key ends it.
    let done = register(&server, &browser, &mut SoftPasskey::new(true)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    for path in ["/account", "/account/security"] {
        assert!(!browser.get(path).await.body.contains("admin-second-key"), "{path}");
    }
}
