//! DPoP (RFC 9449): proofs at `/token`, `/par` and `/userinfo` — replayed (on the same or another instance), for
//! another URL or method, stale, unsigned or oversized proofs are refused with `invalid_dpop_proof` and nothing
//! changes (the code still works afterwards); a proof without a nonce gets `use_dpop_nonce` and a nonce any
//! instance accepts; bound tokens carry `cnf.jkt` and `token_type: DPoP`, are refused as bearer tokens, and a
//! public client's refresh tokens, `dpop_jkt` codes and PAR-bound codes need a proof of their key.
use crate::common::*;
use crate::oidc::common::{CHALLENGE, REDIRECT, VERIFIER, authorize, client, code_for, param};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, ClientChanges};
use gatehouse::protocols::oidc::dpop::{access_token_hash, thumbprint};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// A client's DPoP key pair (P-256) that signs proofs.
pub(crate) struct DpopKey {
    pkcs8: Vec<u8>,
    pub jwk: Value,
}

/// What one proof says; `DpopKey::proof` fills in a fresh `jti`.
pub(crate) struct Claims<'a> {
    pub htm: &'a str,
    pub htu: String,
    pub iat: i64,
    pub nonce: Option<String>,
    pub ath: Option<String>,
}

impl DpopKey {
    pub fn new() -> DpopKey {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let point = pair.public_key().as_ref();
        let jwk = json!({
            "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        DpopKey {
            pkcs8: pkcs8.as_ref().to_vec(),
            jwk,
        }
    }

    pub fn jkt(&self) -> String {
        thumbprint(&self.jwk).unwrap()
    }

    /// A proof with the given header `jwk` (normally the public key).
    pub fn proof_with_jwk(&self, claims: &Claims<'_>, jwk: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        let mut body = json!({
            "jti": gatehouse::core::secrets::random_token(), "htm": claims.htm, "htu": claims.htu, "iat": claims.iat,
        });
        if let Some(nonce) = &claims.nonce {
            body["nonce"] = nonce.clone().into();
        }
        if let Some(ath) = &claims.ath {
            body["ath"] = ath.clone().into();
        }
        // jsonwebtoken's Jwk drops members it does not know: the header is assembled by hand.
        let mut head = serde_json::to_value(&header).unwrap();
        head["jwk"] = jwk.clone();
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(head.to_string()),
            URL_SAFE_NO_PAD.encode(body.to_string())
        );
        let key = EncodingKey::from_ec_der(&self.pkcs8);
        let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key, Algorithm::ES256).unwrap();
        format!("{signing_input}.{signature}")
    }

    pub fn proof(&self, claims: &Claims<'_>) -> String {
        self.proof_with_jwk(claims, &self.jwk)
    }
}

/// The usual proof for `htm` at `path` of `server`, now, with `nonce`.
fn claims<'a>(server: &TestServer, htm: &'a str, path: &str, nonce: Option<&str>) -> Claims<'a> {
    Claims {
        htm,
        htu: server.url(path),
        iat: server.state().clock.now().timestamp(),
        nonce: nonce.map(str::to_string),
        ath: None,
    }
}

pub(crate) struct Answer {
    pub status: u16,
    pub nonce: Option<String>,
    pub challenge: Option<String>,
    pub body: Value,
}

async fn answer(response: reqwest::Response) -> Answer {
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    let (nonce, challenge) = (header("dpop-nonce"), header("www-authenticate"));
    Answer {
        status: response.status().as_u16(),
        nonce,
        challenge,
        body: response.json().await.unwrap_or(Value::Null),
    }
}

/// POSTs `form` to `path` of `base` with the given `DPoP` headers.
async fn post(base: &str, path: &str, form: &[(&str, &str)], proofs: &[&str]) -> Answer {
    let mut call = reqwest::Client::new().post(format!("{base}{path}")).form(form);
    for proof in proofs {
        call = call.header("DPoP", *proof);
    }
    answer(call.send().await.unwrap()).await
}

/// A nonce, as a client learns it: its first proof without one is answered `use_dpop_nonce`.
async fn learn_nonce(server: &TestServer, key: &DpopKey) -> String {
    let proof = key.proof(&claims(server, "POST", "/token", None));
    let answer = post(&server.base, "/token", &[("grant_type", "refresh_token")], &[&proof]).await;
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{}",
        answer.body
    );
    answer.nonce.expect("DPoP-Nonce with use_dpop_nonce")
}

fn code_form<'a>(code: &'a str, client_id: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", client_id),
        ("code_verifier", VERIFIER),
    ]
}

/// The claims of one of our JWTs, read without checking (the server checked them).
fn jwt_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn dpop_refusals(server: &TestServer) -> usize {
    server
        .audit_kinds(None)
        .await
        .iter()
        .filter(|(kind, _)| kind == "oidc.dpop_refused")
        .count()
}

async fn userinfo(server: &TestServer, scheme: &str, token: &str, proof: Option<&str>) -> Answer {
    let mut call = reqwest::Client::new()
        .get(server.url("/userinfo"))
        .header("Authorization", format!("{scheme} {token}"));
    if let Some(proof) = proof {
        call = call.header("DPoP", proof);
    }
    answer(call.send().await.unwrap()).await
}

async fn signed_in(server: &TestServer) -> (Browser, DpopKey, String) {
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    client(server, "spa", true, true).await;
    let key = DpopKey::new();
    let nonce = learn_nonce(server, &key).await;
    (server.browser(), key, nonce)
}

#[tokio::test]
async fn a_nonce_then_a_bound_token_that_userinfo_takes_only_with_its_proof() {
    let server = TestServer::start().await;
    let (browser, key, nonce) = signed_in(&server).await;
    let discovery: Value = reqwest::get(server.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["dpop_signing_alg_values_supported"],
        json!(["ES256", "PS256", "RS256", "EdDSA"])
    );
    assert_eq!(dpop_refusals(&server).await, 1, "the missing nonce is audited");

    let code = code_for(&server, &browser, &[("scope", "openid email")], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let tokens = post(&server.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert_eq!(tokens.body["token_type"], "DPoP");
    assert!(tokens.nonce.is_some(), "a fresh nonce with every answer to a proof");
    let access = tokens.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(jwt_claims(&access)["cnf"]["jkt"], key.jkt());

    // Userinfo: with the DPoP scheme and a proof carrying ath, the claims.
    let mut at_userinfo = claims(&server, "GET", "/userinfo", Some(&nonce));
    at_userinfo.ath = Some(access_token_hash(&access));
    let answer = userinfo(&server, "DPoP", &access, Some(&key.proof(&at_userinfo))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body["email"].is_string());

    // As a bearer token, refused with a DPoP challenge.
    let answer = userinfo(&server, "Bearer", &access, None).await;
    assert_eq!(answer.status, 401);
    let challenge = answer.challenge.unwrap();
    assert!(
        challenge.starts_with("DPoP error=\"invalid_token\"") && challenge.contains("algs=\"ES256"),
        "{challenge}"
    );
    // A proof without ath, or another key's proof, is not enough.
    let without_ath = key.proof(&claims(&server, "GET", "/userinfo", Some(&nonce)));
    let answer = userinfo(&server, "DPoP", &access, Some(&without_ath)).await;
    assert_eq!(answer.status, 401);
    assert!(answer.challenge.unwrap().contains("invalid_dpop_proof"));
    let other = DpopKey::new().proof(&at_userinfo);
    let answer = userinfo(&server, "DPoP", &access, Some(&other)).await;
    assert_eq!(answer.status, 401);
    assert!(answer.challenge.unwrap().contains("invalid_token"));
    // The DPoP scheme without any proof.
    let answer = userinfo(&server, "DPoP", &access, None).await;
    assert_eq!(answer.status, 401);
    assert!(answer.challenge.unwrap().contains("invalid_dpop_proof"));
    // The admin API speaks Bearer only: a bound token is nothing there.
    let api = reqwest::Client::new()
        .get(server.url("/api/v1/users"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(dpop_refusals(&server).await, 5, "every refusal is audited");
}

#[tokio::test]
async fn a_proof_is_used_once_on_any_instance_and_a_nonce_works_on_every_instance() {
    let server = TestServer::start().await;
    let (browser, key, nonce) = signed_in(&server).await;
    // A second instance on the same database, serving the same issuer.
    let other = TestServer::start_on(&server.db.as_ref().unwrap().url, Some(&server.base)).await;

    let code = code_for(&server, &browser, &[], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let first = post(&other.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    assert_eq!(
        first.status, 200,
        "the nonce of one instance works on another: {}",
        first.body
    );
    let refresh = first.body["refresh_token"].as_str().unwrap().to_string();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
        ("client_id", "spa"),
    ];
    for base in [&server.base, &other.base] {
        let again = post(base, "/token", &form, &[&proof]).await;
        assert_eq!(
            (again.status, again.body["error"].as_str()),
            (400, Some("invalid_dpop_proof")),
            "{}",
            again.body
        );
    }
    // Nothing was spent by the refused replays: the refresh token still works with a new proof.
    let fresh = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let renewed = post(&server.base, "/token", &form, &[&fresh]).await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    assert_eq!(renewed.body["token_type"], "DPoP");
}

#[tokio::test]
async fn proofs_for_another_url_or_method_stale_unsigned_or_oversized_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let (browser, key, nonce) = signed_in(&server).await;
    let code = code_for(&server, &browser, &[], "olga").await;
    let form = code_form(&code, "spa");
    let now = server.state().clock.now().timestamp();
    let with = |htm: &'static str, htu: String, iat: i64| Claims {
        htm,
        htu,
        iat,
        nonce: Some(nonce.clone()),
        ath: None,
    };
    let mut refused: Vec<(&str, String)> = vec![
        ("wrong htu", key.proof(&with("POST", server.url("/userinfo"), now))),
        (
            "other host",
            key.proof(&with("POST", "https://evil.example/token".into(), now)),
        ),
        ("wrong htm", key.proof(&with("GET", server.url("/token"), now))),
        ("stale iat", key.proof(&with("POST", server.url("/token"), now - 120))),
        ("future iat", key.proof(&with("POST", server.url("/token"), now + 120))),
        ("garbage", "not.a.proof".into()),
        ("oversized", "a".repeat(9000)),
    ];
    // The same proof with a forged nonce, with the private key in its header, and unsigned.
    let good = with("POST", server.url("/token"), now);
    let mut forged = with("POST", server.url("/token"), now);
    forged.nonce = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into());
    let mut private = key.jwk.clone();
    private["d"] = "c2VjcmV0".into();
    refused.push(("private jwk", key.proof_with_jwk(&good, &private)));
    let proof = key.proof(&good);
    let (head, body) = proof.rsplit_once('.').unwrap().0.split_once('.').unwrap();
    let mut none_head: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(head).unwrap()).unwrap();
    none_head["alg"] = "none".into();
    refused.push((
        "alg none",
        format!("{}.{body}.", URL_SAFE_NO_PAD.encode(none_head.to_string())),
    ));
    for (what, proof) in &refused {
        let answer = post(&server.base, "/token", &form, &[proof]).await;
        assert_eq!(
            (answer.status, answer.body["error"].as_str()),
            (400, Some("invalid_dpop_proof")),
            "{what}: {}",
            answer.body
        );
    }
    let answer = post(&server.base, "/token", &form, &[&key.proof(&forged)]).await;
    assert_eq!(answer.body["error"], "use_dpop_nonce", "a forged nonce is no nonce");
    let answer = post(&server.base, "/token", &form, &[&proof, &key.proof(&good)]).await;
    assert_eq!(answer.body["error"], "invalid_dpop_proof", "two DPoP headers");
    // A query or fragment in htu is ignored; the code was never spent by the refusals.
    let mut with_query = with("POST", format!("{}?x=1#y", server.url("/token")), now);
    with_query.ath = None;
    let answer = post(&server.base, "/token", &form, &[&key.proof(&with_query)]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(dpop_refusals(&server).await >= refused.len() + 2);
}

#[tokio::test]
async fn a_public_clients_refresh_token_needs_its_key_and_a_confidential_clients_does_not() {
    let server = TestServer::start().await;
    let (browser, key, nonce) = signed_in(&server).await;
    let code = code_for(&server, &browser, &[], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let tokens = post(&server.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    let refresh = tokens.body["refresh_token"].as_str().unwrap().to_string();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
        ("client_id", "spa"),
    ];
    let other = DpopKey::new().proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let answer = post(&server.base, "/token", &form, &[&other]).await;
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{}",
        answer.body
    );
    // A bound refresh token shown with another key was taken: its family is revoked.
    let mine = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let answer = post(&server.base, "/token", &form, &[&mine]).await;
    assert_eq!(answer.body["error"], "invalid_grant");

    // Without a proof at all, the same.
    let code = code_for(&server, &browser, &[], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let tokens = post(&server.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    let refresh = tokens.body["refresh_token"].as_str().unwrap().to_string();
    let answer = post(
        &server.base,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", "spa"),
        ],
        &[],
    )
    .await;
    assert_eq!(answer.body["error"], "invalid_grant");

    // A confidential client's refresh token is not bound: another key refreshes it, and the new access token is
    // bound to that key; introspection shows the binding.
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        clients::NewClient {
            client_id: "webapp".into(),
            redirect_uris: vec![REDIRECT.into()],
            auth_method: Some("client_secret_post".into()),
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let secret = secret.unwrap();
    let url = format!(
        "{}/authorize?{}",
        server.base,
        serde_urlencoded::to_string([
            ("response_type", "code"),
            ("client_id", "webapp"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .unwrap()
    );
    let code = param(&authorize(&server, &browser, &url, "olga").await, "code").unwrap();
    let mut form = code_form(&code, "webapp");
    form.push(("client_secret", &secret));
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let tokens = post(&server.base, "/token", &form, &[&proof]).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let refresh = tokens.body["refresh_token"].as_str().unwrap().to_string();
    let second = DpopKey::new();
    let proof = second.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let renewed = post(
        &server.base,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", "webapp"),
            ("client_secret", &secret),
        ],
        &[&proof],
    )
    .await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    let access = renewed.body["access_token"].as_str().unwrap();
    let introspected = post(
        &server.base,
        "/introspect",
        &[("token", access), ("client_id", "webapp"), ("client_secret", &secret)],
        &[],
    )
    .await;
    assert_eq!(introspected.body["token_type"], "DPoP");
    assert_eq!(introspected.body["cnf"]["jkt"], second.jkt());
}

#[tokio::test]
async fn a_code_bound_by_dpop_jkt_or_at_par_is_redeemed_only_with_that_key() {
    let server = TestServer::start().await;
    let (browser, key, nonce) = signed_in(&server).await;
    let jkt = key.jkt();
    let code = code_for(&server, &browser, &[("dpop_jkt", &jkt)], "olga").await;
    let other = DpopKey::new().proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[&other]).await;
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{}",
        answer.body
    );
    let code = code_for(&server, &browser, &[("dpop_jkt", &jkt)], "olga").await;
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[]).await;
    assert_eq!(answer.body["error"], "invalid_grant", "no proof for a bound code");
    let code = code_for(&server, &browser, &[("dpop_jkt", &jkt)], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // At /par: a malformed dpop_jkt, a dpop_jkt beside another key's proof, then a proof alone binds the code.
    let push = |extra: Vec<(&'static str, String)>| {
        let mut form: Vec<(&str, String)> = vec![
            ("response_type", "code".into()),
            ("client_id", "spa".into()),
            ("redirect_uri", REDIRECT.into()),
            ("scope", "openid".into()),
            ("code_challenge", CHALLENGE.into()),
            ("code_challenge_method", "S256".into()),
        ];
        form.extend(extra);
        form
    };
    let pushed = |form: Vec<(&'static str, String)>, proof: Option<String>| {
        let base = server.base.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let proofs: Vec<&str> = proof.iter().map(String::as_str).collect();
            post(&base, "/par", &form, &proofs).await
        }
    };
    let answer = pushed(push(vec![("dpop_jkt", "short".into())]), None).await;
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let proof = key.proof(&claims(&server, "POST", "/par", Some(&nonce)));
    let other_jkt = DpopKey::new().jkt();
    let answer = pushed(push(vec![("dpop_jkt", other_jkt)]), Some(proof)).await;
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{}",
        answer.body
    );
    let proof = key.proof(&claims(&server, "POST", "/par", Some(&nonce)));
    let answer = pushed(push(vec![]), Some(proof)).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let request_uri = answer.body["request_uri"].as_str().unwrap();
    let url = format!(
        "{}/authorize?{}",
        server.base,
        serde_urlencoded::to_string([("client_id", "spa"), ("request_uri", request_uri)]).unwrap()
    );
    let code = param(&authorize(&server, &browser, &url, "olga").await, "code").unwrap();
    let other = DpopKey::new().proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[&other]).await;
    assert_eq!(answer.body["error"], "invalid_grant", "the PAR proof bound the code");
}

#[tokio::test]
async fn a_client_that_must_use_dpop_is_refused_a_token_request_without_a_proof() {
    let server = TestServer::start().await;
    let (browser, key, nonce) = signed_in(&server).await;
    let changes = ClientChanges {
        require_dpop: Some(true),
        ..Default::default()
    };
    let state = server.state();
    let updated = clients::update(state.store.as_ref(), state.clock.now(), &Origin::cli(), "spa", changes)
        .await
        .unwrap();
    assert!(updated.require_dpop);
    // (No token request of this client has been authenticated yet, so no instance caches its old settings.)
    let code = code_for(&server, &browser, &[], "olga").await;
    let before = dpop_refusals(&server).await;
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[]).await;
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (400, Some("invalid_dpop_proof")),
        "{}",
        answer.body
    );
    assert_eq!(dpop_refusals(&server).await, before + 1);
    let code = code_for(&server, &browser, &[], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", Some(&nonce)));
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["token_type"], "DPoP");
}

#[tokio::test]
async fn without_required_nonces_a_proof_needs_none() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_DPOP_NONCE_REQUIRED", "false")]).await;
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    client(&server, "spa", true, true).await;
    let key = DpopKey::new();
    let code = code_for(&server, &server.browser(), &[], "olga").await;
    let proof = key.proof(&claims(&server, "POST", "/token", None));
    let answer = post(&server.base, "/token", &code_form(&code, "spa"), &[&proof]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["token_type"], "DPoP");
}
