//! The security page and confirming it is you: a security key flagged as a suspected copy is marked with what to
//! do and is not what the second step opens on; the "confirm it is you" page shows the signed-in username instead
//! of asking for it; and a factor this very sign-in proved or added can be removed without being asked again.
use crate::common::*;
use crate::signin::trusted_devices::with_totp;
use chrono::Duration;
use gatehouse::core::factors::{Factor, FactorKind, FactorStatus};

#[tokio::test]
async fn a_flagged_key_is_marked_and_not_offered_first() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "fia").await;
    let fia = server.user("fia").await;
    // A key flagged as a suspected copy (its counter went back), used more recently than the app.
    let now = server.state().clock.now();
    let key = Factor::new(
        &fia.id,
        FactorKind::WebAuthn,
        "YubiKey".into(),
        FactorStatus::Active,
        serde_json::json!({ "flagged": true }),
        now,
    );
    let store = server.state().store.as_ref();
    store.insert_factor(&key).await.unwrap();
    server.clock.advance(Duration::minutes(1));
    store.touch_factor(&key.id, server.state().clock.now()).await.unwrap();

    let browser = server.browser();
    let signed_in = server.sign_in_with_totp(&browser, "fia", &secret).await;
    assert_eq!(signed_in.location().as_deref(), Some("/account"));
    // The second step opened on the app, not on the key used last: the key is refused anyway.
    let next = server.browser();
    next.login("fia", GOOD_PASSWORD).await;
    let step = next.get("/login/factor").await;
    assert_eq!(step.input("method").as_deref(), Some("totp"), "{}", step.body);
    assert!(step.body.contains("method=webauthn"), "still listed, last");

    let page = browser.get("/account/security").await;
    let row = &page.body[page
        .body
        .find(&format!("id=\"flagged-{}\"", key.id))
        .expect("the key is marked")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Blocked"), "{row}");
    assert!(
        row.contains("Remove it and add it again") && row.contains("tell your helpdesk"),
        "{row}"
    );
    assert!(
        row.contains("/account/security/remove"),
        "and it can be removed at once"
    );
}

#[tokio::test]
async fn confirming_it_is_you_shows_the_signed_in_username() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "rae").await;
    let browser = server.browser();
    server.sign_in_with_totp(&browser, "rae", &secret).await;
    server.clock.advance(Duration::minutes(11));
    let remove_needs = browser.get("/account/security/totp").await;
    let reauth = remove_needs.location().expect("a stale sign-in is asked to confirm");
    let page = browser.get(&reauth).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm it is you"), "{}", page.body);
    let field = &page.body[page.body.find("id=\"username\"").unwrap()..];
    let field = &field[..field.find('>').unwrap()];
    assert!(field.contains("value=\"rae\"") && field.contains("readonly"), "{field}");
    assert_eq!(page.input("reauth").as_deref(), Some("1"));
    // A wrong password keeps the name shown read-only.
    let wrong = browser
        .post(
            "/login",
            &[
                ("csrf", &page.csrf()),
                ("username", "rae"),
                ("password", "not-the-password"),
                ("reauth", "1"),
                ("confirming", "1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("readonly") && wrong.body.contains("value=\"rae\""));
    // The password goes on to the factor (a trusted browser would not skip it), the factor back to the page.
    let done = browser
        .post(
            "/login",
            &[
                ("csrf", &wrong.csrf()),
                ("username", "rae"),
                ("password", GOOD_PASSWORD),
                ("reauth", "1"),
                ("confirming", "1"),
                ("return_to", "/account/security"),
            ],
        )
        .await;
    assert!(
        done.location().unwrap_or_default().starts_with("/login/factor"),
        "{:?}",
        done.location()
    );
    let back = browser
        .submit(
            "/login/factor",
            "/login/factor",
            &[
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 0)),
                ("return_to", "/account/security"),
            ],
        )
        .await;
    assert_eq!(back.location().as_deref(), Some("/account/security"));
    assert!(
        browser
            .get("/account/security")
            .await
            .body
            .contains("/account/security/remove")
    );
    // Nobody signed in: the ordinary form, nothing filled in.
    let anonymous = server.browser().get(&reauth).await;
    assert!(!anonymous.body.contains("readonly") && anonymous.body.contains("value=\"\""));
}

#[tokio::test]
async fn what_this_sign_in_just_proved_or_added_is_not_asked_again() {
    let server = TestServer::start().await;
    server.add_user("ned", Some(GOOD_PASSWORD)).await;
    let ned = server.user("ned").await;
    let browser = server.browser();
    assert_eq!(browser.login("ned", GOOD_PASSWORD).await.status, 303);
    // An app added by mistake is removed at once: this session proved it a moment ago.
    server.enrol_totp(&browser).await;
    let page = browser.get("/account/security").await;
    assert!(page.body.contains("/account/security/remove"), "{}", page.body);
    let app = server.state().store.factors_of(&ned.id).await.unwrap().remove(0);
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &app.id)],
        )
        .await;
    assert_eq!(
        removed.location().as_deref(),
        Some("/account/security"),
        "not asked to sign in again"
    );
    assert!(server.state().store.factors_of(&ned.id).await.unwrap().is_empty());

    // A fresh sign-in with the factor: removing it right away asks nothing more either.
    let secret = server.enrol_totp(&browser).await;
    let other = server.browser();
    server.sign_in_with_totp(&other, "ned", &secret).await;
    server.clock.advance(Duration::minutes(9));
    let app = server.state().store.factors_of(&ned.id).await.unwrap().remove(0);
    let removed = other
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &app.id)],
        )
        .await;
    assert_eq!(removed.location().as_deref(), Some("/account/security"));
    assert!(server.state().store.factors_of(&ned.id).await.unwrap().is_empty());
}
