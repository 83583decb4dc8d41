//! What the OpenID Provider tests share: a registered client, the PKCE pair, following a sign-in to the code,
//! redeeming it, and asking userinfo.
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use serde_json::Value;

pub(crate) const REDIRECT: &str = "http://127.0.0.1:9/callback";

// base64url(sha256(VERIFIER)), computed with Python's hashlib.
pub(crate) const CHALLENGE: &str = "30OElLd_2t-qRTeHhvU5JWdxwD0xvF_edSl1ShH_BpY";
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K2sd4XqZ3Xa6hgCUsQnMZCy4nY";

pub(crate) async fn client(server: &TestServer, id: &str, public: bool, trusted: bool) -> Option<String> {
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: id.into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![],
            public,
            auth_method: None,
            grants: vec![],
            trusted,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    secret
}

fn query(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

pub(crate) fn param(location: &str, name: &str) -> Option<String> {
    query(location).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Follows redirects inside Gatehouse (signing in on the way) until one leaves for the client.
pub(crate) async fn authorize(server: &TestServer, browser: &Browser, url: &str, username: &str) -> String {
    let mut location = url.to_string();
    for _ in 0..10 {
        if location.starts_with(REDIRECT) {
            return location;
        }
        let page = browser.get(&location).await;
        match page.location() {
            Some(next) if next.starts_with("/login") => {
                let form = browser.get(&next).await;
                let return_to = form.input("return_to").expect("login keeps the return address");
                let done = browser
                    .post(
                        "/login",
                        &[
                            ("csrf", &form.csrf()),
                            ("username", username),
                            ("password", GOOD_PASSWORD),
                            ("return_to", &return_to),
                        ],
                    )
                    .await;
                location = done.location().expect("signed in");
            }
            Some(next) => location = if next.starts_with('/') { server.url(&next) } else { next },
            None => panic!("no redirect from {location}: {} {}", page.status, page.body),
        }
    }
    panic!("too many redirects");
}

pub(crate) async fn code_for(server: &TestServer, browser: &Browser, extra: &[(&str, &str)], username: &str) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "spa"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    // Extra parameters replace the defaults (a repeated parameter is rightly refused).
    for (key, value) in extra {
        params.retain(|(k, _)| k != key);
        params.push((key, value));
    }
    let url = format!(
        "{}/authorize?{}",
        server.base,
        serde_urlencoded::to_string(&params).unwrap()
    );
    let back = authorize(server, browser, &url, username).await;
    param(&back, "code").unwrap_or_else(|| panic!("no code: {back}"))
}

pub(crate) async fn redeem(server: &TestServer, code: &str, verifier: Option<&str>) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", "spa"),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    let response = reqwest::Client::new()
        .post(server.url("/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

pub(crate) fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub(crate) async fn userinfo_status(server: &TestServer, access_token: &str) -> u16 {
    reqwest::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
