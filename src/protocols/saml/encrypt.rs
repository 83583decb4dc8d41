//! `<saml:EncryptedAssertion>` (SAML core §2.3.4, XML Encryption 1.1), built here: samael has no encryption.
//!
//! The assertion is signed first and the signed element encrypted, so the SP verifies our signature after
//! decrypting. Data: AES-256-GCM by default (`xmlenc11#aes256-gcm`, a fresh 256-bit key and 96-bit IV per
//! assertion; CipherValue = IV ‖ ciphertext ‖ 128-bit tag) — authenticated, so the CBC padding-oracle attacks on
//! XML Encryption do not apply; AES-256-CBC (`xmlenc#aes256-cbc`, 128-bit IV, PKCS#7 padding — one of the
//! paddings XML Encryption's rule accepts; CipherValue = IV ‖ ciphertext) only for SPs registered with it
//! because their stack lacks GCM. Key transport: RSA-OAEP with MGF1/SHA-1 (`xmlenc#rsa-oaep-mgf1p`) under the SP's
//! encryption certificate from its registered metadata, never one carried in a message.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::encrypt::Encrypter;
use openssl::rsa::Padding;
use openssl::symm::{Cipher, encrypt, encrypt_aead};
use openssl::x509::X509;

use super::new_id;
use crate::core::saml::EncryptionMethod;
use crate::core::{Error, Result};

pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
const ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";

const KEY_BYTES: usize = 32;
const IV_BYTES: usize = 12;
const CBC_IV_BYTES: usize = 16;
const TAG_BYTES: usize = 16;

fn failed(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("encrypting the assertion failed ({what}): {e}"))
}

/// The key encrypted for `certificate` (base64 DER) with RSA-OAEP.
fn wrap_key(key: &[u8], certificate: &str) -> Result<Vec<u8>> {
    let der = STANDARD.decode(certificate).map_err(|e| failed("certificate", e))?;
    let public = X509::from_der(&der)
        .and_then(|c| c.public_key())
        .map_err(|e| failed("certificate", e))?;
    let mut encrypter = Encrypter::new(&public).map_err(|e| failed("RSA", e))?;
    encrypter
        .set_rsa_padding(Padding::PKCS1_OAEP)
        .map_err(|e| failed("RSA-OAEP", e))?;
    let mut out = vec![0u8; encrypter.encrypt_len(key).map_err(|e| failed("RSA", e))?];
    let len = encrypter.encrypt(key, &mut out).map_err(|e| failed("RSA", e))?;
    out.truncate(len);
    Ok(out)
}

/// `element` (a signed `saml:Assertion`, with its own namespace declarations) encrypted for the SP holding
/// `certificate`, as a `saml:EncryptedAssertion` to place where the assertion would be.
pub fn encrypted_assertion(element: &str, certificate: &str, method: EncryptionMethod) -> Result<String> {
    let mut key = [0u8; KEY_BYTES];
    openssl::rand::rand_bytes(&mut key).map_err(|e| failed("random", e))?;
    let data = match method {
        EncryptionMethod::Aes256Gcm => {
            let mut iv = [0u8; IV_BYTES];
            openssl::rand::rand_bytes(&mut iv).map_err(|e| failed("random", e))?;
            let mut tag = [0u8; TAG_BYTES];
            let ciphertext = encrypt_aead(
                Cipher::aes_256_gcm(),
                &key,
                Some(&iv),
                &[],
                element.as_bytes(),
                &mut tag,
            )
            .map_err(|e| failed("AES-GCM", e))?;
            [&iv[..], &ciphertext, &tag].concat()
        }
        EncryptionMethod::Aes256Cbc => {
            let mut iv = [0u8; CBC_IV_BYTES];
            openssl::rand::rand_bytes(&mut iv).map_err(|e| failed("random", e))?;
            let ciphertext = encrypt(Cipher::aes_256_cbc(), &key, Some(&iv), element.as_bytes())
                .map_err(|e| failed("AES-CBC", e))?;
            [&iv[..], &ciphertext].concat()
        }
    };
    let wrapped = wrap_key(&key, certificate)?;
    Ok(format!(
        "<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" \
         Id=\"{id}\" Type=\"{ELEMENT}\"><xenc:EncryptionMethod Algorithm=\"{data_method}\"/>\
         <ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>\
         <xenc:EncryptionMethod Algorithm=\"{RSA_OAEP_MGF1P}\"><ds:DigestMethod Algorithm=\"{SHA1}\"/>\
         </xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{key}</xenc:CipherValue></xenc:CipherData>\
         </xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{data}</xenc:CipherValue>\
         </xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>",
        id = new_id(),
        data_method = method.uri(),
        key = STANDARD.encode(wrapped),
        data = STANDARD.encode(data),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::pkey::PKey;

    /// A reader of what `encrypted_assertion` writes, independent of it: RSA-OAEP, then AES-256-GCM.
    fn decrypt(xml: &str, key: &PKey<openssl::pkey::Private>) -> String {
        let cbc = xml.contains(EncryptionMethod::Aes256Cbc.uri());
        let doc = roxmltree::Document::parse(xml).expect("well-formed");
        let values: Vec<Vec<u8>> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "CipherValue")
            .map(|n| STANDARD.decode(n.text().unwrap()).unwrap())
            .collect();
        let [wrapped, data] = values.as_slice() else {
            panic!("two CipherValues")
        };
        let mut decrypter = openssl::encrypt::Decrypter::new(key).unwrap();
        decrypter.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
        let mut aes = vec![0u8; decrypter.decrypt_len(wrapped).unwrap()];
        let len = decrypter.decrypt(wrapped, &mut aes).unwrap();
        aes.truncate(len);
        let plain = if cbc {
            let (iv, ciphertext) = data.split_at(CBC_IV_BYTES);
            openssl::symm::decrypt(Cipher::aes_256_cbc(), &aes, Some(iv), ciphertext).expect("CBC decrypts")
        } else {
            let (iv, rest) = data.split_at(IV_BYTES);
            let (ciphertext, tag) = rest.split_at(rest.len() - TAG_BYTES);
            openssl::symm::decrypt_aead(Cipher::aes_256_gcm(), &aes, Some(iv), &[], ciphertext, tag)
                .expect("the tag verifies")
        };
        String::from_utf8(plain).unwrap()
    }

    fn certificate(key: &PKey<openssl::pkey::Private>) -> String {
        let mut name = openssl::x509::X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "sp").unwrap();
        let name = name.build();
        let mut builder = X509::builder().unwrap();
        builder.set_subject_name(&name).unwrap();
        builder.set_issuer_name(&name).unwrap();
        builder.set_pubkey(key).unwrap();
        builder
            .set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        builder
            .set_not_after(&openssl::asn1::Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        builder.sign(key, openssl::hash::MessageDigest::sha256()).unwrap();
        STANDARD.encode(builder.build().to_der().unwrap())
    }

    #[test]
    fn the_sp_key_gives_back_the_element_and_only_it_does() {
        let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
        let element = "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_a\"/>";
        let gcm = EncryptionMethod::Aes256Gcm;
        let encrypted = encrypted_assertion(element, &certificate(&key), gcm).expect("encrypts");
        assert!(encrypted.starts_with("<saml:EncryptedAssertion>"));
        assert!(encrypted.contains(gcm.uri()) && encrypted.contains(RSA_OAEP_MGF1P));
        assert!(!encrypted.contains("_a\""), "nothing of the assertion in clear");
        let wrapped = format!("<r xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">{encrypted}</r>");
        assert_eq!(decrypt(&wrapped, &key), element);
        let again = encrypted_assertion(element, &certificate(&key), gcm).unwrap();
        assert_ne!(again, encrypted, "a fresh key and IV every time");
        let other = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
        let result = std::panic::catch_unwind(|| decrypt(&wrapped, &other));
        assert!(result.is_err(), "another key cannot read it");
        assert!(encrypted_assertion(element, "not base64!", gcm).is_err());
        // CBC, for SPs without GCM: the same element back.
        let cbc = EncryptionMethod::Aes256Cbc;
        let encrypted = encrypted_assertion(element, &certificate(&key), cbc).expect("encrypts");
        assert!(encrypted.contains(cbc.uri()) && !encrypted.contains(gcm.uri()));
        let wrapped = format!("<r xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">{encrypted}</r>");
        assert_eq!(decrypt(&wrapped, &key), element);
    }
}
