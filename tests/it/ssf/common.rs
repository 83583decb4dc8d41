//! What the SSF tests share: a server whose background sender stays quiet (tests push by calling
//! `app::deliver_signals`), a receiver's token, a stream, and checking a SET against our JWKS.
use crate::api::common::{Reply, call, client_token, service_client};
use crate::common::*;
use gatehouse::core::ssf;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Value, json};

/// The background sender waits an hour, so only the test decides when the outbox is pushed.
pub const QUIET: &[(&str, &str)] = &[("GATEHOUSE_SSF_DELIVERY_INTERVAL_SECS", "3600")];

pub async fn quiet_server(db: &TestDb) -> TestServer {
    TestServer::start_with(&db.url, None, QUIET).await
}

/// A `client_credentials` token of a new receiver client `id` (`--service-role ssf`).
pub async fn receiver_token(server: &TestServer, id: &str) -> String {
    let secret = service_client(server, id, Some("ssf")).await;
    client_token(server, id, &secret).await
}

pub async fn ssf_call(server: &TestServer, method: &str, path: &str, token: &str, body: Option<&Value>) -> Reply {
    call(server, method, path, Some(token), body).await
}

/// Creates the receiver's stream pushing to `endpoint`, asking for every event we send.
pub async fn create_stream(server: &TestServer, token: &str, endpoint: &str) -> Value {
    create_stream_of(server, token, endpoint, &ssf::SUPPORTED).await
}

/// Creates the receiver's stream pushing to `endpoint`, asking for `events`.
pub async fn create_stream_of(server: &TestServer, token: &str, endpoint: &str, events: &[&str]) -> Value {
    let body = json!({
        "events_requested": events,
        "delivery": { "method": ssf::PUSH, "endpoint_url": endpoint, "authorization_header": "Bearer receiver-secret" },
    });
    let reply = ssf_call(server, "POST", "/ssf/streams", token, Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json
}

/// Pushes what is due from this instance.
pub async fn deliver(server: &TestServer) -> usize {
    gatehouse::app::deliver_signals(server.state(), &server.running.oidc)
        .await
        .expect("delivery runs")
}

/// Verifies a SET with our published keys (as a receiver would: fetched from `jwks_uri`) for audience `aud`;
/// returns its `typ` and claims.
pub async fn verify_set(server: &TestServer, token: &str, aud: &str) -> (Option<String>, Value) {
    let jwks: JwkSet = reqwest::get(server.url("/jwks")).await.unwrap().json().await.unwrap();
    let header = jsonwebtoken::decode_header(token).expect("a JWS");
    let kid = header.kid.clone().expect("a kid");
    let jwk = jwks.find(&kid).expect("signed with a published key");
    let key = DecodingKey::from_jwk(jwk).expect("a usable key");
    let mut validation = Validation::new(header.alg);
    // SETs carry no exp (RFC 8417 §2.2).
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.set_audience(&[aud]);
    validation.set_issuer(&[server.base.as_str()]);
    let data = jsonwebtoken::decode::<Value>(token, &key, &validation).expect("the SET verifies");
    (header.typ, data.claims)
}

/// The one event of a SET: its type and claims.
pub fn event_of(claims: &Value) -> (String, Value) {
    let events = claims["events"].as_object().expect("events");
    assert_eq!(events.len(), 1, "one event per SET: {claims}");
    let (kind, body) = events.iter().next().unwrap();
    (kind.clone(), body.clone())
}
