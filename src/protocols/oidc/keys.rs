//! Signing keys: one per algorithm (ES256 by default; RS256 and EdDSA for clients that ask), generated with
//! aws-lc-rs on first start, the private half sealed in the database so every instance signs with the same key.
//!
//! Rotation publishes the next key `PUBLISH_AHEAD` before it signs (relying parties' JWKS caches learn it first),
//! and keeps the previous key published `PUBLISH_AFTER` after it stopped signing (until every token it signed has
//! expired). Which key signs is a pure function of the stored keys and the time, so all instances agree.
//! Opened keys are cached by `kid` (a kid's key never changes); the key list is re-read every few seconds.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Serialize;
use serde_json::{Value, json};

use super::jws::JwsSigner;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::crypto::Sealer;
use crate::core::oauth::SigningKey;
use crate::core::store::Store;
use crate::core::{Error, Result};

/// The algorithms tokens can be signed with; the first is the default.
pub const ALGORITHMS: [&str; 3] = ["ES256", "RS256", "EdDSA"];
/// A new key is published this long before it signs: the JWKS `max-age`.
pub const PUBLISH_AHEAD: Duration = Duration::minutes(5);
/// A replaced key stays published this long after it stopped signing: the longest token lifetime plus skew.
pub const PUBLISH_AFTER: Duration = Duration::minutes(15);
/// How long an instance trusts its copy of the key list.
const LIST_TTL: std::time::Duration = std::time::Duration::from_secs(5);

fn context(kid: &str) -> String {
    format!("signing-key:{kid}")
}

fn internal(what: &str) -> Error {
    Error::Internal(what.into())
}

fn kid_of(public: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(public)[..8])
}

/// A new key for `alg`, sealed, signing from `activates_at`.
pub fn generate(sealer: &Sealer, alg: &str, now: DateTime<Utc>, activates_at: DateTime<Utc>) -> Result<SigningKey> {
    let rng = SystemRandom::new();
    let (private, jwk) = match alg {
        "ES256" => {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|_| internal("key generation failed"))?;
            let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
                .map_err(|_| internal("key parsing failed"))?;
            let point = pair.public_key().as_ref(); // 0x04 || X || Y
            if point.len() != 65 {
                return Err(internal("unexpected P-256 public key"));
            }
            let jwk = json!({ "kty": "EC", "crv": "P-256", "kid": kid_of(point),
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]) });
            (pkcs8.as_ref().to_vec(), jwk)
        }
        "RS256" => {
            use aws_lc_rs::encoding::AsDer;
            let pair =
                aws_lc_rs::rsa::KeyPair::generate(KeySize::Rsa2048).map_err(|_| internal("key generation failed"))?;
            let pkcs8 = pair.as_der().map_err(|_| internal("key encoding failed"))?;
            // jsonwebtoken signs RSA from the PKCS#1 RSAPrivateKey inside the PKCS#8 wrapper.
            let info = pkcs8::PrivateKeyInfo::try_from(pkcs8.as_ref()).map_err(|_| internal("key encoding failed"))?;
            let public = pair.public_key();
            let jwk = json!({ "kty": "RSA", "kid": kid_of(public.as_ref()),
                "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
                "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()) });
            (info.private_key.to_vec(), jwk)
        }
        "EdDSA" => {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| internal("key generation failed"))?;
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| internal("key parsing failed"))?;
            let public = pair.public_key().as_ref();
            let jwk =
                json!({ "kty": "OKP", "crv": "Ed25519", "kid": kid_of(public), "x": URL_SAFE_NO_PAD.encode(public) });
            (pkcs8.as_ref().to_vec(), jwk)
        }
        other => return Err(Error::invalid(format!("Unsupported signing algorithm '{other}'."))),
    };
    let kid = jwk["kid"].as_str().unwrap_or_default().to_string();
    let mut jwk = jwk;
    jwk["use"] = "sig".into();
    jwk["alg"] = alg.into();
    Ok(SigningKey {
        private_enc: sealer.seal(&private, &context(&kid))?,
        kid,
        alg: alg.into(),
        public_jwk: jwk,
        created_at: now,
        activates_at,
        retired_at: None,
    })
}

/// Where a key is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// Published, signs from its activation time.
    Next,
    /// Signs new tokens for its algorithm.
    Active,
    /// Replaced; published until tokens it signed have expired.
    Previous,
    /// Replaced long enough ago that nothing it signed is still valid: not published.
    Expired,
}

impl KeyState {
    pub fn published(self) -> bool {
        self != KeyState::Expired
    }
}

/// The state of every key at `now`. Per algorithm, the key activated most recently signs (ties broken by kid so
/// that every instance picks the same one); a replaced key expires `PUBLISH_AFTER` after its successor activated.
pub fn states(keys: &[SigningKey], now: DateTime<Utc>) -> Vec<(SigningKey, KeyState)> {
    let mut sorted: Vec<&SigningKey> = keys.iter().collect();
    sorted.sort_by(|a, b| (b.activates_at, &b.kid).cmp(&(a.activates_at, &a.kid)));
    let mut successor: HashMap<&str, DateTime<Utc>> = HashMap::new();
    let mut out = Vec::new();
    for key in sorted {
        let state = if key.retired_at.is_some_and(|r| r <= now) {
            KeyState::Expired
        } else if key.activates_at > now {
            KeyState::Next
        } else {
            match successor.get(key.alg.as_str()) {
                None => KeyState::Active,
                Some(replaced_at) if *replaced_at + PUBLISH_AFTER > now => KeyState::Previous,
                Some(_) => KeyState::Expired,
            }
        };
        if key.activates_at <= now {
            successor.entry(key.alg.as_str()).or_insert(key.activates_at);
        }
        out.push((key.clone(), state));
    }
    out
}

/// Makes sure each algorithm has a key (first start, or an algorithm added by an upgrade). Instances starting
/// together may each add one, which is harmless: all are published and the same one signs everywhere.
///
/// Fails when a published key cannot be opened: the database was sealed under another `secret_key`, and starting
/// anyway would answer every token request with an error while looking healthy.
pub async fn ensure(store: &dyn Store, sealer: &Sealer, now: DateTime<Utc>) -> Result<()> {
    let existing = store.signing_keys().await?;
    for (key, state) in states(&existing, now) {
        if state.published() && sealer.open(&key.private_enc, &context(&key.kid)).is_err() {
            return Err(Error::Invalid(format!(
                "the signing key {} cannot be opened with this secret_key: the database was set up with another \
                 one (restore the original secret_key or secret.key)",
                key.kid
            )));
        }
    }
    for alg in ALGORITHMS {
        if !has_active(&existing, alg, now) {
            store.insert_signing_key(&generate(sealer, alg, now, now)?).await?;
        }
    }
    Ok(())
}

fn has_active(keys: &[SigningKey], alg: &str, now: DateTime<Utc>) -> bool {
    states(keys, now)
        .iter()
        .any(|(k, s)| k.alg == alg && *s == KeyState::Active)
}

/// Adds the next key for `alg`: signing after `PUBLISH_AHEAD`, or at once with `immediately` (or when no key of
/// `alg` signs yet, so there is nothing to overlap with).
pub async fn rotate(
    store: &dyn Store,
    sealer: &Sealer,
    origin: &Origin,
    alg: &str,
    now: DateTime<Utc>,
    immediately: bool,
) -> Result<SigningKey> {
    let immediately = immediately || !has_active(&store.signing_keys().await?, alg, now);
    let activates_at = if immediately { now } else { now + PUBLISH_AHEAD };
    let key = generate(sealer, alg, now, activates_at)?;
    store.insert_signing_key(&key).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::OidcSigningKeyRotated,
        Outcome::Success,
        None,
        json!({ "kid": key.kid, "alg": alg, "activates_at": activates_at }),
    )
    .await?;
    Ok(key)
}

/// `gatehouse keys rotate` and `POST /api/v1/keys/rotate`: the next key for `alg`, or for every algorithm when
/// none is named; each rotation audited on its own.
pub async fn rotate_algorithms(
    store: &dyn Store,
    sealer: &Sealer,
    origin: &Origin,
    alg: Option<&str>,
    now: DateTime<Utc>,
    immediately: bool,
) -> Result<Vec<SigningKey>> {
    let algs: Vec<&str> = match alg {
        Some(alg) if ALGORITHMS.contains(&alg) => vec![alg],
        Some(alg) => {
            return Err(Error::invalid(format!(
                "alg: unknown algorithm '{}': use one of {}",
                crate::core::model::truncate(alg, 32),
                ALGORITHMS.join(", ")
            )));
        }
        None => ALGORITHMS.to_vec(),
    };
    let mut added = Vec::with_capacity(algs.len());
    for alg in algs {
        added.push(rotate(store, sealer, origin, alg, now, immediately).await?);
    }
    Ok(added)
}

/// When `key` stops being published: `PUBLISH_AFTER` after the next key of its algorithm starts signing (which
/// may be scheduled already), or its stored retirement; `None` while nothing replaces it.
pub fn retires_at(keys: &[SigningKey], key: &SigningKey) -> Option<DateTime<Utc>> {
    let replaced_at = keys
        .iter()
        .filter(|k| k.alg == key.alg && (k.activates_at, &k.kid) > (key.activates_at, &key.kid))
        .map(|k| k.activates_at)
        .min();
    match (replaced_at.map(|at| at + PUBLISH_AFTER), key.retired_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// An opened key: what signs and what verifies.
pub struct Loaded {
    pub kid: String,
    pub alg: Algorithm,
    pub signer: JwsSigner,
    pub decoding: DecodingKey,
}

#[derive(Default)]
struct Cache {
    list: Option<(Instant, Arc<Vec<SigningKey>>)>,
    opened: HashMap<String, Arc<Loaded>>,
}

/// The keys as this instance sees them: the stored list (re-read every `LIST_TTL`) and keys opened so far.
pub struct KeyRing {
    sealer: Sealer,
    cache: RwLock<Cache>,
}

impl KeyRing {
    pub fn new(sealer: Sealer) -> Self {
        KeyRing {
            sealer,
            cache: RwLock::new(Cache::default()),
        }
    }

    /// Forgets the key list, so the next use re-reads it (after a rotation in this process).
    pub fn refresh(&self) {
        if let Ok(mut cache) = self.cache.write() {
            cache.list = None;
        }
    }

    async fn list(&self, store: &dyn Store) -> Result<Arc<Vec<SigningKey>>> {
        if let Ok(cache) = self.cache.read()
            && let Some((read_at, list)) = &cache.list
            && read_at.elapsed() < LIST_TTL
        {
            return Ok(list.clone());
        }
        let list = Arc::new(store.signing_keys().await?);
        if let Ok(mut cache) = self.cache.write() {
            cache.list = Some((Instant::now(), list.clone()));
        }
        Ok(list)
    }

    fn open(&self, key: &SigningKey) -> Result<Arc<Loaded>> {
        if let Ok(cache) = self.cache.read()
            && let Some(loaded) = cache.opened.get(&key.kid)
        {
            return Ok(loaded.clone());
        }
        let private = self.sealer.open(&key.private_enc, &context(&key.kid))?;
        let alg: Algorithm = key.alg.parse().map_err(|_| internal("unknown key algorithm"))?;
        let loaded = Arc::new(Loaded {
            kid: key.kid.clone(),
            alg,
            signer: JwsSigner::open(alg, &private)?,
            decoding: public_key(&key.public_jwk).ok_or_else(|| internal("unreadable public key"))?,
        });
        if let Ok(mut cache) = self.cache.write() {
            cache.opened.insert(key.kid.clone(), loaded.clone());
        }
        Ok(loaded)
    }

    /// The key that signs `alg` tokens now.
    pub async fn signer(&self, store: &dyn Store, alg: &str, now: DateTime<Utc>) -> Result<Arc<Loaded>> {
        let list = self.list(store).await?;
        let key = states(&list, now)
            .into_iter()
            .find(|(k, s)| k.alg == alg && *s == KeyState::Active)
            .map(|(k, _)| k)
            .ok_or_else(|| Error::Internal(format!("no active {alg} signing key")))?;
        self.open(&key)
    }

    /// A published key, to verify one of our own tokens.
    pub async fn verifier(&self, store: &dyn Store, kid: &str, now: DateTime<Utc>) -> Result<Option<Arc<Loaded>>> {
        let list = self.list(store).await?;
        match states(&list, now)
            .into_iter()
            .find(|(k, s)| k.kid == kid && s.published())
        {
            Some((key, _)) => self.open(&key).map(Some),
            None => Ok(None),
        }
    }

    /// The JWK Set: every published key.
    pub async fn jwks(&self, store: &dyn Store, now: DateTime<Utc>) -> Result<Value> {
        let list = self.list(store).await?;
        let keys: Vec<Value> = states(&list, now)
            .into_iter()
            .filter(|(_, s)| s.published())
            .map(|(k, _)| k.public_jwk)
            .collect();
        Ok(json!({ "keys": keys }))
    }
}

/// A verification key from a public JWK (ours, or a client's for `private_key_jwt`).
pub fn public_key(jwk: &Value) -> Option<DecodingKey> {
    let jwk: Jwk = serde_json::from_value(jwk.clone()).ok()?;
    DecodingKey::from_jwk(&jwk).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(alg: &str, kid: &str, activates_at: DateTime<Utc>) -> SigningKey {
        SigningKey {
            kid: kid.into(),
            alg: alg.into(),
            private_enc: String::new(),
            public_jwk: Value::Null,
            created_at: activates_at,
            activates_at,
            retired_at: None,
        }
    }

    #[test]
    fn rotation_publishes_before_and_after_signing() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("valid time");
        let keys = [
            key("ES256", "old", t0),
            key("ES256", "new", t0 + Duration::minutes(60)),
            key("RS256", "rsa", t0),
        ];
        let at = |t: DateTime<Utc>| {
            states(&keys, t)
                .into_iter()
                .map(|(k, s)| (k.kid, s))
                .collect::<HashMap<_, _>>()
        };
        let before = at(t0 + Duration::minutes(59));
        assert_eq!(before["old"], KeyState::Active);
        assert_eq!(before["new"], KeyState::Next);
        assert_eq!(before["rsa"], KeyState::Active, "other algorithms are independent");
        let after = at(t0 + Duration::minutes(61));
        assert_eq!(after["new"], KeyState::Active);
        assert_eq!(after["old"], KeyState::Previous);
        let later = at(t0 + Duration::minutes(60) + PUBLISH_AFTER);
        assert_eq!(later["old"], KeyState::Expired);
        assert_eq!(later["rsa"], KeyState::Active);
        // Retirement is when the state turns Expired: PUBLISH_AFTER after the successor starts signing.
        assert_eq!(
            retires_at(&keys, &keys[0]),
            Some(t0 + Duration::minutes(60) + PUBLISH_AFTER)
        );
        assert_eq!(retires_at(&keys, &keys[1]), None, "nothing replaces the newest key");
        assert_eq!(retires_at(&keys, &keys[2]), None, "other algorithms are independent");
    }

    #[test]
    fn generated_keys_sign_and_verify() {
        let sealer = Sealer::new([3; 32]);
        let now = Utc::now();
        for alg in ALGORITHMS {
            let key = generate(&sealer, alg, now, now).expect("generated");
            let ring = KeyRing::new(sealer.clone());
            let loaded = ring.open(&key).expect("opens");
            let mut header = jsonwebtoken::Header::new(loaded.alg);
            header.kid = Some(key.kid.clone());
            let claims = json!({ "sub": "x", "exp": now.timestamp() + 60 });
            header.typ = Some("at+jwt".into());
            let token = loaded.signer.sign(&header, &claims).expect("signs");
            let mut validation = jsonwebtoken::Validation::new(loaded.alg);
            validation.required_spec_claims.clear();
            let decoded = jsonwebtoken::decode::<Value>(&token, &loaded.decoding, &validation);
            let decoded = decoded.unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert_eq!(decoded.claims, claims);
            assert_eq!(decoded.header.typ.as_deref(), Some("at+jwt"));
            assert_eq!(decoded.header.kid.as_deref(), Some(key.kid.as_str()));
            assert_eq!(key.public_jwk["alg"], alg);

            // A changed byte in the claims breaks the signature; a header naming another algorithm is refused.
            let mut tampered = token.into_bytes();
            let at = tampered.iter().position(|b| *b == b'.').expect("three parts") + 3;
            tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(tampered).expect("ascii");
            assert!(jsonwebtoken::decode::<Value>(&tampered, &loaded.decoding, &validation).is_err());
            let other = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
            assert!(loaded.signer.sign(&other, &claims).is_err(), "{alg}");
        }
    }
}
