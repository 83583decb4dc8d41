//! The sign-in and account pages in the browser's language: `Accept-Language: de` gives German pages (`<html
//! lang="de">`, dates written the German way, the core's error texts translated), the `gh_lang` cookie set by the
//! language switcher wins over the header, and confirming it is you works the same in German: the username shown,
//! not asked, and no second prompt within the ten minutes a fresh sign-in lasts.
use crate::common::*;
use crate::signin::trusted_devices::with_totp;
use chrono::Duration;
use gatehouse::i18n::{Lang, format_date};

/// GET in `lang` (the browser's own cookies go along).
async fn get_in(server: &TestServer, browser: &Browser, lang: &str, path: &str) -> Page {
    let request = browser.client.get(server.url(path)).header("accept-language", lang);
    Browser::read(request.send().await.expect("GET")).await
}

/// POST a form in `lang`.
async fn post_in(server: &TestServer, browser: &Browser, lang: &str, path: &str, form: &[(&str, &str)]) -> Page {
    let request = browser
        .client
        .post(server.url(path))
        .header("accept-language", lang)
        .form(form);
    Browser::read(request.send().await.expect("POST")).await
}

fn german(page: &Page) -> bool {
    page.body.contains("<html lang=\"de\">") && page.header("content-language").as_deref() == Some("de")
}

#[tokio::test]
async fn accept_language_de_gives_german_sign_in_and_account_pages() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "greta").await;
    let browser = server.browser();
    const DE: &str = "de-CH,de;q=0.9,en;q=0.5";

    let login = get_in(&server, &browser, DE, "/login").await;
    assert!(german(&login), "{}", login.body);
    assert!(login.body.contains("<h1>Anmelden</h1>") && login.body.contains("Passwort vergessen?"));
    // A wrong password: the core's message, in German.
    let wrong = post_in(
        &server,
        &browser,
        DE,
        "/login",
        &[("csrf", &login.csrf()), ("username", "greta"), ("password", "not-it")],
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("Benutzername oder Passwort ist falsch."),
        "{}",
        wrong.body
    );

    let first = post_in(
        &server,
        &browser,
        DE,
        "/login",
        &[
            ("csrf", &wrong.csrf()),
            ("username", "greta"),
            ("password", GOOD_PASSWORD),
        ],
    )
    .await;
    assert!(first.location().unwrap_or_default().starts_with("/login/factor"));
    let step = get_in(&server, &browser, DE, "/login/factor").await;
    assert!(german(&step), "{}", step.body);
    assert!(
        step.body.contains("<h1>Zweiter Schritt</h1>")
            && step.body.contains("Anmeldung als greta.")
            && step.body.contains("Code aus Ihrer Authenticator-App"),
        "{}",
        step.body
    );
    // The checkbox's words beside it, in German and in the plural.
    assert!(
        step.body
            .contains("id=\"trust\"> <span>Diesem Browser 30 Tage lang vertrauen</span></label>"),
        "{}",
        step.body
    );
    let wrong = post_in(
        &server,
        &browser,
        DE,
        "/login/factor",
        &[("csrf", &step.csrf()), ("method", "totp"), ("code", "000000")],
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Dieser Code ist nicht richtig."), "{}", wrong.body);
    let code = server.totp_code(&secret, 0);
    let done = post_in(
        &server,
        &browser,
        DE,
        "/login/factor",
        &[("csrf", &step.csrf()), ("method", "totp"), ("code", &code)],
    )
    .await;
    assert_eq!(done.location().as_deref(), Some("/account"), "{}", done.body);

    let today = format_date(Lang::De, server.state().clock.now());
    let account = get_in(&server, &browser, DE, "/account").await;
    assert!(german(&account), "{}", account.body);
    assert!(
        account.body.contains("<title>Ihr Konto · Gatehouse</title>")
            && account.body.contains("Vertrauenswürdige Browser")
            && account.body.contains(&format!("<dd>{today}, ")),
        "{}",
        account.body
    );
    let security = get_in(&server, &browser, DE, "/account/security").await;
    assert!(german(&security), "{}", security.body);
    assert!(
        security.body.contains("<h1>Anmeldesicherheit</h1>")
            && security.body.contains(r#"<th role="columnheader">Hinzugefügt</th>"#)
            && security.body.contains("Wiederherstellungscodes erstellen"),
        "{}",
        security.body
    );
    // The app was added a minute or so ago: its date, the German way (`06.12.2026`).
    assert!(
        security
            .body
            .contains(&format!(r#"data-label="Hinzugefügt">{today}</td>"#)),
        "{}",
        security.body
    );
    let sessions = get_in(&server, &browser, DE, "/account/sessions").await;
    assert!(
        german(&sessions) && sessions.body.contains("Passwort + Einmalcode"),
        "{}",
        sessions.body
    );

    // Signing out: the notice on the sign-in page, in German.
    let account = get_in(&server, &browser, DE, "/account").await;
    let out = post_in(&server, &browser, DE, "/logout", &[("csrf", &account.csrf())]).await;
    assert_eq!(out.location().as_deref(), Some("/login"));
    let login = get_in(&server, &browser, DE, "/login").await;
    assert_eq!(login.notice().as_deref(), Some("Sie sind abgemeldet."));

    // Without the header: English, as before.
    let english = browser.get("/login").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("<h1>Sign in</h1>"));
}

#[tokio::test]
async fn the_language_cookie_wins_over_accept_language() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let switched = browser.get("/language/de").await;
    assert_eq!(switched.status, 303);
    assert!(cookie_value(&switched.set_cookies(), "gh_lang").as_deref() == Some("de"));
    let login = get_in(&server, &browser, "en-GB,en;q=0.9", "/login").await;
    assert!(german(&login), "the choice beats the browser's header: {}", login.body);
    let step = get_in(&server, &browser, "en", "/password/forgot").await;
    assert!(german(&step) && step.body.contains("Passwort vergessen?"));

    let english = Browser::with_cookie(&server.base, "gh_lang", "en");
    let login = get_in(&server, &english, "de", "/login").await;
    assert!(login.body.contains("<html lang=\"en\">") && login.body.contains("<h1>Sign in</h1>"));
}

#[tokio::test]
async fn confirming_it_is_you_works_the_same_in_german() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "hans").await;
    let browser = Browser::with_cookie(&server.base, "gh_lang", "de");
    let signed_in = server.sign_in_with_totp(&browser, "hans", &secret).await;
    assert_eq!(signed_in.location().as_deref(), Some("/account"));
    // Stale: changing factors asks to confirm it is you.
    server.clock.advance(Duration::minutes(11));
    let stale = browser.get("/account/security/totp").await;
    let reauth = stale.location().expect("a stale sign-in is asked to confirm");
    let page = browser.get(&reauth).await;
    assert!(german(&page), "{}", page.body);
    assert!(
        page.body.contains("<h1>Bestätigen Sie, dass Sie es sind</h1>"),
        "{}",
        page.body
    );
    assert!(
        page.notice()
            .unwrap_or_default()
            .starts_with("Bestätigen Sie, dass Sie es sind: Geben Sie Ihr Passwort erneut ein")
    );
    let field = &page.body[page.body.find("id=\"username\"").unwrap()..];
    let field = &field[..field.find('>').unwrap()];
    assert!(
        field.contains("value=\"hans\"") && field.contains("readonly"),
        "{field}"
    );
    assert!(page.body.contains("<label for=\"username\">Angemeldet als</label>"));
    // A wrong password keeps the name shown, and says so in German.
    let wrong = browser
        .post(
            "/login",
            &[
                ("csrf", &page.csrf()),
                ("username", "hans"),
                ("password", "not-the-password"),
                ("reauth", "1"),
                ("confirming", "1"),
                ("return_to", "/account/security"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("readonly") && wrong.body.contains("Benutzername oder Passwort ist falsch."));
    let done = browser
        .post(
            "/login",
            &[
                ("csrf", &wrong.csrf()),
                ("username", "hans"),
                ("password", GOOD_PASSWORD),
                ("reauth", "1"),
                ("confirming", "1"),
                ("return_to", "/account/security"),
            ],
        )
        .await;
    assert!(done.location().unwrap_or_default().starts_with("/login/factor"));
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
    // Fresh now: no second prompt, now or nine minutes later.
    for _ in 0..2 {
        let add = browser.get("/account/security/totp").await;
        assert_eq!(add.status, 200, "{:?}", add.location());
        assert!(german(&add) && add.body.contains("<h1>Authenticator-App hinzufügen</h1>"));
        assert!(
            add.body.contains("value=\"Authenticator-App\""),
            "the default name, in German"
        );
        server.clock.advance(Duration::minutes(9));
    }
    // Past the window, asked again.
    let stale = browser.get("/account/security/totp").await;
    assert!(stale.location().unwrap_or_default().starts_with("/login?reauth=1"));
}
