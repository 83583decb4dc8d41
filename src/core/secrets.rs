//! Random tokens, their stored digests, and constant-time comparison.
//!
//! Tokens handed to browsers (session cookies, links in mail) carry 256 bits of entropy; only their SHA-256
//! digest is stored, so a copy of the database does not let anyone sign in or use a link.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A fresh random token, URL-safe base64 of 32 bytes from the OS generator.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The digest under which a token is stored and looked up.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// HMAC-SHA256 of `parts` (length-prefixed so that part boundaries cannot shift) under `key`.
pub fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The installation's master secret; purpose-specific keys are derived from it so that one leaked
/// derived key says nothing about another.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        MasterKey(bytes)
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        MasterKey(bytes)
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()?;
        Some(MasterKey(bytes.try_into().ok()?))
    }

    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac(&self.0, &[b"gatehouse-key-derivation", purpose.as_bytes()])
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43); // 256 bits
        assert_eq!(token_digest(&a).len(), 64);
        assert_ne!(token_digest(&a), a);
    }

    #[test]
    fn hmac_parts_do_not_shift() {
        assert_ne!(hmac(b"k", &[b"ab", b"c"]), hmac(b"k", &[b"a", b"bc"]));
    }

    #[test]
    fn derived_keys_differ_by_purpose() {
        let key = MasterKey::generate();
        assert_ne!(key.derive("csrf"), key.derive("other"));
        let again = MasterKey::from_base64(&key.to_base64()).expect("round trip");
        assert_eq!(again.derive("csrf"), key.derive("csrf"));
        assert!(MasterKey::from_base64("c2hvcnQ=").is_none());
    }
}
