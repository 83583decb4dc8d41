//! Pushed Authorization Requests (RFC 9126): `/par` authenticates clients as `/token` does and judges the request
//! as `/authorize` would (JSON errors, nothing stored); the `request_uri` is taken once — a second, a concurrent,
//! a late or another client's use is refused on Gatehouse's page — and a client (or every client) can be made to
//! push. The RP side of the happy path is the `openidconnect` crate.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, authorize, client, param, redeem};
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, ClientChanges};
use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::{AuthorizationCode, ClientId, ClientSecret, IssuerUrl, PkceCodeVerifier, RedirectUrl};
use serde_json::Value;

const PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The authorization parameters of the usual PKCE request of the public client `spa`.
fn request(client_id: &str) -> Vec<(&str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", client_id.into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "openid email".into()),
        ("state", "st-1".into()),
        ("nonce", "n-1".into()),
        ("code_challenge", CHALLENGE.into()),
        ("code_challenge_method", "S256".into()),
    ]
}

/// POSTs `form` to `/par`, with Basic credentials when given; status, `Cache-Control` and JSON body.
async fn push(
    server: &TestServer,
    basic: Option<(&str, &str)>,
    form: &[(&str, String)],
) -> (u16, Option<String>, Value) {
    let mut call = reqwest::Client::new().post(server.url("/par")).form(form);
    if let Some((id, secret)) = basic {
        call = call.basic_auth(id, Some(secret));
    }
    let response = call.send().await.unwrap();
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_string());
    (status, cache, response.json().await.unwrap_or(Value::Null))
}

async fn pushed_uri(server: &TestServer, basic: Option<(&str, &str)>, form: &[(&str, String)]) -> String {
    let (status, _, body) = push(server, basic, form).await;
    assert_eq!(status, 201, "{body}");
    body["request_uri"].as_str().unwrap().to_string()
}

fn authorize_url(server: &TestServer, client_id: &str, request_uri: &str) -> String {
    format!(
        "{}/authorize?{}",
        server.base,
        serde_urlencoded::to_string([("client_id", client_id), ("request_uri", request_uri)]).unwrap()
    )
}

/// The pushed requests in the database, as rows.
async fn stored(server: &TestServer) -> usize {
    use sea_orm::{ConnectionTrait, Statement};
    let db = sea_orm::Database::connect(&server.db.as_ref().unwrap().url)
        .await
        .unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT uri_hash FROM pushed_authorization_requests",
        ))
        .await
        .unwrap();
    rows.len()
}

#[tokio::test]
async fn a_pushed_request_leads_to_tokens_with_pkce() {
    let server = TestServer::start().await;
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    let secret = client(&server, "webapp", false, true).await.unwrap();
    let http = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata = CoreProviderMetadata::discover_async(IssuerUrl::new(server.base.clone()).unwrap(), &http)
        .await
        .expect("discovery");
    let mut form = request("webapp");
    form.retain(|(k, _)| *k != "client_id");
    let (status, cache, body) = push(&server, Some(("webapp", &secret)), &form).await;
    assert_eq!((status, cache.as_deref()), (201, Some("no-store")), "{body}");
    assert_eq!(body["expires_in"], 60);
    let request_uri = body["request_uri"].as_str().unwrap();
    let reference = request_uri.strip_prefix(PREFIX).expect("the RFC 9126 prefix");
    assert!(reference.len() >= 43, "at least 256 bits, base64url");
    assert_eq!(stored(&server).await, 1);

    // Parameters beside client_id and request_uri are ignored (RFC 9126 §4): the pushed ones count.
    let url = format!(
        "{}&redirect_uri=https%3A%2F%2Fevil.example%2F&state=forged",
        authorize_url(&server, "webapp", request_uri)
    );
    let browser = server.browser();
    let back = authorize(&server, &browser, &url, "olga").await;
    assert_eq!(param(&back, "state").as_deref(), Some("st-1"));
    let code = param(&back, "code").expect("a code");

    let rp = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("webapp".into()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap());
    let tokens = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new(VERIFIER.into()))
        .request_async(&http)
        .await
        .expect("tokens for the pushed request, with its PKCE verifier");
    assert!(openidconnect::OAuth2TokenResponse::access_token(&tokens).secret().len() > 20);
    let kinds = server.audit_kinds(None).await;
    assert!(
        kinds.contains(&("oidc.pushed_request".into(), "success".into())),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_request_uri_is_used_once_and_only_by_its_client_in_time() {
    let server = TestServer::start().await;
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    client(&server, "other", true, true).await;

    let request_uri = pushed_uri(&server, None, &request("spa")).await;
    // Another client's id neither uses it nor spends it.
    let page = server
        .browser()
        .get(&authorize_url(&server, "other", &request_uri))
        .await;
    assert_eq!(page.status, 400);
    assert!(page.location().is_none(), "never a redirect");
    assert!(page.body.contains("already used"), "{}", page.body);

    let browser = server.browser();
    let back = authorize(&server, &browser, &authorize_url(&server, "spa", &request_uri), "olga").await;
    let code = param(&back, "code").expect("a code");
    assert_eq!(redeem(&server, &code, Some(VERIFIER)).await.0, 200);
    let again = browser.get(&authorize_url(&server, "spa", &request_uri)).await;
    assert_eq!((again.status, again.location()), (400, None), "a second use is refused");

    // Expired after 60 s.
    let late = pushed_uri(&server, None, &request("spa")).await;
    server.clock.advance(chrono::Duration::seconds(61));
    let page = browser.get(&authorize_url(&server, "spa", &late)).await;
    assert_eq!(
        (page.status, page.location()),
        (400, None),
        "an expired request_uri is refused"
    );

    // Never pushed.
    for bogus in [format!("{PREFIX}nope"), format!("{PREFIX}{}", "a".repeat(4000))] {
        let page = browser.get(&authorize_url(&server, "spa", &bogus)).await;
        assert_eq!((page.status, page.location()), (400, None), "{bogus}");
    }
    let kinds = server.audit_kinds(None).await;
    assert!(
        kinds.contains(&("oidc.pushed_request".into(), "failure".into())),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn of_twenty_concurrent_uses_one_wins() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    let request_uri = pushed_uri(&server, None, &request("spa")).await;
    let url = authorize_url(&server, "spa", &request_uri);
    let uses = (0..20).map(|_| {
        let url = url.clone();
        let browser = server.browser();
        async move { browser.get(&url).await }
    });
    let pages = futures_util::future::join_all(uses).await;
    // The winner goes on to sign in; every other use gets the error page.
    let winners = pages.iter().filter(|p| p.status == 303).count();
    let refused = pages.iter().filter(|p| p.status == 400).count();
    assert_eq!((winners, refused), (1, 19));
}

#[tokio::test]
async fn par_authenticates_clients_as_the_token_endpoint_does() {
    let server = TestServer::start().await;
    let secret = client(&server, "webapp", false, false).await.unwrap();
    let mut form = request("webapp");
    let (status, _, body) = push(&server, None, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "no credentials"
    );
    let (status, _, body) = push(&server, Some(("webapp", "wrong")), &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "a wrong secret"
    );
    form.push(("client_secret", secret.clone()));
    let (status, _, body) = push(&server, None, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "client_secret_post for a client_secret_basic client"
    );
    form.pop();
    let (status, _, body) = push(&server, Some(("webapp", &secret)), &form).await;
    assert_eq!(status, 201, "{body}");
    // A client_id naming someone else in the body.
    let mut other = request("spa");
    other.retain(|(k, _)| *k != "nonce");
    let (status, _, body) = push(&server, Some(("webapp", &secret)), &other).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    assert_eq!(stored(&server).await, 1, "only the accepted push is stored");
}

#[tokio::test]
async fn par_judges_the_request_as_authorize_does_and_stores_nothing_refused() {
    let server = TestServer::start().await;
    client(&server, "spa", true, true).await;
    let with = |key: &'static str, value: &str| {
        let mut form = request("spa");
        form.retain(|(k, _)| *k != key);
        form.push((key, value.to_string()));
        form
    };
    let without = |key: &'static str| {
        let mut form = request("spa");
        form.retain(|(k, _)| *k != key);
        form
    };
    let cases = [
        (
            "redirect_uri",
            with("redirect_uri", "https://evil.example/cb"),
            "invalid_request",
        ),
        ("no redirect_uri", without("redirect_uri"), "invalid_request"),
        ("no PKCE", without("code_challenge"), "invalid_request"),
        ("plain PKCE", with("code_challenge_method", "plain"), "invalid_request"),
        ("scope", with("scope", "email"), "invalid_scope"),
        (
            "response_type",
            with("response_type", "token"),
            "unsupported_response_type",
        ),
        ("prompt", with("prompt", "none login"), "invalid_request"),
        ("max_age", with("max_age", "-1"), "invalid_request"),
        (
            "request_uri",
            with("request_uri", &format!("{PREFIX}x")),
            "invalid_request",
        ),
        (
            "request object",
            with("request", "eyJhbGciOiJub25lIn0.e30."),
            "request_not_supported",
        ),
    ];
    for (what, form, error) in cases {
        let (status, cache, body) = push(&server, None, &form).await;
        assert_eq!((status, body["error"].as_str()), (400, Some(error)), "{what}: {body}");
        assert_eq!(cache.as_deref(), Some("no-store"));
        assert!(body["error_description"].is_string());
    }
    // Malformed bodies: repeated parameters, bad UTF-8, oversized, another content type.
    let raw = |body: Vec<u8>, content_type: &'static str| {
        reqwest::Client::new()
            .post(server.url("/par"))
            .header("content-type", content_type)
            .body(body)
    };
    let form = "application/x-www-form-urlencoded";
    let repeated = format!("{}&scope=openid", serde_urlencoded::to_string(request("spa")).unwrap());
    let oversized = format!(
        "{}&state={}",
        serde_urlencoded::to_string(request("spa")).unwrap(),
        "a".repeat(100_000)
    );
    for (what, call) in [
        ("repeated", raw(repeated.into_bytes(), form)),
        ("bad UTF-8", raw(b"client_id=spa&state=%FF".to_vec(), form)),
        ("raw bytes", raw(b"client_id=spa&state=\xff\xfe".to_vec(), form)),
        ("oversized", raw(oversized.into_bytes(), form)),
        ("json", raw(b"{\"client_id\":\"spa\"}".to_vec(), "application/json")),
    ] {
        let status = call.send().await.unwrap().status().as_u16();
        assert!((400..500).contains(&status), "{what}: {status}");
    }
    assert_eq!(stored(&server).await, 0, "nothing refused is stored");
    let kinds = server.audit_kinds(None).await;
    assert!(
        kinds.contains(&("oidc.pushed_request".into(), "failure".into())),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_client_that_must_push_is_refused_a_plain_request() {
    let server = TestServer::start().await;
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let store = server.state().store.as_ref();
    let changes = ClientChanges {
        require_par: Some(true),
        ..Default::default()
    };
    let updated = clients::update(store, server.state().clock.now(), &Origin::cli(), "spa", changes)
        .await
        .unwrap();
    assert!(updated.require_par);
    let plain = format!(
        "{}/authorize?{}",
        server.base,
        serde_urlencoded::to_string(request("spa")).unwrap()
    );
    let page = server.browser().get(&plain).await;
    let location = page
        .location()
        .expect("to the client: client and redirect URI are valid");
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_request"));
    assert!(param(&location, "error_description").unwrap().contains("PAR"));

    let request_uri = pushed_uri(&server, None, &request("spa")).await;
    let back = authorize(
        &server,
        &server.browser(),
        &authorize_url(&server, "spa", &request_uri),
        "olga",
    )
    .await;
    assert!(param(&back, "code").is_some(), "the pushed request still works: {back}");
}

#[tokio::test]
async fn the_global_setting_requires_par_of_every_client_and_discovery_says_so() {
    let db = TestDb::new().await;
    let mut server = TestServer::start_with(
        &db.url,
        None,
        &[("GATEHOUSE_REQUIRE_PUSHED_AUTHORIZATION_REQUESTS", "true")],
    )
    .await;
    server.db = Some(db);
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["require_pushed_authorization_requests"], true);
    assert_eq!(
        discovery["pushed_authorization_request_endpoint"],
        format!("{}/par", server.base)
    );
    assert_eq!(discovery["request_uri_parameter_supported"], false);

    let plain = format!(
        "{}/authorize?{}",
        server.base,
        serde_urlencoded::to_string(request("spa")).unwrap()
    );
    let location = server.browser().get(&plain).await.location().unwrap();
    assert_eq!(
        param(&location, "error").as_deref(),
        Some("invalid_request"),
        "{location}"
    );
    let request_uri = pushed_uri(&server, None, &request("spa")).await;
    let back = authorize(
        &server,
        &server.browser(),
        &authorize_url(&server, "spa", &request_uri),
        "olga",
    )
    .await;
    assert!(param(&back, "code").is_some(), "{back}");
}

#[tokio::test]
async fn discovery_advertises_par_but_not_required_by_default() {
    let server = TestServer::start().await;
    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["require_pushed_authorization_requests"], false);
    assert_eq!(
        discovery["pushed_authorization_request_endpoint"],
        format!("{}/par", server.base)
    );
}

#[tokio::test]
async fn a_private_key_jwt_client_pushes_with_each_assertion_once() {
    use crate::oidc::keys::{assertion, client_key};
    use gatehouse::protocols::oidc::clients::NewClient;
    let server = TestServer::start().await;
    let (key, public) = client_key("ES256");
    let kid = public["kid"].as_str().unwrap().to_string();
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "signer".into(),
            redirect_uris: vec![REDIRECT.into()],
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(serde_json::json!({ "keys": [public] }).to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let now = server.state().clock.now().timestamp();
    let jwt = |jti: &str, aud: String| {
        let claims = serde_json::json!({ "iss": "signer", "sub": "signer", "aud": aud, "jti": jti, "exp": now + 60 });
        assertion(&key, jsonwebtoken::Algorithm::ES256, &kid, claims)
    };
    let form = |assertion: String| {
        let mut form = request("signer");
        form.push((
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
        ));
        form.push(("client_assertion", assertion));
        form
    };
    let to_par = jwt("p-1", server.url("/par"));
    assert_eq!(
        push(&server, None, &form(to_par.clone())).await.0,
        201,
        "audience: the PAR endpoint"
    );
    let (status, _, body) = push(&server, None, &form(to_par)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "a replayed assertion"
    );
    let to_issuer = jwt("p-2", server.base.clone());
    assert_eq!(
        push(&server, None, &form(to_issuer)).await.0,
        201,
        "audience: the issuer"
    );
    assert_eq!(stored(&server).await, 2);
}
