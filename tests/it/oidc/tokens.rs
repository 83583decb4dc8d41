//! The token lifecycle after the code: refresh tokens (rotation, reuse, lifetime), revocation, introspection,
//! client credentials, and forged access tokens.
use crate::common::*;
use crate::oidc::common::{REDIRECT, VERIFIER, client, code_for, redeem, userinfo_status};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use serde_json::Value;

async fn token_call(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn refresh(server: &TestServer, token: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", "spa"),
    ];
    form.extend_from_slice(extra);
    token_call(server, "/token", &form).await
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_its_family() {
    let server = TestServer::start().await;
    server.add_user("vera", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let code = code_for(&server, &browser, &[("scope", "openid email profile")], "vera").await;
    let (status, first) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{first}");
    let r1 = first["refresh_token"].as_str().expect("a refresh token").to_string();

    let (status, second) = refresh(&server, &r1, &[]).await;
    assert_eq!(status, 200, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2, "rotated");
    assert!(second["id_token"].is_string());
    let a2 = second["access_token"].as_str().unwrap().to_string();
    assert_eq!(userinfo_status(&server, &a2).await, 200);

    // Narrowing the scope is allowed, widening is not.
    let (status, narrow) = refresh(&server, &r2, &[("scope", "openid")]).await;
    assert_eq!((status, narrow["scope"].as_str()), (200, Some("openid")));
    let r3 = narrow["refresh_token"].as_str().unwrap().to_string();
    let (status, wide) = refresh(&server, &r3, &[("scope", "openid email roles")]).await;
    assert_eq!((status, wide["error"].as_str()), (400, Some("invalid_scope")));

    // r1 was rotated away: using it again is theft; the whole family goes, access tokens included.
    let (status, reused) = refresh(&server, &r1, &[]).await;
    assert_eq!((status, reused["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(
        refresh(&server, &r3, &[]).await.0,
        400,
        "the newest refresh token of the family is revoked too"
    );
    assert_eq!(userinfo_status(&server, &a2).await, 401, "and so are its access tokens");
    let vera = server.user("vera").await;
    assert!(
        server
            .audit_kinds(None)
            .await
            .contains(&("oidc.refresh_token_reused".into(), "denied".into()))
    );
    let _ = vera;

    // A family ends 30 days after the sign-in, however often it is refreshed (an offline_access family: any
    // other ends with its browser sign-in long before).
    let code = code_for(&server, &browser, &[("scope", "openid offline_access")], "vera").await;
    let (_, fresh) = redeem(&server, &code, Some(VERIFIER)).await;
    let token = fresh["refresh_token"].as_str().unwrap().to_string();
    server.clock.advance(Duration::days(29));
    let (status, later) = refresh(&server, &token, &[]).await;
    assert_eq!(status, 200);
    server.clock.advance(Duration::days(2));
    assert_eq!(
        refresh(&server, later["refresh_token"].as_str().unwrap(), &[]).await.0,
        400
    );
}

/// One refresh token presented by several requests at once: one rotation wins, and every other is a reuse — the
/// token is used up in the commit of the winner's tokens, and a request that loses that race revokes the family,
/// the winner's new tokens included.
#[tokio::test]
async fn concurrent_uses_of_one_refresh_token_let_one_win_and_revoke_the_family() {
    let server = TestServer::start().await;
    server.add_user("wren", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let browser = server.browser();
    let code = code_for(&server, &browser, &[("scope", "openid")], "wren").await;
    let (status, first) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{first}");
    let token = first["refresh_token"].as_str().expect("a refresh token").to_string();

    let answers = futures_util::future::join_all((0..6).map(|_| refresh(&server, &token, &[]))).await;
    let winners: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 200).map(|(_, b)| b).collect();
    assert_eq!(winners.len(), 1, "one rotation wins: {answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(
            (*status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "{body}"
        );
    }
    let next = winners[0]["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(&server, next, &[]).await.0,
        400,
        "the losers' reuse revoked the family, the winner's new token included"
    );
    let access = winners[0]["access_token"].as_str().unwrap();
    assert_eq!(userinfo_status(&server, access).await, 401, "and its access token");
}

#[tokio::test]
async fn revocation_and_introspection() {
    let server = TestServer::start().await;
    server.add_user("walt", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let other_secret = client(&server, "other", false, true).await.unwrap();
    let browser = server.browser();
    let code = code_for(&server, &browser, &[("scope", "openid email")], "walt").await;
    let (_, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_string();
    let walt = server.user("walt").await;

    let (status, info) = token_call(&server, "/introspect", &[("token", &access), ("client_id", "spa")]).await;
    assert_eq!(status, 200);
    assert_eq!(info["active"], true);
    assert_eq!(info["sub"], walt.id.as_str());
    assert_eq!(info["scope"], "openid email");
    let (_, info) = token_call(
        &server,
        "/introspect",
        &[("token", &refresh_token), ("client_id", "spa")],
    )
    .await;
    assert_eq!(
        (info["active"].as_bool(), info["token_type"].as_str()),
        (Some(true), Some("refresh_token"))
    );
    // Another client learns nothing about this client's tokens.
    let (_, info) = token_call(
        &server,
        "/introspect",
        &[("token", &access), ("client_id", "other"), ("client_secret", "wrong")],
    )
    .await;
    assert_eq!(info["error"], "invalid_client");
    let (_, info) = token_call(
        &server,
        "/introspect",
        &[
            ("token", &access),
            ("client_id", "other"),
            ("client_secret", &other_secret),
        ],
    )
    .await;
    assert_eq!(
        info["error"], "invalid_client",
        "client_secret_basic is registered: a secret in the form is refused"
    );
    let basic = reqwest::Client::new()
        .post(server.url("/introspect"))
        .basic_auth("other", Some(&other_secret))
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        basic.json::<Value>().await.unwrap(),
        serde_json::json!({ "active": false })
    );
    let (_, info) = token_call(&server, "/introspect", &[("token", "garbage"), ("client_id", "spa")]).await;
    assert_eq!(info, serde_json::json!({ "active": false }));

    // Revoking the access token ends it; the refresh token still works until it is revoked (with its family).
    let (status, _) = token_call(&server, "/revoke", &[("token", &access), ("client_id", "spa")]).await;
    assert_eq!(status, 200);
    assert_eq!(userinfo_status(&server, &access).await, 401);
    assert_eq!(
        token_call(&server, "/introspect", &[("token", &access), ("client_id", "spa")])
            .await
            .1["active"],
        false
    );
    let (status, _) = token_call(
        &server,
        "/revoke",
        &[
            ("token", &refresh_token),
            ("client_id", "spa"),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(refresh(&server, &refresh_token, &[]).await.0, 400);
    // Unknown tokens: the same answer, nothing changes.
    assert_eq!(
        token_call(&server, "/revoke", &[("token", "unknown"), ("client_id", "spa")])
            .await
            .0,
        200
    );
    assert_eq!(
        token_call(&server, "/revoke", &[("client_id", "spa")]).await.1["error"],
        "invalid_request"
    );

    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["grant_types_supported"],
        serde_json::json!([
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code"
        ])
    );
    assert_eq!(discovery["revocation_endpoint"], format!("{}/revoke", server.base));
}

#[tokio::test]
async fn client_credentials_for_service_accounts() {
    let server = TestServer::start().await;
    let store = server.state().store.as_ref();
    let now = server.state().clock.now();
    let service = |id: &str, public: bool, grants: Vec<String>| NewClient {
        client_id: id.into(),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec![],
        public,
        auth_method: None,
        grants,
        trusted: true,
        ..Default::default()
    };
    let (_, secret) = clients::register(
        store,
        now,
        &Origin::cli(),
        service("batch", false, vec!["client_credentials".into()]),
    )
    .await
    .unwrap();
    let secret = secret.unwrap();
    let refused = clients::register(
        store,
        now,
        &Origin::cli(),
        service("pub", true, vec!["client_credentials".into()]),
    )
    .await;
    assert!(refused.unwrap_err().to_string().contains("confidential"));
    let (_, web_secret) = clients::register(store, now, &Origin::cli(), service("web", false, vec![]))
        .await
        .unwrap();

    let call = |id: &'static str, secret: String, scope: &'static str| {
        let url = server.url("/token");
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .basic_auth(id, Some(secret))
                .form(&[("grant_type", "client_credentials"), ("scope", scope)])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = call("batch", secret.clone(), "reports:read").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["id_token"].is_null() && body["refresh_token"].is_null(),
        "no user: no ID token, no refresh token"
    );
    assert_eq!(body["scope"], "reports:read");
    let token = body["access_token"].as_str().unwrap().to_string();

    let (status, body) = call("batch", secret.clone(), "openid email").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope")),
        "user scopes need a user"
    );
    let (status, body) = call("web", web_secret.unwrap(), "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client")),
        "only clients registered for it"
    );

    assert_eq!(
        userinfo_status(&server, &token).await,
        401,
        "a service token names no user"
    );
    let info = reqwest::Client::new()
        .post(server.url("/introspect"))
        .basic_auth("batch", Some(&secret))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        (info["active"].as_bool(), info["sub"].as_str()),
        (Some(true), Some("batch"))
    );

    // Client authentication reads clients through a short per-instance cache: a secret rotated elsewhere (the
    // command line, another instance) replaces the old one within its lifetime, and a client registered right
    // after a failed attempt works at once (unknown ids are not cached).
    let (status, _) = call("late", "nothing-yet".into(), "").await;
    assert_eq!(status, 401);
    let (_, late_secret) = clients::register(
        store,
        now,
        &Origin::cli(),
        service("late", false, vec!["client_credentials".into()]),
    )
    .await
    .unwrap();
    assert_eq!(call("late", late_secret.unwrap(), "").await.0, 200);
    let rotated = clients::rotate_secret(store, now, &Origin::cli(), "batch")
        .await
        .unwrap();
    tokio::time::sleep(gatehouse::protocols::oidc::client_cache::TTL + std::time::Duration::from_millis(200)).await;
    assert_eq!(call("batch", secret.clone(), "").await.0, 401, "the old secret is gone");
    assert_eq!(call("batch", rotated, "").await.0, 200);
}

#[tokio::test]
async fn forged_access_tokens_are_refused() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let server = TestServer::start().await;
    server.add_user("xena", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let code = code_for(&server, &server.browser(), &[("scope", "openid email")], "xena").await;
    let (_, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    let genuine = tokens["access_token"].as_str().unwrap().to_string();
    assert_eq!(userinfo_status(&server, &genuine).await, 200);

    let mut parts = genuine.split('.');
    let header: Value = serde_json::from_slice(&b64.decode(parts.next().unwrap()).unwrap()).unwrap();
    let claims = parts.next().unwrap().to_string();
    let kid = header["kid"].as_str().unwrap().to_string();

    // alg=none, with and without a signature part.
    let none = b64.encode(serde_json::json!({ "alg": "none", "typ": "at+jwt", "kid": kid }).to_string());
    assert_eq!(userinfo_status(&server, &format!("{none}.{claims}.")).await, 401);
    assert_eq!(userinfo_status(&server, &format!("{none}.{claims}")).await, 401);
    // Algorithm confusion: HS256 keyed with our published public key.
    let jwks: Value = reqwest::get(server.url("/jwks")).await.unwrap().json().await.unwrap();
    let claims_json: Value = serde_json::from_slice(&b64.decode(&claims).unwrap()).unwrap();
    let ours = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the signing key is published")
        .clone();
    for secret in [
        jwks.to_string(),
        ours.to_string(),
        ours["x"].as_str().unwrap().to_string(),
    ] {
        let mut hs = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        hs.typ = Some("at+jwt".into());
        hs.kid = Some(kid.clone());
        let forged = jsonwebtoken::encode(
            &hs,
            &claims_json,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap();
        assert_eq!(userinfo_status(&server, &forged).await, 401);
    }
    // A genuine signature over altered claims.
    let mut altered = claims_json.clone();
    altered["scope"] = "openid email roles".into();
    let tampered = format!(
        "{}.{}.{}",
        genuine.split('.').next().unwrap(),
        b64.encode(altered.to_string()),
        genuine.split('.').nth(2).unwrap()
    );
    assert_eq!(userinfo_status(&server, &tampered).await, 401);
    // An ID token is not an access token.
    assert_eq!(
        userinfo_status(&server, tokens["id_token"].as_str().unwrap()).await,
        401
    );
}
