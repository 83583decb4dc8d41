//! The identity provider's signing key: RSA-2048 with a self-signed certificate (SHA-256, ten years; SAML
//! metadata carries trust, so no CA is involved), generated on first start, the private half sealed in the
//! database so that every instance signs with the same key and publishes the same certificate.
//!
//! Rotation (`rotate`, `gatehouse saml rotate-cert`) adds the next key published at once but signing only from
//! `activates_at` (SPs that import our metadata learn the new certificate first), and schedules every older key
//! to stop being published some time after that (`retired_at`): during the overlap metadata carries both. Which
//! key signs is a pure function of the stored keys and the time, so every instance switches at the same moment.
use std::sync::{Arc, RwLock};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509NameBuilder};

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::crypto::Sealer;
use crate::core::saml::SamlKey;
use crate::core::store::Store;
use crate::core::{Error, Result};

/// How long a generated certificate is valid. SPs pin the certificate from metadata; expiry is not checked by
/// most, but a far date avoids SPs that do check breaking unannounced.
const CERTIFICATE_YEARS: i64 = 10;
/// How long an instance trusts its copy of the key list.
const LIST_TTL: std::time::Duration = std::time::Duration::from_secs(5);

fn internal(what: &str) -> Error {
    Error::Internal(what.into())
}

fn openssl_error(e: openssl::error::ErrorStack) -> Error {
    Error::Internal(format!("openssl: {e}"))
}

fn context(id: &str) -> String {
    format!("saml-key:{id}")
}

/// A new key and certificate for `common_name` (the public host), sealed.
pub fn generate(sealer: &Sealer, common_name: &str, now: DateTime<Utc>) -> Result<SamlKey> {
    generate_at(sealer, common_name, now, now)
}

fn generate_at(sealer: &Sealer, common_name: &str, now: DateTime<Utc>, activates_at: DateTime<Utc>) -> Result<SamlKey> {
    let pkey = PKey::from_rsa(Rsa::generate(2048).map_err(openssl_error)?).map_err(openssl_error)?;
    let mut name = X509NameBuilder::new().map_err(openssl_error)?;
    let cn: String = common_name.chars().take(64).collect();
    name.append_entry_by_text("CN", if cn.is_empty() { "gatehouse" } else { &cn })
        .map_err(openssl_error)?;
    let name = name.build();
    let mut serial = BigNum::new().map_err(openssl_error)?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false).map_err(openssl_error)?;
    let mut builder = X509::builder().map_err(openssl_error)?;
    builder.set_version(2).map_err(openssl_error)?;
    let serial = serial.to_asn1_integer().map_err(openssl_error)?;
    builder.set_serial_number(&serial).map_err(openssl_error)?;
    builder.set_subject_name(&name).map_err(openssl_error)?;
    builder.set_issuer_name(&name).map_err(openssl_error)?;
    builder.set_pubkey(&pkey).map_err(openssl_error)?;
    let not_before = Asn1Time::from_unix(now.timestamp() - 60).map_err(openssl_error)?;
    let not_after =
        Asn1Time::from_unix((now + Duration::days(365 * CERTIFICATE_YEARS)).timestamp()).map_err(openssl_error)?;
    builder.set_not_before(&not_before).map_err(openssl_error)?;
    builder.set_not_after(&not_after).map_err(openssl_error)?;
    builder.sign(&pkey, MessageDigest::sha256()).map_err(openssl_error)?;
    let certificate = builder.build().to_der().map_err(openssl_error)?;
    let id = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(&certificate)[..8])
    };
    let pkcs8 = pkey.private_key_to_pkcs8().map_err(openssl_error)?;
    Ok(SamlKey {
        private_enc: sealer.seal(&pkcs8, &context(&id))?,
        id,
        certificate: STANDARD.encode(certificate),
        created_at: now,
        activates_at,
        retired_at: None,
    })
}

/// Where a key is in its life at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// Published, not signing yet.
    Next,
    /// Signing (and published).
    Active,
    /// Replaced, still published.
    Previous,
    /// No longer published.
    Retired,
}

/// Every key with its state, newest first.
pub fn states(keys: &[SamlKey], now: DateTime<Utc>) -> Vec<(&SamlKey, KeyState)> {
    let signing = active(keys, now).map(|k| k.id.clone());
    let mut list: Vec<_> = keys
        .iter()
        .map(|k| {
            let state = if k.retired_at.is_some_and(|r| r <= now) {
                KeyState::Retired
            } else if Some(&k.id) == signing.as_ref() {
                KeyState::Active
            } else if k.activates_at > now {
                KeyState::Next
            } else {
                KeyState::Previous
            };
            (k, state)
        })
        .collect();
    list.sort_by(|(a, _), (b, _)| (b.activates_at, &b.id).cmp(&(a.activates_at, &a.id)));
    list
}

/// A rotation's schedule: the new key signs `activate_after` from now; older keys stop being published
/// `keep_previous` after that.
pub struct Rotation {
    pub activate_after: Duration,
    pub keep_previous: Duration,
}

/// Adds the next key (see the module docs) and schedules the older ones' retirement; audited.
pub async fn rotate(
    store: &dyn Store,
    sealer: &Sealer,
    origin: &Origin,
    common_name: &str,
    now: DateTime<Utc>,
    rotation: Rotation,
) -> Result<SamlKey> {
    if rotation.activate_after < Duration::zero() || rotation.keep_previous < Duration::zero() {
        return Err(Error::invalid("Rotation periods cannot be negative."));
    }
    let activates_at = now + rotation.activate_after;
    let retire_at = activates_at + rotation.keep_previous;
    let previous = store.saml_keys().await?;
    let key = generate_at(sealer, common_name, now, activates_at)?;
    store.insert_saml_key(&key).await?;
    let mut retiring = Vec::new();
    for old in previous.iter().filter(|k| k.retired_at.is_none_or(|r| r > retire_at)) {
        store.retire_saml_key(&old.id, retire_at).await?;
        retiring.push(old.id.clone());
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::SamlKeyRotated,
        Outcome::Success,
        None,
        serde_json::json!({ "key_id": key.id, "activates_at": activates_at, "retiring": retiring, "retired_at": retire_at }),
    )
    .await?;
    Ok(key)
}

/// The longest delay `rotate_certificate` takes, for either period: one year.
pub const MAX_ROTATION_HOURS: i64 = 24 * 365;

/// What `gatehouse saml rotate-cert` and `POST /api/v1/saml/certificates/rotate` ask for.
#[derive(Clone, Copy, Debug)]
pub struct CertificateRotation {
    /// Hours until the new certificate signs (time for SPs to import our metadata).
    pub activate_in_hours: i64,
    /// Hours the replaced certificates stay in metadata after the new one starts signing.
    pub keep_previous_hours: i64,
    /// Sign with the new certificate at once (`activate_in_hours` is then ignored).
    pub immediately: bool,
}

impl Default for CertificateRotation {
    fn default() -> Self {
        CertificateRotation {
            activate_in_hours: 168,
            keep_previous_hours: 24,
            immediately: false,
        }
    }
}

/// Checks the periods asked for (each 0 to `MAX_ROTATION_HOURS`) and rotates, the new certificate named after
/// the host of `public_url`; audited by `rotate`.
pub async fn rotate_certificate(
    store: &dyn Store,
    sealer: &Sealer,
    origin: &Origin,
    public_url: &url::Url,
    now: DateTime<Utc>,
    asked: CertificateRotation,
) -> Result<SamlKey> {
    for (field, hours) in [
        ("activate_in_hours", asked.activate_in_hours),
        ("keep_previous_hours", asked.keep_previous_hours),
    ] {
        if !(0..=MAX_ROTATION_HOURS).contains(&hours) {
            return Err(Error::invalid(format!(
                "{field}: hours must be between 0 and {MAX_ROTATION_HOURS}"
            )));
        }
    }
    let rotation = Rotation {
        activate_after: if asked.immediately {
            Duration::zero()
        } else {
            Duration::hours(asked.activate_in_hours)
        },
        keep_previous: Duration::hours(asked.keep_previous_hours),
    };
    let common_name = public_url.host_str().unwrap_or("gatehouse");
    rotate(store, sealer, origin, common_name, now, rotation).await
}

/// The certificate's SHA-256 fingerprint (hex, colon-separated) and expiry, as operators compare them with SPs.
pub fn certificate_facts(certificate: &str) -> Result<(String, String)> {
    let der = STANDARD
        .decode(certificate)
        .map_err(|_| internal("a stored SAML certificate is not base64"))?;
    let cert = X509::from_der(&der).map_err(openssl_error)?;
    let digest = cert.digest(MessageDigest::sha256()).map_err(openssl_error)?;
    let fingerprint = digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    Ok((fingerprint, cert.not_after().to_string()))
}

/// When a stored certificate (base64 DER) stops being valid; `None` when it cannot be read. What the console's
/// dashboard and key pages warn about.
pub fn certificate_not_after(certificate: &str) -> Option<DateTime<Utc>> {
    let der = STANDARD.decode(certificate).ok()?;
    let cert = X509::from_der(&der).ok()?;
    let epoch = Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(cert.not_after()).ok()?;
    DateTime::from_timestamp(i64::from(diff.days) * 86_400 + i64::from(diff.secs), 0)
}

/// The key that signs at `now`: the most recently activated unretired one.
fn active(keys: &[SamlKey], now: DateTime<Utc>) -> Option<&SamlKey> {
    keys.iter()
        .filter(|k| k.activates_at <= now && k.retired_at.is_none_or(|r| r > now))
        .max_by(|a, b| (a.activates_at, &a.id).cmp(&(b.activates_at, &b.id)))
}

/// Makes sure a key exists (first start). Instances starting together may each add one; the same one signs
/// everywhere (the newest, ties broken by id) and metadata publishes both.
pub async fn ensure(store: &dyn Store, sealer: &Sealer, common_name: &str, now: DateTime<Utc>) -> Result<()> {
    if active(&store.saml_keys().await?, now).is_some() {
        return Ok(());
    }
    let key = generate(sealer, common_name, now)?;
    store.insert_saml_key(&key).await?;
    audit::record(
        store,
        now,
        &Origin {
            actor: "system".into(),
            ..Default::default()
        },
        AuditKind::SamlKeyGenerated,
        Outcome::Success,
        None,
        serde_json::json!({ "key_id": key.id }),
    )
    .await
}

/// An opened key: what xmlsec signs with and the certificate that goes into KeyInfo.
pub struct Signer {
    pub id: String,
    /// The private key as DER (traditional RSAPrivateKey), the form xmlsec loads.
    pub private_der: Vec<u8>,
    /// Base64 DER.
    pub certificate: String,
}

#[derive(Default)]
struct Cache {
    list: Option<(Instant, Arc<Vec<SamlKey>>)>,
    opened: Option<Arc<Signer>>,
}

/// The keys as this instance sees them (the stored list, re-read every `LIST_TTL`).
pub struct SamlKeyRing {
    sealer: Sealer,
    cache: RwLock<Cache>,
}

impl SamlKeyRing {
    pub fn new(sealer: Sealer) -> Self {
        SamlKeyRing {
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

    async fn list(&self, store: &dyn Store) -> Result<Arc<Vec<SamlKey>>> {
        if let Ok(cache) = self.cache.read()
            && let Some((read_at, list)) = &cache.list
            && read_at.elapsed() < LIST_TTL
        {
            return Ok(list.clone());
        }
        let list = Arc::new(store.saml_keys().await?);
        if let Ok(mut cache) = self.cache.write() {
            cache.list = Some((Instant::now(), list.clone()));
        }
        Ok(list)
    }

    /// The key that signs now.
    pub async fn signer(&self, store: &dyn Store, now: DateTime<Utc>) -> Result<Arc<Signer>> {
        let list = self.list(store).await?;
        let key = active(&list, now).ok_or_else(|| internal("no active SAML signing key"))?;
        if let Ok(cache) = self.cache.read()
            && let Some(opened) = &cache.opened
            && opened.id == key.id
        {
            return Ok(opened.clone());
        }
        let pkcs8 = self.sealer.open(&key.private_enc, &context(&key.id))?;
        let pkey = PKey::private_key_from_pkcs8(&pkcs8).map_err(openssl_error)?;
        let signer = Arc::new(Signer {
            id: key.id.clone(),
            private_der: pkey.private_key_to_der().map_err(openssl_error)?,
            certificate: key.certificate.clone(),
        });
        if let Ok(mut cache) = self.cache.write() {
            cache.opened = Some(signer.clone());
        }
        Ok(signer)
    }

    /// Every certificate metadata publishes: all keys not retired, newest first.
    pub async fn published(&self, store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<String>> {
        let list = self.list(store).await?;
        Ok(list
            .iter()
            .filter(|k| k.retired_at.is_none_or(|r| r > now))
            .map(|k| k.certificate.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificate_is_self_signed_rsa_2048_sha256() {
        let sealer = Sealer::new([5; 32]);
        let now = Utc::now();
        let key = generate(&sealer, "idp.example", now).expect("generated");
        let der = STANDARD.decode(&key.certificate).expect("base64");
        let cert = X509::from_der(&der).expect("certificate");
        let public = cert.public_key().expect("public key");
        assert_eq!(public.bits(), 2048);
        assert!(cert.verify(&public).expect("verifies"), "self-signed");
        assert_eq!(
            cert.signature_algorithm().object().nid(),
            openssl::nid::Nid::SHA256WITHRSAENCRYPTION
        );
        let pkcs8 = sealer.open(&key.private_enc, &context(&key.id)).expect("opens");
        assert!(
            sealer.open(&key.private_enc, "saml-key:other").is_err(),
            "bound to its id"
        );
        let private = PKey::private_key_from_pkcs8(&pkcs8).expect("pkcs8");
        assert!(private.public_eq(&public));
    }
}
