//! Signing: each client receives tokens in its registered algorithm (ES256, RS256, EdDSA), verifiable with the
//! published JWKS; rotation publishes the next key before it signs and keeps the replaced one until its tokens
//! have expired; `private_key_jwt` client authentication refuses every forgery and replay.
use crate::common::*;
use crate::oidc::common::userinfo_status;
use crate::oidc::common::{REDIRECT, VERIFIER, code_for, redeem};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use gatehouse::protocols::oidc::keys;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};

async fn register(server: &TestServer, client: NewClient) -> Option<String> {
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        client,
    )
    .await
    .expect("client registered")
    .1
}

fn spa(signing_alg: &str) -> NewClient {
    NewClient {
        client_id: "spa".into(),
        redirect_uris: vec![REDIRECT.into()],
        public: true,
        trusted: true,
        signing_alg: Some(signing_alg.into()),
        ..Default::default()
    }
}

async fn jwks(server: &TestServer) -> Vec<Value> {
    let body: Value = reqwest::get(server.url("/jwks")).await.unwrap().json().await.unwrap();
    body["keys"].as_array().unwrap().clone()
}

/// Verifies `token` against the published JWKS the way a relying party does: by `kid`, with the key's algorithm.
pub(crate) async fn verify(server: &TestServer, token: &str, audience: &str) -> (Header, Value) {
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.clone().expect("a kid");
    let jwk = jwks(server)
        .await
        .into_iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap_or_else(|| panic!("kid {kid} is published"));
    let key = DecodingKey::from_jwk(&serde_json::from_value::<Jwk>(jwk).unwrap()).unwrap();
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[server.base.trim_end_matches('/')]);
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("valid signature and claims")
        .claims;
    (header, claims)
}

#[tokio::test]
async fn each_client_gets_tokens_in_its_algorithm() {
    for alg in ["ES256", "RS256", "EdDSA"] {
        let server = TestServer::start().await;
        server.add_user("ines", Some(GOOD_PASSWORD)).await;
        register(&server, spa(alg)).await;
        let code = code_for(&server, &server.browser(), &[("nonce", "n-1")], "ines").await;
        let (status, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
        assert_eq!(status, 200, "{tokens}");
        let (header, claims) = verify(&server, tokens["id_token"].as_str().unwrap(), "spa").await;
        assert_eq!(header.alg, alg.parse::<Algorithm>().unwrap(), "{alg}");
        assert_eq!(claims["nonce"], "n-1");
        let access = tokens["access_token"].as_str().unwrap();
        assert_eq!(jsonwebtoken::decode_header(access).unwrap().alg, header.alg);
        assert_eq!(userinfo_status(&server, access).await, 200, "{alg} access tokens work");
    }
    let server = TestServer::start().await;
    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["ES256", "RS256", "EdDSA"])
    );
    let published: Vec<String> = jwks(&server)
        .await
        .iter()
        .map(|k| k["alg"].as_str().unwrap().into())
        .collect();
    assert_eq!(published.len(), 3, "one key per algorithm: {published:?}");
    let refused = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        spa("HS256"),
    )
    .await;
    assert!(refused.is_err(), "symmetric algorithms are not offered");
}

#[tokio::test]
async fn rotation_publishes_first_signs_later_and_keeps_the_old_key_until_its_tokens_expire() {
    let server = TestServer::start().await;
    server.add_user("jon", Some(GOOD_PASSWORD)).await;
    register(&server, spa("ES256")).await;
    let browser = server.browser();
    let id_token_kid = |tokens: &Value| {
        jsonwebtoken::decode_header(tokens["id_token"].as_str().unwrap())
            .unwrap()
            .kid
            .unwrap()
    };
    let code = code_for(&server, &browser, &[], "jon").await;
    let (_, before) = redeem(&server, &code, Some(VERIFIER)).await;
    let old_kid = id_token_kid(&before);

    let state = server.state();
    let new = keys::rotate(
        state.store.as_ref(),
        &state.keys.sealer,
        &Origin::cli(),
        "ES256",
        state.clock.now(),
        false,
    )
    .await
    .unwrap();
    server.running.oidc.keys.refresh();
    let published = |keys: &[Value], kid: &str| keys.iter().any(|k| k["kid"] == kid);
    assert!(
        published(&jwks(&server).await, &new.kid),
        "the next key is published at once"
    );
    let code = code_for(&server, &browser, &[], "jon").await;
    let (_, still_old) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(id_token_kid(&still_old), old_kid, "but does not sign before its time");

    server.clock.advance(keys::PUBLISH_AHEAD + Duration::seconds(1));
    let code = code_for(&server, &browser, &[], "jon").await;
    let (_, after) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(id_token_kid(&after), new.kid, "then it signs");
    assert!(published(&jwks(&server).await, &old_kid), "the old key stays published");
    let old_access = still_old["access_token"].as_str().unwrap();
    assert_eq!(
        userinfo_status(&server, old_access).await,
        200,
        "its tokens still verify"
    );

    server.clock.advance(keys::PUBLISH_AFTER);
    assert!(
        !published(&jwks(&server).await, &old_kid),
        "gone once its tokens have expired"
    );
    assert!(published(&jwks(&server).await, &new.kid));
}

/// A client key pair for private_key_jwt: the private key to sign assertions, the public JWK to register.
pub(crate) fn client_key(alg: &str) -> (EncodingKey, Value) {
    let sealer = gatehouse::core::crypto::Sealer::new([9; 32]);
    let now = chrono::Utc::now();
    let key = keys::generate(&sealer, alg, now, now).unwrap();
    let private = sealer
        .open(&key.private_enc, &format!("signing-key:{}", key.kid))
        .unwrap();
    let encoding = match alg {
        "ES256" => EncodingKey::from_ec_der(&private),
        "RS256" => EncodingKey::from_rsa_der(&private),
        _ => EncodingKey::from_ed_der(&private),
    };
    (encoding, key.public_jwk)
}

pub(crate) fn assertion(key: &EncodingKey, alg: Algorithm, kid: &str, claims: Value) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, &claims, key).unwrap()
}

async fn client_credentials(server: &TestServer, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![("grant_type", "client_credentials")];
    form.extend_from_slice(extra);
    let response = reqwest::Client::new()
        .post(server.url("/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn private_key_jwt_accepts_each_assertion_once_and_refuses_forgeries() {
    let server = TestServer::start().await;
    let (key, public) = client_key("ES256");
    let kid = public["kid"].as_str().unwrap().to_string();
    let secret = register(
        &server,
        NewClient {
            client_id: "batch".into(),
            redirect_uris: vec![REDIRECT.into()],
            auth_method: Some("private_key_jwt".into()),
            jwks: Some(json!({ "keys": [public] }).to_string()),
            grants: vec!["client_credentials".into()],
            ..Default::default()
        },
    )
    .await;
    assert!(secret.is_none(), "no secret for a private_key_jwt client");
    let issuer = server.base.trim_end_matches('/').to_string();
    let now = server.state().clock.now().timestamp();
    let claims = |jti: &str, aud: &str, exp: i64| json!({ "iss": "batch", "sub": "batch", "aud": aud, "jti": jti, "exp": exp, "iat": now });
    let jwt_type = (
        "client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    let token_endpoint = format!("{issuer}/token");

    let good = assertion(&key, Algorithm::ES256, &kid, claims("a-1", &token_endpoint, now + 60));
    let (status, body) = client_credentials(&server, &[jwt_type, ("client_assertion", &good)]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    let (status, body) = client_credentials(&server, &[jwt_type, ("client_assertion", &good)]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "a replayed assertion"
    );
    let issuer_aud = assertion(&key, Algorithm::ES256, &kid, claims("a-2", &issuer, now + 60));
    assert_eq!(
        client_credentials(&server, &[jwt_type, ("client_assertion", &issuer_aud)])
            .await
            .0,
        200,
        "the issuer is an accepted audience too"
    );

    let (other_key, _) = client_key("ES256");
    let public_json = json!({ "keys": [public_of(&server, "batch").await] }).to_string();
    let forgeries = [
        (
            "signed by another key",
            assertion(
                &other_key,
                Algorithm::ES256,
                &kid,
                claims("f-1", &token_endpoint, now + 60),
            ),
        ),
        (
            "wrong audience",
            assertion(
                &key,
                Algorithm::ES256,
                &kid,
                claims("f-2", "https://elsewhere.example/token", now + 60),
            ),
        ),
        (
            "expired",
            assertion(&key, Algorithm::ES256, &kid, claims("f-3", &token_endpoint, now - 1)),
        ),
        (
            "lives too long",
            assertion(&key, Algorithm::ES256, &kid, claims("f-4", &token_endpoint, now + 3600)),
        ),
        (
            "no jti",
            assertion(
                &key,
                Algorithm::ES256,
                &kid,
                json!({ "iss": "batch", "sub": "batch", "aud": token_endpoint, "exp": now + 60 }),
            ),
        ),
        (
            "another subject",
            assertion(
                &key,
                Algorithm::ES256,
                &kid,
                json!({ "iss": "batch", "sub": "other", "aud": token_endpoint, "exp": now + 60, "jti": "f-5" }),
            ),
        ),
        // Algorithm confusion: the registered public key used as an HMAC secret.
        (
            "HS256 with the public key",
            assertion(
                &EncodingKey::from_secret(public_json.as_bytes()),
                Algorithm::HS256,
                &kid,
                claims("f-6", &token_endpoint, now + 60),
            ),
        ),
        ("alg none", unsigned(&claims("f-7", &token_endpoint, now + 60))),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (what, forged) in &forgeries {
        let (status, body) = client_credentials(&server, &[jwt_type, ("client_assertion", forged)]).await;
        assert_eq!(status, 401, "{what}: {body}");
        assert_eq!(body["error"], "invalid_client", "{what}");
    }
    let fresh = assertion(&key, Algorithm::ES256, &kid, claims("a-3", &token_endpoint, now + 60));
    let (status, _) = client_credentials(
        &server,
        &[
            jwt_type,
            ("client_assertion", &fresh),
            ("client_secret", "also-a-secret"),
        ],
    )
    .await;
    assert_eq!(status, 400, "two ways of authenticating at once");
    let (status, _) = client_credentials(&server, &[("client_assertion", &fresh)]).await;
    assert_eq!(status, 400, "an assertion without its type");
    let (status, _) = client_credentials(&server, &[("client_id", "batch")]).await;
    assert_eq!(status, 401, "no credentials at all");
    assert!(
        server
            .audit_kinds(None)
            .await
            .contains(&("oidc.client_authentication".into(), "failure".into()))
    );

    // Registration refuses key sets that would make forgeries possible.
    for (what, jwks) in [
        (
            "a symmetric key",
            json!({ "keys": [{ "kty": "oct", "k": "c2VjcmV0" }] }),
        ),
        (
            "a private key",
            json!({ "keys": [{ "kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI" }] }),
        ),
        ("no keys", json!({ "keys": [] })),
    ] {
        let refused = clients::register(
            server.state().store.as_ref(),
            server.state().clock.now(),
            &Origin::cli(),
            NewClient {
                client_id: "bad".into(),
                redirect_uris: vec![REDIRECT.into()],
                auth_method: Some("private_key_jwt".into()),
                jwks: Some(jwks.to_string()),
                ..Default::default()
            },
        )
        .await;
        assert!(refused.is_err(), "{what}");
    }
}

async fn public_of(server: &TestServer, client_id: &str) -> Value {
    let client = server.state().store.client(client_id).await.unwrap().unwrap();
    client.jwks.unwrap()["keys"][0].clone()
}

/// A JWT with `alg: none` and no signature.
fn unsigned(claims: &Value) -> String {
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", b64(&json!({ "alg": "none", "typ": "JWT" })), b64(claims))
}

#[tokio::test]
async fn a_database_sealed_under_another_secret_key_is_refused_at_start() {
    let server = TestServer::start().await;
    let state = server.state();
    let now = state.clock.now();
    assert!(
        keys::ensure(state.store.as_ref(), &state.keys.sealer, now)
            .await
            .is_ok()
    );
    let other = gatehouse::core::crypto::Sealer::new([1; 32]);
    let refused = keys::ensure(state.store.as_ref(), &other, now).await;
    let message = refused
        .expect_err("another secret key cannot open the signing keys")
        .to_string();
    assert!(message.contains("secret_key"), "{message}");
}
