//! Resource indicators (RFC 8707): `resource` at `/authorize`, `/par` and `/token` must be an absolute URI without
//! a fragment that the client was allowed (`invalid_target` otherwise, at the redirect URI or as JSON); the access
//! token's only audience is then that resource — introspection shows it, our own userinfo refuses it — and a code
//! or refresh family that named one gives tokens for it alone.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, client, code_for, param};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, ClientChanges, NewClient};
use serde_json::Value;

const API: &str = "https://api.example.com/";
const OTHER: &str = "https://other.example.com/";

async fn post(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn aud(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["aud"].clone()
}

async fn allow(server: &TestServer, client_id: &str, resources: &[&str]) -> gatehouse::core::Result<()> {
    let state = server.state();
    let changes = ClientChanges {
        allowed_resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        ..Default::default()
    };
    clients::update(
        state.store.as_ref(),
        state.clock.now(),
        &Origin::cli(),
        client_id,
        changes,
    )
    .await
    .map(|_| ())
}

async fn redeem(server: &TestServer, code: &str, resource: Option<&str>) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", "spa"),
        ("code_verifier", VERIFIER),
    ];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    post(server, "/token", &form).await
}

/// Where `/authorize` with `extra` sends the browser (already signed in or not): the error it names, if any.
async fn authorize_error(server: &TestServer, extra: &[(&str, &str)]) -> Option<String> {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", "spa"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    let url = format!("/authorize?{}", serde_urlencoded::to_string(&params).unwrap());
    let page = server.browser().get(&url).await;
    let location = page.location().expect("a redirect");
    // Gatehouse's own sign-in page: the request was accepted.
    if location.starts_with('/') {
        return None;
    }
    param(&location, "error")
}

#[tokio::test]
async fn a_token_for_a_resource_has_it_as_its_only_audience() {
    let server = TestServer::start().await;
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    allow(&server, "spa", &[API]).await.unwrap();
    let browser = server.browser();

    let code = code_for(&server, &browser, &[("resource", API)], "olga").await;
    let (status, body) = redeem(&server, &code, None).await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(aud(access), API);
    // Introspection shows the audience; our own userinfo is not that resource.
    let (_, introspected) = post(&server, "/introspect", &[("token", access), ("client_id", "spa")]).await;
    assert_eq!(
        (introspected["active"].clone(), introspected["aud"].clone()),
        (true.into(), API.into())
    );
    let status = reqwest::Client::new()
        .get(server.url("/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401);

    // The refresh family is for that resource: its tokens too, and no other.
    let refresh = body["refresh_token"].as_str().unwrap();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh),
        ("client_id", "spa"),
    ];
    let mut other = form.to_vec();
    other.push(("resource", OTHER));
    let (status, refused) = post(&server, "/token", &other).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_target")),
        "{refused}"
    );
    let (status, renewed) = post(&server, "/token", &form).await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(aud(renewed["access_token"].as_str().unwrap()), API);

    // A code for one resource does not give a token for another.
    let code = code_for(&server, &browser, &[("resource", API)], "olga").await;
    let (status, refused) = redeem(&server, &code, Some(OTHER)).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_target")));
    // A code without one: the token request may name an allowed resource, not another.
    let code = code_for(&server, &browser, &[], "olga").await;
    let (_, refused) = redeem(&server, &code, Some(OTHER)).await;
    assert_eq!(refused["error"], "invalid_target");
    let code = code_for(&server, &browser, &[], "olga").await;
    let (status, body) = redeem(&server, &code, Some(API)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(aud(body["access_token"].as_str().unwrap()), API);
    // Without any resource, the audience stays the issuer and userinfo takes the token.
    let code = code_for(&server, &browser, &[], "olga").await;
    let (_, body) = redeem(&server, &code, None).await;
    assert_eq!(aud(body["access_token"].as_str().unwrap()), server.base.as_str());
}

#[tokio::test]
async fn a_malformed_or_unallowed_resource_is_invalid_target() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    allow(&server, "spa", &[API]).await.unwrap();
    for resource in ["https://api.example.com/#part", "/relative", "api.example.com", OTHER] {
        assert_eq!(
            authorize_error(&server, &[("resource", resource)]).await.as_deref(),
            Some("invalid_target"),
            "{resource}"
        );
    }
    assert_eq!(authorize_error(&server, &[("resource", API)]).await, None);
    // At /par: a JSON verdict, nothing kept.
    let (status, body) = post(
        &server,
        "/par",
        &[
            ("response_type", "code"),
            ("client_id", "spa"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("resource", OTHER),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_target")),
        "{body}"
    );
    // A client allowed nothing may ask for nothing; a list with a fragment is not stored.
    allow(&server, "spa", &[]).await.unwrap();
    assert_eq!(
        authorize_error(&server, &[("resource", API)]).await.as_deref(),
        Some("invalid_target")
    );
    let refused = allow(&server, "spa", &["https://api.example.com/#x"]).await;
    assert!(refused.unwrap_err().to_string().contains("allowed_resources"));
}

#[tokio::test]
async fn a_service_account_names_its_resource() {
    let server = TestServer::start().await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "reports".into(),
            grants: vec!["client_credentials".into()],
            auth_method: Some("client_secret_post".into()),
            allowed_resources: vec![API.into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let secret = secret.unwrap();
    let ask = |resource: &'static str| {
        let secret = secret.clone();
        let server = &server;
        async move {
            post(
                server,
                "/token",
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", "reports"),
                    ("client_secret", &secret),
                    ("resource", resource),
                ],
            )
            .await
        }
    };
    let (status, body) = ask(API).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(aud(body["access_token"].as_str().unwrap()), API);
    let (status, body) = ask(OTHER).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_target")));
}
