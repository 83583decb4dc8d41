//! DPoP (RFC 9449): proofs of possession of a client's key, checked at the token, PAR and userinfo endpoints.
//!
//! A proof is a JWT the client signs with a key whose public half it carries in the header. [`check`] is the pure
//! part of RFC 9449 §4.3 — size, `typ: dpop+jwt`, an allowed asymmetric algorithm that fits the key, a public `jwk`
//! (a private member is refused), the signature, `jti`, `htm`, `htu` (scheme, host, port and path: query and
//! fragment ignored), `iat` within [`IAT_PAST`] / [`IAT_FUTURE`] of our clock, `ath` for a resource request, and
//! the server nonce. [`verify`] adds the replay check: the proof is recorded in the database under its key's
//! thumbprint and `jti` (a unique key), so it is accepted once by whichever instance sees it first.
//!
//! Nonces (§8) are stateless: a timestamp and random bytes sealed with an HMAC under a key derived from the
//! master key, valid [`NONCE_LIFETIME`] on every instance. Whether they are demanded is the installation's
//! `dpop_nonce_required` (default on); a proof that carries a nonce must carry a valid one either way.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::truncate;
use crate::core::secrets::{constant_time_eq, hmac, token_digest};
use crate::core::store::Store;

/// The proof algorithms accepted, exactly as discovery advertises them (`dpop_signing_alg_values_supported`).
pub const ALGORITHMS: [&str; 4] = ["ES256", "PS256", "RS256", "EdDSA"];
/// The largest proof read; anything longer is refused before it is decoded.
pub const MAX_PROOF_BYTES: usize = 8192;
/// How old a proof's `iat` may be.
pub const IAT_PAST: Duration = Duration::seconds(60);
/// How far ahead of our clock a proof's `iat` may be (clock skew).
pub const IAT_FUTURE: Duration = Duration::seconds(10);
/// How long a nonce this provider handed out is accepted.
pub const NONCE_LIFETIME: Duration = Duration::minutes(5);
/// Smallest RSA modulus accepted in a proof key, in bits.
const MIN_RSA_BITS: usize = 2048;
/// JWK members that belong to a private or symmetric key: a proof carrying one is refused.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// What a proof must match at this endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Expected<'a> {
    /// The request's method (`htm`).
    pub method: &'a str,
    /// The endpoint's URL as we publish it (`htu`).
    pub url: &'a str,
    /// At a resource (userinfo): the access token presented, whose hash `ath` must be.
    pub access_token: Option<&'a str>,
    pub nonce_required: bool,
}

/// A proof that passed: the RFC 7638 thumbprint of its key (what tokens are bound to) and its `jti`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub jkt: String,
    pub jti: String,
}

/// Why a proof was refused: `invalid_dpop_proof` with a reason, or `use_dpop_nonce` (a fresh nonce is due).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Invalid(&'static str),
    UseNonce,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Invalid(_) => "invalid_dpop_proof",
            Refusal::UseNonce => "use_dpop_nonce",
        }
    }

    pub fn description(&self) -> String {
        match self {
            Refusal::Invalid(reason) => format!("The DPoP proof is invalid: {reason}."),
            Refusal::UseNonce => "Send the DPoP proof again with the nonce in the DPoP-Nonce header.".into(),
        }
    }

    /// The reason as the audit event records it.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::Invalid(reason) => reason,
            Refusal::UseNonce => "nonce missing, invalid or expired",
        }
    }
}

/// A new nonce, valid on every instance for [`NONCE_LIFETIME`] from `now`.
pub fn nonce(key: &[u8; 32], now: DateTime<Utc>) -> String {
    let mut body = [0u8; 16];
    body[..8].copy_from_slice(&now.timestamp().to_be_bytes());
    rand::rng().fill_bytes(&mut body[8..]);
    let mac = hmac(key, &[b"dpop-nonce", &body]);
    let mut sealed = body.to_vec();
    sealed.extend_from_slice(&mac[..16]);
    URL_SAFE_NO_PAD.encode(sealed)
}

fn nonce_valid(key: &[u8; 32], nonce: &str, now: DateTime<Utc>) -> bool {
    let Some(bytes) = Some(nonce)
        .filter(|n| n.len() <= 64)
        .and_then(|n| URL_SAFE_NO_PAD.decode(n).ok())
        .filter(|b| b.len() == 32)
    else {
        return false;
    };
    let (body, mac) = bytes.split_at(16);
    if !constant_time_eq(&hmac(key, &[b"dpop-nonce", body])[..16], mac) {
        return false;
    }
    let mut stamp = [0u8; 8];
    stamp.copy_from_slice(&body[..8]);
    let issued = i64::from_be_bytes(stamp);
    let age = now.timestamp() - issued;
    (-IAT_FUTURE.num_seconds()..=NONCE_LIFETIME.num_seconds()).contains(&age)
}

/// The RFC 7638 thumbprint (SHA-256, base64url) of a public JWK of a kind we accept; `None` for any other.
pub fn thumbprint(jwk: &Value) -> Option<String> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    let q = |s: &str| serde_json::to_string(s).ok();
    let canonical = match text("kty")? {
        "EC" => format!(
            r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#,
            q(text("crv")?)?,
            q(text("x")?)?,
            q(text("y")?)?
        ),
        "RSA" => format!(r#"{{"e":{},"kty":"RSA","n":{}}}"#, q(text("e")?)?, q(text("n")?)?),
        "OKP" => format!(r#"{{"crv":{},"kty":"OKP","x":{}}}"#, q(text("crv")?)?, q(text("x")?)?),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

/// Whether a string is a JWK SHA-256 thumbprint in form (base64url, 43 characters), as `dpop_jkt` must be.
pub fn is_thumbprint(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `ath`: the base64url SHA-256 of the access token (RFC 9449 §4.2).
pub fn access_token_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// The algorithm a proof names, if it is one we accept, and whether the key fits it.
fn algorithm(alg: &str, jwk: &Value) -> Result<Algorithm, Refusal> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str).unwrap_or_default();
    let (algorithm, fits) = match alg {
        "ES256" => (Algorithm::ES256, text("kty") == "EC" && text("crv") == "P-256"),
        "RS256" | "PS256" => {
            let bits = URL_SAFE_NO_PAD.decode(text("n")).map(|n| n.len() * 8).unwrap_or(0);
            let algorithm = if alg == "RS256" {
                Algorithm::RS256
            } else {
                Algorithm::PS256
            };
            (algorithm, text("kty") == "RSA" && bits >= MIN_RSA_BITS)
        }
        "EdDSA" => (Algorithm::EdDSA, text("kty") == "OKP" && text("crv") == "Ed25519"),
        _ => return Err(Refusal::Invalid("alg must be one of ES256, PS256, RS256, EdDSA")),
    };
    if !fits {
        return Err(Refusal::Invalid("the jwk does not fit the algorithm"));
    }
    Ok(algorithm)
}

fn decode_part(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok().filter(Value::is_object)
}

/// `htu` matches `expected` when scheme, host, port and path agree; query and fragment are ignored (§4.3).
fn same_target(htu: &str, expected: &str) -> bool {
    let strip = |text: &str| {
        Url::parse(text).ok().map(|mut url| {
            url.set_query(None);
            url.set_fragment(None);
            url
        })
    };
    match (strip(htu), strip(expected)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// RFC 9449 §4.3 checks 2–11 over one proof, without the replay check. Pure: time and the nonce key are inputs.
pub fn check(proof: &str, expected: &Expected<'_>, now: DateTime<Utc>, nonce_key: &[u8; 32]) -> Result<Proof, Refusal> {
    if proof.len() > MAX_PROOF_BYTES {
        return Err(Refusal::Invalid("the proof is too large"));
    }
    let mut parts = proof.split('.');
    let (Some(head), Some(body), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(Refusal::Invalid("not a signed JWT"));
    };
    let (Some(header), Some(claims)) = (decode_part(head), decode_part(body)) else {
        return Err(Refusal::Invalid("the header or the claims are not JSON objects"));
    };
    let typ = header["typ"].as_str().unwrap_or_default();
    if !typ.eq_ignore_ascii_case("dpop+jwt") {
        return Err(Refusal::Invalid("typ must be dpop+jwt"));
    }
    let jwk = &header["jwk"];
    if !jwk.is_object() {
        return Err(Refusal::Invalid("the header must carry the public key as jwk"));
    }
    if PRIVATE_MEMBERS.iter().any(|m| jwk.get(*m).is_some()) {
        return Err(Refusal::Invalid(
            "the jwk must be a public key (it carries a private member)",
        ));
    }
    let algorithm = algorithm(header["alg"].as_str().unwrap_or_default(), jwk)?;
    let key = serde_json::from_value::<jsonwebtoken::jwk::Jwk>(jwk.clone())
        .ok()
        .and_then(|jwk| DecodingKey::from_jwk(&jwk).ok())
        .ok_or(Refusal::Invalid("the jwk cannot be read"))?;
    let mut validation = Validation::new(algorithm);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    if jsonwebtoken::decode::<Value>(proof, &key, &validation).is_err() {
        return Err(Refusal::Invalid("the signature does not verify with the jwk"));
    }
    let jti = claims["jti"]
        .as_str()
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or(Refusal::Invalid("jti is missing"))?;
    if claims["htm"].as_str() != Some(expected.method) {
        return Err(Refusal::Invalid("htm does not match the request's method"));
    }
    if !claims["htu"].as_str().is_some_and(|htu| same_target(htu, expected.url)) {
        return Err(Refusal::Invalid("htu does not match the endpoint"));
    }
    let iat = claims["iat"].as_i64().ok_or(Refusal::Invalid("iat is missing"))?;
    let age = now.timestamp() - iat;
    if age > IAT_PAST.num_seconds() || -age > IAT_FUTURE.num_seconds() {
        return Err(Refusal::Invalid("iat is too far from the server's time"));
    }
    match (expected.access_token, claims["ath"].as_str()) {
        (Some(token), Some(ath)) if constant_time_eq(access_token_hash(token).as_bytes(), ath.as_bytes()) => {}
        (Some(_), _) => return Err(Refusal::Invalid("ath does not match the access token")),
        (None, _) => {}
    }
    match claims.get("nonce").map(Value::as_str) {
        None if !expected.nonce_required => {}
        Some(Some(nonce)) if nonce_valid(nonce_key, nonce, now) => {}
        _ => return Err(Refusal::UseNonce),
    }
    let jkt = thumbprint(jwk).ok_or(Refusal::Invalid("the jwk cannot be read"))?;
    Ok(Proof {
        jkt,
        jti: jti.to_string(),
    })
}

/// [`check`], then the replay check: the proof is recorded once across instances; a second use is refused.
pub async fn verify(
    store: &dyn Store,
    proof: &str,
    expected: &Expected<'_>,
    now: DateTime<Utc>,
    nonce_key: &[u8; 32],
) -> crate::core::Result<Result<Proof, Refusal>> {
    let proof = match check(proof, expected, now, nonce_key) {
        Ok(proof) => proof,
        Err(refusal) => return Ok(Err(refusal)),
    };
    // No proof with this jti can pass `check` after its iat window, whose end is at most this far ahead.
    let until = now + IAT_FUTURE + IAT_PAST;
    if !store
        .use_dpop_proof(&proof.jkt, &token_digest(&proof.jti), until, now)
        .await?
    {
        return Ok(Err(Refusal::Invalid("this proof was used before")));
    }
    Ok(Ok(proof))
}

/// Records a refusal at `endpoint` (`token`, `par`, `userinfo`) as `oidc.dpop_refused`.
pub async fn audit_refusal(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    endpoint: &str,
    client_id: Option<&str>,
    reason: &str,
) -> crate::core::Result<()> {
    audit::record(
        store,
        now,
        origin,
        AuditKind::OidcDpopRefused,
        Outcome::Denied,
        None,
        json!({ "endpoint": endpoint, "client_id": client_id.map(|c| truncate(c, 128)), "reason": reason }),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_of_rfc_7638_example() {
        // RFC 7638 §3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
        });
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        assert_eq!(thumbprint(&json!({ "kty": "oct", "k": "c2VjcmV0" })), None);
    }

    #[test]
    fn nonces_are_sealed_and_expire() {
        let key = [7u8; 32];
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let n = nonce(&key, now);
        assert!(nonce_valid(&key, &n, now));
        assert!(nonce_valid(&key, &n, now + NONCE_LIFETIME));
        assert!(!nonce_valid(&key, &n, now + NONCE_LIFETIME + Duration::seconds(1)));
        assert!(!nonce_valid(&[8u8; 32], &n, now), "another installation's key");
        let mut forged = URL_SAFE_NO_PAD.decode(&n).unwrap();
        forged[3] ^= 1;
        assert!(!nonce_valid(&key, &URL_SAFE_NO_PAD.encode(forged), now));
        assert!(!nonce_valid(&key, "not-a-nonce", now));
    }

    #[test]
    fn htu_ignores_query_and_fragment_only() {
        assert!(same_target(
            "https://id.example/token?x=1#f",
            "https://id.example/token"
        ));
        assert!(same_target("HTTPS://ID.example:443/token", "https://id.example/token"));
        assert!(!same_target("https://id.example/token/", "https://id.example/token"));
        assert!(!same_target("http://id.example/token", "https://id.example/token"));
        assert!(!same_target(
            "https://id.example:8443/token",
            "https://id.example/token"
        ));
        assert!(!same_target("/token", "https://id.example/token"));
    }

    #[test]
    fn malformed_proofs_are_refused_not_panicked_on() {
        let key = [1u8; 32];
        let now = Utc::now();
        let expected = Expected {
            method: "POST",
            url: "https://id.example/token",
            access_token: None,
            nonce_required: false,
        };
        for proof in [
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "....",
            "eyJ9.eyJ9.x",
            &"x".repeat(MAX_PROOF_BYTES + 1),
        ] {
            assert!(
                matches!(check(proof, &expected, now, &key), Err(Refusal::Invalid(_))),
                "{proof:.20}"
            );
        }
        // HS256 with a symmetric "jwk" is never a proof.
        let header = URL_SAFE_NO_PAD.encode(r#"{"typ":"dpop+jwt","alg":"HS256","jwk":{"kty":"oct","k":"c2VjcmV0"}}"#);
        let claims = URL_SAFE_NO_PAD.encode(r#"{"jti":"1","htm":"POST","htu":"https://id.example/token","iat":0}"#);
        assert!(check(&format!("{header}.{claims}.sig"), &expected, now, &key).is_err());
        let header = URL_SAFE_NO_PAD
            .encode(r#"{"typ":"dpop+jwt","alg":"none","jwk":{"kty":"EC","crv":"P-256","x":"a","y":"b"}}"#);
        assert!(check(&format!("{header}.{claims}."), &expected, now, &key).is_err());
    }
}
