//! The dashboard: the last day's sign-in events by kind and outcome (linking into the audit log), disabled and
//! locked accounts, open factor-reset requests, keys and certificates due soon — each part for the roles that
//! may read it.
use super::common::*;
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;

#[tokio::test]
async fn the_dashboard_counts_what_needs_attention() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let carol = server.add_user("carol", Some(GOOD_PASSWORD)).await;
    for _ in 0..3 {
        assert_eq!(server.browser().login("carol", "wrong password").await.status, 401);
    }
    gatehouse::core::accounts::set_status(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        &carol,
        UserStatus::Disabled,
    )
    .await
    .unwrap();

    let page = browser.get("/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<span id=\"disabled-accounts\">1</span>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<span id=\"locked-accounts\">0</span>"));
    assert!(page.body.contains("id=\"open-resets\">0<"));
    assert!(
        page.body.contains("id=\"sign-in-failures\">3<"),
        "three wrong passwords"
    );
    assert!(page.body.contains("aria-label=\"3 Password failed\""));
    assert!(
        page.body.contains("kind=login.password&amp;since="),
        "each count links into the log"
    );
    assert!(page.body.contains("id=\"no-expiring-keys\""));
    assert!(page.body.contains("aria-current=\"page\">Dashboard"));
    // A day later the failures are out of the window (the earlier sign-in has expired: another administrator looks).
    server.clock.advance(chrono::Duration::hours(25));
    let (later, _) = admin(&server, "root2").await;
    let page = later.get("/admin").await;
    assert!(page.body.contains("id=\"sign-in-failures\">0<"), "{}", page.body);
}

#[tokio::test]
async fn the_helpdesk_sees_accounts_and_requests_but_not_the_log_or_keys() {
    let (server, _db) = console_server().await;
    let browser = helpdesk(&server, "hana").await;
    let page = browser.get("/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"disabled-accounts\"") && page.body.contains("id=\"open-resets\""));
    assert!(!page.body.contains("id=\"sign-in-failures\"") && !page.body.contains("id=\"keys\""));
    assert!(
        !page.body.contains("id=\"readiness\""),
        "only administrators can act on it"
    );
}

/// A console page as a browser set to German asks for it.
async fn in_german(server: &TestServer, browser: &Browser, path: &str) -> Page {
    let request = browser
        .client
        .get(server.url(path))
        .header("Accept-Language", "de-CH,de;q=0.9,en;q=0.5");
    Browser::read(request.send().await.expect("GET")).await
}

#[tokio::test]
async fn the_console_speaks_the_language_the_browser_asks_for() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;

    let dashboard = in_german(&server, &browser, "/admin").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert!(
        dashboard.body.starts_with("<!doctype html>\n<html lang=\"de\">"),
        "{}",
        dashboard.body
    );
    assert_eq!(dashboard.header("content-language"), Some("de".to_string()));
    assert!(dashboard.body.contains("<h1>Übersicht</h1>"), "{}", dashboard.body);
    assert!(
        dashboard
            .body
            .contains("<h2 id=\"readiness-heading\">Administratorzugang gefährdet</h2>")
    );
    assert!(dashboard.body.contains("Nur root kann sich als Administrator anmelden"));
    assert!(dashboard.body.contains(">Benutzer</a>") && dashboard.body.contains(">Audit-Log</a>"));
    assert!(
        dashboard
            .body
            .contains("<h2 id=\"tile-failures\">Fehlgeschlagene oder abgewiesene Anmeldeschritte</h2>")
    );
    // The switcher offers the other language, in its own words.
    assert!(
        dashboard
            .body
            .contains("<a href=\"/language/en\" lang=\"en\" hreflang=\"en\">English</a>")
    );

    let users = in_german(&server, &browser, "/admin/users").await;
    assert!(users.body.contains("<html lang=\"de\">"));
    assert!(users.body.contains("<h1>Benutzer</h1>"), "{}", users.body);
    assert!(users.body.contains("<h2 id=\"create\">Konto anlegen</h2>"));
    assert!(users.body.contains("<th scope=\"col\">Benutzername</th>") && users.body.contains("<td>aktiv</td>"));

    // Dates the German way: 31.01.2026, 14:00 UTC.
    let account = in_german(&server, &browser, "/admin/users/carol").await;
    let created = account
        .body
        .split("<dt>Angelegt</dt><dd>")
        .nth(1)
        .expect("the creation date");
    let day: Vec<char> = created.chars().take(10).collect();
    assert!(
        day[2] == '.' && day[5] == '.' && day.iter().filter(|c| c.is_ascii_digit()).count() == 8,
        "{created}"
    );

    // Without a preference: English, as before.
    let english = browser.get("/admin").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("<h1>Dashboard</h1>"));

    // The switcher's choice holds for the notices the console's actions leave, too.
    assert_eq!(browser.get("/language/de").await.status, 303);
    let given = browser
        .submit(
            "/admin/users/carol",
            "/admin/users/carol/roles/add",
            &[("role", "helpdesk")],
        )
        .await;
    assert_eq!(given.status, 303, "{}", given.body);
    let page = browser.get("/admin/users/carol").await;
    assert!(page.body.contains("<html lang=\"de\">"));
    assert_eq!(notice(&page).as_deref(), Some("carol hat die Rolle helpdesk erhalten."));
}
