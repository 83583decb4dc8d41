//! One-time notices ("flash"): every change on the end-user pages is told on the next page, once; the cookie that
//! carries it is signed and short-lived, so a forged, altered or stale one shows nothing.
use crate::common::*;
use crate::signin::trusted_devices::{after_password, trust, with_totp};
use chrono::Duration;

const FLASH: &str = "gatehouse_flash";

/// Follows the redirect a change answered with and returns the page it leads to, after checking that the notice
/// shows there (containing every one of `words`) and that the same page loaded again shows none.
async fn told_once(browser: &Browser, changed: &Page, words: &[&str]) -> Page {
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert!(
        cookie_value(&changed.set_cookies(), FLASH).is_some_and(|v| !v.is_empty()),
        "the redirect leaves a notice: {:?}",
        changed.set_cookies()
    );
    let location = changed.location().expect("a redirect");
    let page = browser.get(&location).await;
    assert_eq!(page.status, 200, "{location}: {}", page.body);
    let notice = page
        .notice()
        .unwrap_or_else(|| panic!("{location} shows a notice: {}", page.body));
    for word in words {
        assert!(notice.contains(word), "{word:?} in {notice:?}");
    }
    assert!(
        page.set_cookies()
            .iter()
            .any(|c| c.starts_with(&format!("{FLASH}=")) && c.contains("Max-Age=0")),
        "the page that shows it clears it: {:?}",
        page.set_cookies()
    );
    let again = browser.get(&location).await;
    assert_eq!(again.notice(), None, "{location} shows it once");
    page
}

#[tokio::test]
async fn every_change_on_the_account_pages_is_told_once() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "nia").await;
    let nia = server.user("nia").await;
    // Two browsers trusted to skip the second step; the second one goes on to change things.
    let (first_cookie, _) = trust(&server, "nia", &secret, None).await;
    let (_, browser) = trust(&server, "nia", &secret, None).await;

    // A factor added.
    let page = browser.get("/account/security/totp").await;
    let extra = secret_on(&page);
    let added = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &page.csrf()),
                ("factor_id", &page.input("factor_id").unwrap()),
                ("name", "Tablet"),
                ("code", &server.totp_code(&extra, 0)),
            ],
        )
        .await;
    let security = told_once(&browser, &added, &["Authenticator app added"]).await;
    assert!(security.body.contains("Tablet"));

    // A factor removed: the notice says how many trusted browsers went with it, and why.
    let tablet = server
        .state()
        .store
        .factors_of(&nia.id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Tablet")
        .unwrap();
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &tablet.id)],
        )
        .await;
    told_once(
        &browser,
        &removed,
        &[
            "Factor removed",
            "Removing it revoked your 2 trusted browsers, so a stolen password plus an old browser is not enough",
        ],
    )
    .await;
    assert!(
        after_password(&server, "nia", Some(&first_cookie))
            .await
            .starts_with("/login/factor")
    );

    // New recovery codes: told on the page that shows them (the answer to the change), not again after it.
    let codes = browser
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert!(
        codes
            .notice()
            .unwrap_or_default()
            .contains("New recovery codes created")
    );
    assert_eq!(browser.get("/account/security").await.notice(), None);

    // One trusted browser revoked, then all of them.
    server.clock.advance(Duration::seconds(30));
    let (_, browser) = trust(&server, "nia", &secret, None).await;
    let account = browser.get("/account").await;
    let id = account.data("device-id").expect("this browser is trusted");
    let revoked = browser
        .post(
            "/account/devices/revoke",
            &[("csrf", &account.csrf()), ("device_id", &id)],
        )
        .await;
    told_once(&browser, &revoked, &["Trusted browser revoked"]).await;
    trust(&server, "nia", &secret, None).await;
    let (_, browser) = trust(&server, "nia", &secret, None).await;
    let all = browser.submit("/account", "/account/devices/revoke-all", &[]).await;
    told_once(&browser, &all, &["You revoked your 2 trusted browsers"]).await;

    // Signed out.
    let out = browser.submit("/account", "/logout", &[]).await;
    assert_eq!(out.location().as_deref(), Some("/login"));
    let login = told_once(&browser, &out, &["You are signed out."]).await;
    assert!(login.body.contains("<h1>Sign in</h1>"));
}

#[tokio::test]
async fn forged_altered_and_stale_notices_show_nothing() {
    let server = TestServer::start().await;
    server.add_user("ona", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("ona", GOOD_PASSWORD).await.status, 303);
    let out = browser.submit("/account", "/logout", &[]).await;
    let genuine = cookie_value(&out.set_cookies(), FLASH).expect("a notice cookie");
    let (payload, _) = genuine.rsplit_once('.').unwrap();
    let key = payload.split('.').next().unwrap();
    assert_eq!(key, "signed_out", "the cookie names a notice; it carries no words");

    let forged = [
        // Someone else's words, or a key with a made-up signature.
        "Your-account-is-locked-call-0900-123456".to_string(),
        format!("{payload}.{}", "A".repeat(43)),
        // The genuine signature over other contents.
        genuine.replacen("signed_out", "app_revoked", 1),
        format!("x{genuine}"),
        // Words where the key goes, signed or not.
        genuine.replacen("signed_out", "%3Cscript%3E", 1),
    ];
    for value in &forged {
        let other = Browser::with_cookie(&server.base, FLASH, value);
        let page = other.get("/login").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.notice(), None, "{value}");
        assert!(
            page.set_cookies()
                .iter()
                .any(|c| c.starts_with(&format!("{FLASH}=")) && c.contains("Max-Age=0")),
            "a bad notice cookie is cleared too"
        );
    }
    // The genuine one works once in the browser it was given to…
    let fresh = Browser::with_cookie(&server.base, FLASH, &genuine);
    assert_eq!(
        fresh.get("/login").await.notice().as_deref(),
        Some("You are signed out.")
    );
    // …and not after its few minutes.
    server.clock.advance(Duration::minutes(6));
    let late = Browser::with_cookie(&server.base, FLASH, &genuine);
    assert_eq!(late.get("/login").await.notice(), None);
}
