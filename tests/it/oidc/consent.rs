//! The consent page and the authorization endpoint's own error pages: who asks (name and id, logo, privacy policy
//! and terms), with the logo's origin allowed for that page alone; who is signed in, and "Not you?", which signs
//! out and comes back to the same request as someone else; refusals that name the client and show an unregistered
//! redirect address as text, never going there; all of it in the person's language.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, param, redeem};
use gatehouse::core::accounts::NewAccount;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};

const LOGO: &str = "https://cdn.example.com/wiki.png";

/// The public, untrusted client `spa`, presenting itself with a name (with markup in it), a logo, a privacy
/// policy and terms of service.
async fn wiki(server: &TestServer) {
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "spa".into(),
            redirect_uris: vec![REDIRECT.into()],
            public: true,
            client_name: Some("Team <Wiki>".into()),
            logo_uri: Some(LOGO.into()),
            policy_uri: Some("https://wiki.example.com/privacy".into()),
            tos_uri: Some("https://wiki.example.com/terms".into()),
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
}

async fn person(server: &TestServer, username: &str, display_name: &str) -> gatehouse::core::model::User {
    server
        .create_account(NewAccount {
            display_name: Some(display_name.into()),
            password: Some(GOOD_PASSWORD.into()),
            ..an_account(username)
        })
        .await
}

fn authorize_path(extra: &[(&str, &str)]) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "spa"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email"),
        ("state", "s1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (key, value) in extra {
        params.retain(|(k, _)| k != key);
        params.push((key, value));
    }
    format!("/authorize?{}", serde_urlencoded::to_string(&params).unwrap())
}

/// A GET in German (`Accept-Language: de`), with the browser's cookies.
async fn get_in_german(browser: &Browser, url: &str) -> Page {
    Browser::read(
        browser
            .client
            .get(url)
            .header("Accept-Language", "de-CH, de;q=0.9, en;q=0.5")
            .send()
            .await
            .expect("GET"),
    )
    .await
}

#[tokio::test]
async fn the_consent_page_names_the_client_with_its_logo_and_links_and_who_is_signed_in() {
    let server = TestServer::start().await;
    wiki(&server).await;
    person(&server, "alice", "Alice Liddell").await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let page = browser.get(&authorize_path(&[])).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Team &lt;Wiki&gt; (spa)"),
        "name and id, escaped: {}",
        page.body
    );
    assert!(!page.body.contains("<Wiki>"));
    assert!(page.body.contains(&format!("src=\"{LOGO}\"")) && page.body.contains("referrerpolicy=\"no-referrer\""));
    assert!(page.body.contains("href=\"https://wiki.example.com/privacy\""));
    assert!(page.body.contains("href=\"https://wiki.example.com/terms\""));
    assert!(page.body.contains("You are signed in as Alice Liddell (alice)."));
    assert!(page.body.contains("Not you?") && page.body.contains("action=\"/authorize/switch\""));
    // The logo's origin is allowed for images on this page, and nothing else is widened.
    let csp = page.header("content-security-policy").expect("a policy");
    assert!(csp.contains("img-src 'self' data: https://cdn.example.com;"), "{csp}");
    assert!(
        csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(csp.matches("https://cdn.example.com").count(), 1, "{csp}");
    let elsewhere = browser.get("/account").await;
    let site_wide = elsewhere.header("content-security-policy").expect("a policy");
    assert!(
        !site_wide.contains("cdn.example.com"),
        "other pages keep the site-wide policy: {site_wide}"
    );

    // Without a logo: no image, the site-wide policy; a username as display name is said once.
    clients::update(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "spa",
        clients::ClientChanges {
            logo_uri: Some(None),
            policy_uri: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    server.add_user("bob", Some(GOOD_PASSWORD)).await;
    let bob = server.browser();
    assert_eq!(bob.login("bob", GOOD_PASSWORD).await.status, 303);
    let page = bob.get(&authorize_path(&[])).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("client-logo") && !page.body.contains("client-policy"));
    assert!(page.body.contains("href=\"https://wiki.example.com/terms\""));
    assert_eq!(page.header("content-security-policy"), Some(site_wide));
    assert!(page.body.contains("You are signed in as bob."), "{}", page.body);
}

#[tokio::test]
async fn not_you_signs_out_and_returns_to_the_same_request_to_sign_in_as_someone_else() {
    let server = TestServer::start().await;
    wiki(&server).await;
    let alice = person(&server, "alice", "Alice Liddell").await;
    let bob = person(&server, "bob", "Bob Baker").await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let consent = browser.get(&authorize_path(&[])).await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    let request = consent.input("request").expect("the request");

    // No CSRF token: refused, nobody signed out.
    let forged = browser
        .post("/authorize/switch", &[("request", request.as_str())])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(server.session_count(&alice).await, 1);
    // An unknown request signs nobody out.
    let unknown = browser
        .post("/authorize/switch", &[("csrf", &consent.csrf()), ("request", "nope")])
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert_eq!(server.session_count(&alice).await, 1);

    let switched = browser
        .post("/authorize/switch", &[("csrf", &consent.csrf()), ("request", &request)])
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    let resume = format!("/authorize/resume?request={request}");
    let to_login = switched.location().expect("to sign in");
    assert_eq!(
        to_login,
        format!("/login?return_to={}", crate::oidc::common::encode(&resume))
    );
    assert_eq!(server.session_count(&alice).await, 0, "signed out server-side");
    assert!(
        server
            .audit_kinds(Some(&alice))
            .await
            .contains(&("session.signed_out".into(), "success".into())),
        "audited"
    );
    assert_eq!(browser.get("/account").await.status, 303, "the browser is signed out");

    // Bob signs in on the page it was sent to and is back at the same request, asked for himself.
    let form = browser.get(&to_login).await;
    assert_eq!(form.input("return_to").as_deref(), Some(resume.as_str()));
    let signed_in = browser
        .post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "bob"),
                ("password", GOOD_PASSWORD),
                ("return_to", &resume),
            ],
        )
        .await;
    assert_eq!(signed_in.location().as_deref(), Some(resume.as_str()));
    let again = browser.get(&resume).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(again.body.contains("You are signed in as Bob Baker (bob)."));
    assert_eq!(
        again.input("request").as_deref(),
        Some(request.as_str()),
        "the same request"
    );
    let allowed = browser
        .post(
            "/authorize/consent",
            &[("csrf", &again.csrf()), ("request", &request), ("decision", "allow")],
        )
        .await;
    let back = allowed.location().expect("back to the client");
    assert!(back.starts_with(REDIRECT), "{back}");
    assert_eq!(param(&back, "state").as_deref(), Some("s1"));
    let code = param(&back, "code").expect("a code");
    let (status, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = tokens["id_token"].as_str().unwrap();
    let payload = id_token.split('.').nth(1).unwrap();
    use base64::Engine;
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], bob.id.as_str(), "issued to the one who signed in");
}

#[tokio::test]
async fn a_consent_page_from_before_a_change_of_account_decides_nothing() {
    let server = TestServer::start().await;
    wiki(&server).await;
    person(&server, "alice", "Alice Liddell").await;
    server.add_user("bob", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let consent = browser.get(&authorize_path(&[])).await;
    let request = consent.input("request").unwrap();
    // Meanwhile, in another tab: signed out, and in as bob. The page shown to alice cannot decide for bob: its
    // form token belonged to her session.
    assert_eq!(browser.submit("/account", "/logout", &[]).await.status, 303);
    assert_eq!(browser.login("bob", GOOD_PASSWORD).await.status, 303);
    for path in ["/authorize/consent", "/authorize/switch"] {
        let stale = browser
            .post(
                path,
                &[("csrf", &consent.csrf()), ("request", &request), ("decision", "allow")],
            )
            .await;
        assert_eq!(stale.status, 403, "{path}");
    }
    let bob = server.user("bob").await;
    assert!(server.state().store.consent(&bob.id, "spa").await.unwrap().is_none());
    assert_eq!(server.session_count(&bob).await, 1, "still signed in");
    let again = browser.get(&format!("/authorize/resume?request={request}")).await;
    assert!(again.body.contains("You are signed in as bob."), "{}", again.body);
}

#[tokio::test]
async fn refusals_name_the_client_and_show_the_refused_address_without_going_there() {
    let server = TestServer::start().await;
    wiki(&server).await;
    let browser = server.browser();
    let evil = "https://evil.example/cb?x=<script>alert(1)</script>";
    let page = browser.get(&authorize_path(&[("redirect_uri", evil)])).await;
    assert_eq!(page.status, 400);
    assert!(page.location().is_none(), "never a redirect");
    assert!(
        page.body.contains("Application: Team &lt;Wiki&gt; (spa)"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("asked to send you back to this address, which is not registered for it")
    );
    assert!(page.body.contains("id=\"refused-address\">https:"), "{}", page.body);
    assert!(page.body.contains("evil.example") && page.body.contains("&lt;script&gt;"));
    assert!(!page.body.contains("<script>") && !page.body.contains("href=\"https://evil"));
    assert!(page.body.contains("Nothing was sent there."));

    // A long address is shown cut; a missing one and an unknown client are said so.
    let long = format!("https://evil.example/{}", "a".repeat(3000));
    let page = browser.get(&authorize_path(&[("redirect_uri", &long)])).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains(&format!("{}…", &long[..512])) && !page.body.contains(&long[..600]));
    let page = browser.get(&authorize_path(&[("redirect_uri", "")])).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Team &lt;Wiki&gt; (spa)") && page.body.contains("did not say where to send you back"));
    let page = browser.get(&authorize_path(&[("client_id", "ghost")])).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Application: ghost") && page.body.contains("is not registered"));
    assert!(!page.body.contains("refused-address"));
    let page = browser.get(&authorize_path(&[("client_id", "")])).await;
    assert!(page.status == 400 && page.body.contains("does not say which application"));
}

#[tokio::test]
async fn consent_and_refusals_speak_german() {
    let server = TestServer::start().await;
    wiki(&server).await;
    person(&server, "alice", "Alice Liddell").await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let page = get_in_german(&browser, &server.url(&authorize_path(&[]))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<html lang=\"de\">"));
    assert_eq!(page.header("content-language").as_deref(), Some("de"));
    for german in [
        "Zugriff erlauben?",
        "Die Anwendung Team &lt;Wiki&gt; (spa) möchte Sie anmelden",
        "Ihre E-Mail-Adresse",
        "Datenschutzerklärung von Team &lt;Wiki&gt; (spa)",
        "Sie sind angemeldet als Alice Liddell (alice).",
        "Nicht Sie?",
        ">Erlauben<",
        ">Ablehnen<",
    ] {
        assert!(page.body.contains(german), "{german}: {}", page.body);
    }
    let refused = get_in_german(
        &browser,
        &server.url(&authorize_path(&[("redirect_uri", "https://evil.example/cb")])),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("<html lang=\"de\">"));
    assert!(
        refused.body.contains("Anwendung: Team &lt;Wiki&gt; (spa)"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("die für diese Anwendung nicht registriert ist"));
    assert!(refused.body.contains("Es wurde nichts dorthin gesendet.") && refused.body.contains("Zur Startseite"));
}
