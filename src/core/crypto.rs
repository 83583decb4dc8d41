//! Sealing secrets at rest (TOTP seeds, later token seeds and signing keys): XChaCha20-Poly1305 under a key
//! derived from the installation's master key, with a random nonce per value and the owning record's id as
//! associated data, so a sealed value copied onto another record does not open.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use super::{Error, Result};

const VERSION: &str = "v1:";

#[derive(Clone)]
pub struct Sealer {
    key: [u8; 32],
}

impl Sealer {
    pub fn new(key: [u8; 32]) -> Self {
        Sealer { key }
    }

    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<String> {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new((&self.key).into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("sealing failed".into()))?;
        Ok(format!(
            "{VERSION}{}",
            STANDARD.encode([nonce.as_slice(), &sealed].concat())
        ))
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>> {
        let bad = || Error::Internal("a sealed secret does not open (wrong key or tampered)".into());
        let bytes = STANDARD
            .decode(sealed.strip_prefix(VERSION).ok_or_else(bad)?)
            .map_err(|_| bad())?;
        if bytes.len() < 24 + 16 {
            return Err(bad());
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        XChaCha20Poly1305::new((&self.key).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let sealer = Sealer::new([7; 32]);
        let sealed = sealer.seal(b"seed", "factor:a").unwrap();
        assert!(!sealed.contains("seed"));
        assert_ne!(
            sealed,
            sealer.seal(b"seed", "factor:a").unwrap(),
            "fresh nonce each time"
        );
        assert_eq!(sealer.open(&sealed, "factor:a").unwrap(), b"seed");
        assert!(sealer.open(&sealed, "factor:b").is_err(), "bound to its record");
        assert!(
            Sealer::new([8; 32]).open(&sealed, "factor:a").is_err(),
            "bound to the key"
        );
        assert!(sealer.open("v1:AAAA", "factor:a").is_err());
        assert!(sealer.open("garbage", "factor:a").is_err());
    }
}
