//! Compact JWS signing (RFC 7515 §7.1) with key pairs parsed once per key.
//!
//! `jsonwebtoken::encode` takes an `EncodingKey` (DER bytes) and, with the aws-lc-rs backend, parses and validates
//! that key on every call — for P-256 that check costs about as much as the signature itself. The token endpoint
//! signs one or two tokens per request, so the key ring keeps an opened `JwsSigner` per key instead and this module
//! does the three base64url parts. Verification (ours and the clients' `private_key_jwt`) stays with jsonwebtoken.
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;

use crate::core::{Error, Result};

enum Pair {
    Es256(EcdsaKeyPair),
    Rs256(RsaKeyPair),
    EdDsa(Ed25519KeyPair),
}

/// An opened private key of one of our algorithms.
pub struct JwsSigner {
    pair: Pair,
    rng: SystemRandom,
}

fn unreadable() -> Error {
    Error::Internal("unreadable signing key".into())
}

impl JwsSigner {
    /// Opens `private` as stored by `keys::generate`: PKCS#8 for ES256 and EdDSA, PKCS#1 for RS256.
    pub fn open(alg: Algorithm, private: &[u8]) -> Result<JwsSigner> {
        let pair = match alg {
            Algorithm::ES256 => Pair::Es256(
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, private).map_err(|_| unreadable())?,
            ),
            Algorithm::RS256 => Pair::Rs256(RsaKeyPair::from_der(private).map_err(|_| unreadable())?),
            Algorithm::EdDSA => Pair::EdDsa(Ed25519KeyPair::from_pkcs8(private).map_err(|_| unreadable())?),
            _ => return Err(Error::Internal("unsupported key algorithm".into())),
        };
        Ok(JwsSigner {
            pair,
            rng: SystemRandom::new(),
        })
    }

    pub fn alg(&self) -> Algorithm {
        match self.pair {
            Pair::Es256(_) => Algorithm::ES256,
            Pair::Rs256(_) => Algorithm::RS256,
            Pair::EdDsa(_) => Algorithm::EdDSA,
        }
    }

    fn signature(&self, message: &[u8]) -> Result<Vec<u8>> {
        let failed = |_| Error::Internal("signing failed".into());
        match &self.pair {
            Pair::Es256(pair) => Ok(pair.sign(&self.rng, message).map_err(failed)?.as_ref().to_vec()),
            Pair::Rs256(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut signature)
                    .map_err(failed)?;
                Ok(signature)
            }
            Pair::EdDsa(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    /// `header.claims.signature`, each part base64url without padding. `header.alg` must be this key's.
    pub fn sign<T: Serialize>(&self, header: &Header, claims: &T) -> Result<String> {
        if header.alg != self.alg() {
            return Err(Error::Internal("header algorithm does not match the key".into()));
        }
        let mut token = String::with_capacity(512);
        append_part(header, &mut token)?;
        token.push('.');
        append_part(claims, &mut token)?;
        let signature = self.signature(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }
}

/// Appends the base64url of `value`'s JSON.
fn append_part<T: Serialize + ?Sized>(value: &T, token: &mut String) -> Result<()> {
    let json = serde_json::to_vec(value).map_err(|e| Error::Internal(e.to_string()))?;
    URL_SAFE_NO_PAD.encode_string(json, token);
    Ok(())
}
