//! Signing keys: ES256 (P-256) generated with aws-lc-rs on first start, the private key sealed in the database so
//! every instance signs with the same key; JWKS publishes the public halves of all keys not retired.
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde_json::{Value, json};

use crate::core::crypto::Sealer;
use crate::core::oauth::SigningKey;
use crate::core::store::Store;
use crate::core::{Error, Result};

fn context(kid: &str) -> String {
    format!("signing-key:{kid}")
}

/// A new ES256 key, sealed.
pub fn generate(sealer: &Sealer, now: DateTime<Utc>) -> Result<SigningKey> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| Error::Internal("key generation failed".into()))?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
        .map_err(|_| Error::Internal("key parsing failed".into()))?;
    let point = pair.public_key().as_ref(); // 0x04 || X || Y
    if point.len() != 65 {
        return Err(Error::Internal("unexpected P-256 public key".into()));
    }
    let kid = hex::encode(&sha2_digest(point)[..8]);
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]),
    });
    Ok(SigningKey {
        private_enc: sealer.seal(pkcs8.as_ref(), &context(&kid))?,
        kid,
        alg: "ES256".into(),
        public_jwk: jwk,
        created_at: now,
        retired_at: None,
    })
}

fn sha2_digest(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// Makes sure a signing key exists (first start); instances starting together may each add one, which is harmless:
/// all are published, the newest signs.
pub async fn ensure(store: &dyn Store, sealer: &Sealer, now: DateTime<Utc>) -> Result<()> {
    if store.signing_keys().await?.is_empty() {
        store.insert_signing_key(&generate(sealer, now)?).await?;
    }
    Ok(())
}

/// The key new tokens are signed with: the newest.
pub async fn active(store: &dyn Store, sealer: &Sealer) -> Result<(String, EncodingKey)> {
    let key = store
        .signing_keys()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal("no signing key".into()))?;
    let pkcs8 = sealer.open(&key.private_enc, &context(&key.kid))?;
    Ok((key.kid, EncodingKey::from_ec_der(&pkcs8)))
}

pub async fn jwks(store: &dyn Store) -> Result<Value> {
    Ok(json!({ "keys": store.signing_keys().await?.into_iter().map(|k| k.public_jwk).collect::<Vec<_>>() }))
}

/// The public key for `kid`, to verify our own tokens (userinfo).
pub async fn decoding_key(store: &dyn Store, kid: &str) -> Result<Option<DecodingKey>> {
    let Some(key) = store.signing_keys().await?.into_iter().find(|k| k.kid == kid) else {
        return Ok(None);
    };
    let (Some(x), Some(y)) = (key.public_jwk["x"].as_str(), key.public_jwk["y"].as_str()) else {
        return Ok(None);
    };
    Ok(DecodingKey::from_ec_components(x, y).ok())
}
