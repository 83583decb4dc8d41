//! The installation's look and the language of pages: brand name, colour, stylesheet and logo from the
//! configuration; the language from the switcher's cookie, then `Accept-Language`, then `default_language`.
use crate::common::*;

fn page_lang(body: &str) -> Option<&str> {
    body.split("<html lang=\"").nth(1)?.split('"').next()
}

#[tokio::test]
async fn a_brand_names_colours_styles_and_shows_its_logo() {
    let files = tempfile::tempdir().unwrap();
    let css = files.path().join("brand.css");
    std::fs::write(&css, "header { border-bottom: 2px solid teal; }").unwrap();
    let logo = files.path().join("logo.svg");
    std::fs::write(
        &logo,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
    )
    .unwrap();
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_BRAND_NAME", "Acme Login"),
            ("GATEHOUSE_BRAND_PRIMARY_COLOR", "#0a7c55"),
            ("GATEHOUSE_BRAND_CSS_PATH", css.to_str().unwrap()),
            ("GATEHOUSE_BRAND_LOGO_PATH", logo.to_str().unwrap()),
        ],
    )
    .await;
    let login = server.browser().get("/login").await;
    assert!(login.body.contains("· Acme Login</title>"), "{}", login.body);
    assert!(
        login
            .body
            .contains("<img class=\"logo\" src=\"/brand/logo\" alt=\"Acme Login\">")
    );
    assert!(login.body.contains("href=\"/brand/theme.css\""));
    let theme = server.browser().get("/brand/theme.css").await;
    assert_eq!(theme.header("content-type").as_deref(), Some("text/css; charset=utf-8"));
    assert!(theme.body.contains("--accent: #0a7c55") && theme.body.contains("solid teal"));
    let image = server.browser().get("/brand/logo").await;
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type").as_deref(), Some("image/svg+xml"));
    assert!(
        image
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );

    // Without a brand: the product's own name, no theme, no logo route.
    let plain = TestServer::start().await;
    let login = plain.browser().get("/login").await;
    assert!(login.body.contains("<span class=\"brand\">Gatehouse</span>") && !login.body.contains("theme.css"));
    assert_eq!(plain.browser().get("/brand/logo").await.status, 404);
}

#[tokio::test]
async fn a_logo_elsewhere_is_allowed_by_the_content_security_policy() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        None,
        &[("GATEHOUSE_BRAND_LOGO_URL", "https://cdn.example.com/acme/logo.png")],
    )
    .await;
    let login = server.browser().get("/login").await;
    assert!(login.body.contains("src=\"https://cdn.example.com/acme/logo.png\""));
    let csp = login.header("content-security-policy").unwrap();
    assert!(csp.contains("img-src 'self' data: https://cdn.example.com;"), "{csp}");
}

#[test]
fn brand_settings_that_cannot_work_stop_the_start_with_the_setting_named() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.png");
    std::fs::write(&big, vec![0u8; 600 * 1024]).unwrap();
    let cases: [(&str, &str, &str); 6] = [
        (
            "GATEHOUSE_BRAND_PRIMARY_COLOR",
            "red; } body { display:none",
            "brand_primary_color",
        ),
        ("GATEHOUSE_BRAND_PRIMARY_COLOR", "#12345", "brand_primary_color"),
        ("GATEHOUSE_BRAND_NAME", " ", "brand_name"),
        ("GATEHOUSE_BRAND_CSS_PATH", "/nonexistent/brand.css", "brand_css_path"),
        ("GATEHOUSE_BRAND_LOGO_PATH", big.to_str().unwrap(), "brand_logo_path"),
        ("GATEHOUSE_DEFAULT_LANGUAGE", "fr", "default_language"),
    ];
    for (key, value, named) in cases {
        let env = vec![(key.to_string(), value.to_string())];
        let err = gatehouse::config::Config::load_from(None, &env)
            .expect_err(key)
            .to_string();
        assert!(err.contains(named), "{key}={value}: {err}");
    }
}

#[tokio::test]
async fn the_language_comes_from_the_switcher_then_the_browser_then_the_installation() {
    let server = TestServer::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |accept: Option<&'static str>, cookie: Option<&'static str>| {
        let mut request = client.get(server.url("/login"));
        if let Some(a) = accept {
            request = request.header("accept-language", a);
        }
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        async move {
            let response = request.send().await.unwrap();
            let content_language = response.headers()["content-language"].to_str().unwrap().to_string();
            (content_language, response.text().await.unwrap())
        }
    };
    let (header, body) = get(None, None).await;
    assert_eq!((header.as_str(), page_lang(&body)), ("en", Some("en")));
    let (header, body) = get(Some("de-CH, de;q=0.9, en;q=0.5"), None).await;
    assert_eq!((header.as_str(), page_lang(&body)), ("de", Some("de")));
    assert!(body.contains("hreflang=\"en\""), "the switcher offers English");
    let (header, _) = get(Some("de"), Some("gh_lang=en")).await;
    assert_eq!(header, "en", "the switcher's choice wins over the browser");
    let (header, _) = get(Some("ja, fr;q=0.8"), None).await;
    assert_eq!(header, "en", "a language we do not speak falls back to the default");

    // The switcher: a cookie for a year, and back to the page it was used on.
    let switched = client
        .get(server.url("/language/de"))
        .header("referer", server.url("/password/forgot?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/password/forgot?x=1");
    let cookie = switched.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("gh_lang=de") && cookie.contains("Max-Age=31536000"),
        "{cookie}"
    );
    let elsewhere = client
        .get(server.url("/language/de"))
        .header("referer", "https://evil.example/phish")
        .send()
        .await
        .unwrap();
    assert_eq!(
        elsewhere.headers()["location"],
        "/account",
        "never back to another site"
    );
    assert_eq!(
        client.get(server.url("/language/xx")).send().await.unwrap().status(),
        404
    );

    // An installation that speaks German first.
    let db = TestDb::new().await;
    let german = TestServer::start_with(&db.url, None, &[("GATEHOUSE_DEFAULT_LANGUAGE", "de")]).await;
    let page = german.browser().get("/no-such-page").await;
    assert_eq!(page.status, 404);
    assert_eq!(page_lang(&page.body), Some("de"));
    assert!(
        page.body.contains("Unter dieser Adresse gibt es keine Seite."),
        "{}",
        page.body
    );
}
