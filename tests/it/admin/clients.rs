//! How a client presents itself, in the console: a name, a logo, a privacy policy and terms of service given at
//! registration and changed on the client's page through the function the API calls (the same event), refusals
//! beside the form with what was typed and nothing changed, an empty field removing one, no change without a CSRF
//! token; and the three client pages in German.
use super::common::*;
use crate::api::common::call;
use crate::common::*;
use serde_json::json;

/// A GET in German (`Accept-Language: de`), with the browser's cookies.
async fn get_in_german(browser: &Browser, server: &TestServer, path: &str) -> Page {
    Browser::read(
        browser
            .client
            .get(server.url(path))
            .header("Accept-Language", "de")
            .send()
            .await
            .expect("GET"),
    )
    .await
}

#[tokio::test]
async fn a_clients_name_logo_and_links_are_given_at_registration_and_changed_on_its_page() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    let csrf = browser.get("/admin/clients").await.csrf();
    let form = |logo: &'static str| {
        vec![
            ("type", "confidential"),
            ("client_id", "wiki"),
            ("redirect_uris", "https://wiki.example.com/cb"),
            ("grant_authorization_code", "on"),
            ("client_name", "Team Wiki"),
            ("logo_uri", logo),
            ("policy_uri", "https://wiki.example.com/privacy"),
            ("tos_uri", ""),
        ]
    };
    // A logo over http is refused beside the form, with everything typed kept; nothing registered.
    let mut refused_form = vec![("csrf", csrf.as_str())];
    refused_form.extend(form("http://cdn.example.com/wiki.png"));
    let refused = browser.post("/admin/clients", &refused_form).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("id=\"register-error\"") && refused.body.contains("logo_uri"));
    assert!(
        refused.body.contains("value=\"Team Wiki\"")
            && refused.body.contains("value=\"http://cdn.example.com/wiki.png\"")
    );
    assert!(server.state().store.client("wiki").await.unwrap().is_none());

    let mut good = vec![("csrf", csrf.as_str())];
    good.extend(form("https://cdn.example.com/wiki.png"));
    let registered = browser.post("/admin/clients", &good).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let client = server.state().store.client("wiki").await.unwrap().unwrap();
    assert_eq!(client.client_name.as_deref(), Some("Team Wiki"));
    assert_eq!(client.logo_uri.as_deref(), Some("https://cdn.example.com/wiki.png"));
    assert_eq!(client.tos_uri, None, "an empty field is none");
    let list = browser.get("/admin/clients").await;
    assert!(list.body.contains("<td>Team Wiki</td>"), "{}", list.body);

    let page = browser.get("/admin/clients/wiki").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("id=\"client-name-shown\">Team Wiki<") && page.body.contains("id=\"presentation-form\"")
    );
    assert!(page.body.contains("href=\"https://wiki.example.com/privacy\""));
    let csrf = page.csrf();

    // A bad change is refused whole: the name typed with it is not saved either.
    let bad = browser
        .post(
            "/admin/clients/wiki/presentation",
            &[
                ("csrf", csrf.as_str()),
                ("client_name", "Wiki"),
                ("logo_uri", "https://cdn.example.com/wiki.png"),
                ("policy_uri", "javascript:alert(1)"),
                ("tos_uri", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"presentation-error\"") && bad.body.contains("policy_uri"));
    assert!(bad.body.contains("value=\"javascript:alert(1)\"") && bad.body.contains("value=\"Wiki\""));
    let unchanged = server.state().store.client("wiki").await.unwrap().unwrap();
    assert_eq!(unchanged, client, "nothing changed");
    let forged = browser
        .post("/admin/clients/wiki/presentation", &[("client_name", "Forged")])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(events_of(&server, "client.updated").await, 0);

    // Changed: back on its page with a notice; an empty field removes.
    let changed = browser
        .post(
            "/admin/clients/wiki/presentation",
            &[
                ("csrf", csrf.as_str()),
                ("client_name", "Wiki"),
                ("logo_uri", ""),
                ("policy_uri", "https://wiki.example.com/privacy"),
                ("tos_uri", "https://wiki.example.com/terms"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(changed.location().as_deref(), Some("/admin/clients/wiki"));
    let page = browser.get("/admin/clients/wiki").await;
    assert!(notice(&page).unwrap().contains("Changed how wiki presents itself"));
    let client = server.state().store.client("wiki").await.unwrap().unwrap();
    assert_eq!(client.client_name.as_deref(), Some("Wiki"));
    assert_eq!(client.logo_uri, None);
    assert_eq!(client.tos_uri.as_deref(), Some("https://wiki.example.com/terms"));
    assert_eq!(
        client.redirect_uris,
        ["https://wiki.example.com/cb"],
        "the redirect URIs stay"
    );

    // The API makes the same change to a twin: the same event.
    let console_event = newest(&server, "client.updated").await;
    let token = api_admin(&server).await;
    let twin = json!({ "client_id": "wiki2", "redirect_uris": ["https://wiki.example.com/cb"], "client_name": "Team Wiki",
        "logo_uri": "https://cdn.example.com/wiki.png", "policy_uri": "https://wiki.example.com/privacy" });
    assert_eq!(
        call(&server, "POST", "/api/v1/clients", Some(&token), Some(&twin))
            .await
            .status,
        201
    );
    let change = json!({ "client_name": "Wiki", "logo_uri": null, "tos_uri": "https://wiki.example.com/terms" });
    let reply = call(&server, "PATCH", "/api/v1/clients/wiki2", Some(&token), Some(&change)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "client.updated").await,
        &root,
        &["client_id"],
    );
}

#[tokio::test]
async fn the_client_pages_speak_german() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let list = get_in_german(&browser, &server, "/admin/clients").await;
    assert_eq!(list.status, 200);
    for german in [
        "Es ist kein Client registriert.",
        "Client registrieren",
        "Wie er sich zeigt",
        "Datenschutzerklärung",
    ] {
        assert!(list.body.contains(german), "{german}: {}", list.body);
    }
    let csrf = list.csrf();
    let registered = Browser::read(
        browser
            .client
            .post(server.url("/admin/clients"))
            .header("Accept-Language", "de")
            .form(&[
                ("csrf", csrf.as_str()),
                ("type", "confidential"),
                ("client_id", "wiki"),
                ("redirect_uris", "https://wiki.example.com/cb"),
                ("grant_authorization_code", "on"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert!(
        registered.body.contains("Kopieren Sie das Geheimnis jetzt"),
        "{}",
        registered.body
    );
    let page = get_in_german(&browser, &server, "/admin/clients/wiki").await;
    for german in [
        "Der Client wiki",
        "keiner: Personen sehen die Client-ID",
        "Darstellung speichern",
        "Client entfernen …",
    ] {
        assert!(page.body.contains(german), "{german}: {}", page.body);
    }
}

#[tokio::test]
async fn whether_a_client_must_use_par_is_set_at_registration_and_on_its_page() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let csrf = browser.get("/admin/clients").await.csrf();
    let registered = browser
        .post(
            "/admin/clients",
            &[
                ("csrf", csrf.as_str()),
                ("type", "confidential"),
                ("client_id", "payroll"),
                ("redirect_uris", "https://payroll.example.com/cb"),
                ("grant_authorization_code", "on"),
                ("require_par", "on"),
            ],
        )
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert!(
        server
            .state()
            .store
            .client("payroll")
            .await
            .unwrap()
            .unwrap()
            .require_par
    );
    let page = browser.get("/admin/clients/payroll").await;
    assert!(page.body.contains("id=\"client-par\">required"), "{}", page.body);
    assert!(page.body.contains("id=\"par-form\""));
    // Unticked: the checkbox is absent from the form.
    let changed = browser
        .post("/admin/clients/payroll/par", &[("csrf", page.csrf().as_str())])
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert!(
        !server
            .state()
            .store
            .client("payroll")
            .await
            .unwrap()
            .unwrap()
            .require_par
    );
    let refused = browser
        .post("/admin/clients/payroll/par", &[("require_par", "on")])
        .await;
    assert!(refused.status >= 400, "no change without a CSRF token");
    assert!(
        !server
            .state()
            .store
            .client("payroll")
            .await
            .unwrap()
            .unwrap()
            .require_par
    );
    let german = get_in_german(&browser, &server, "/admin/clients/payroll").await;
    assert!(german.body.contains("Pushed Authorization Requests (PAR)") && german.body.contains(">freiwillig<"));
}
