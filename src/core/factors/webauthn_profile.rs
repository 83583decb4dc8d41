//! WebAuthn under a passkey profile (`core::policy::passkey_profile`): the attestation trust anchors, the two
//! registration ceremonies (plain, or attested when the user's roles require attestation), and what a stored
//! credential is (attested, its model, its flags) — read back from the factor's data whenever a profile asks.
//!
//! Trust anchors are the operator's input, read once at start from files (never the network): PEM root
//! certificates (`webauthn_attestation_ca_paths`), each trusted for any model it attests, and the FIDO Metadata
//! Service blob (`webauthn_mds_blob_path`), whose entries name a model (AAGUID), its description and its root
//! certificates. The blob is a JWT; its signature is **not** verified here (no maintained crate checks the MDS
//! chain cleanly): the file is trusted as the operator put it there (docs/factors.md says how to fetch and check
//! it). Entries whose status reports a compromise or revocation are left out.
//!
//! Attestation is judged at registration against the anchors then configured and recorded with the credential
//! (`attested`, `aaguid`, `attested_by`); a later profile is judged against that record, so tightening a role
//! needs no re-registration of credentials that already satisfy it.
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use webauthn_rs::prelude::{
    AttestationCaList, AttestationCaListBuilder, AttestationMetadata, AttestedPasskey, AttestedPasskeyRegistration,
    PasskeyRegistration, Uuid, WebauthnError,
};

use super::{Factor, FactorKind};
use crate::core::policy::passkey_profile::{CredentialFacts, PasskeyProfile, Shortfall};
use crate::core::{Error, Result};

/// The attestation trust anchors the operator configured; empty: attestation cannot be required.
#[derive(Clone, Debug, Default)]
pub struct AttestationTrust {
    cas: AttestationCaList,
    /// How many metadata entries were taken from the MDS blob (for the start-up log).
    pub mds_entries: usize,
}

/// Statuses (FIDO MDS3 §3.1.4) that take a model out of the trust list.
const COMPROMISED: [&str; 5] = [
    "REVOKED",
    "USER_VERIFICATION_BYPASS",
    "ATTESTATION_KEY_COMPROMISE",
    "USER_KEY_REMOTE_COMPROMISE",
    "USER_KEY_PHYSICAL_COMPROMISE",
];

impl AttestationTrust {
    /// Builds the anchors from PEM root certificates (`(file name, contents)`) and an MDS3 blob's contents.
    /// A file that cannot be read as what it should be is an error that names it.
    pub fn from_sources(pems: &[(String, Vec<u8>)], mds_blob: Option<(&str, &[u8])>) -> Result<AttestationTrust> {
        let mut cas = AttestationCaList::default();
        for (name, pem) in pems {
            let one = AttestationCaList::try_from(pem.as_slice())
                .map_err(|e| Error::invalid(format!("{name}: not a PEM certificate ({e})")))?;
            cas.union(&one);
        }
        let mut mds_entries = 0;
        if let Some((name, blob)) = mds_blob {
            let (list, entries) = mds_list(blob).map_err(|e| Error::invalid(format!("{name}: {e}")))?;
            cas.union(&list);
            mds_entries = entries;
        }
        Ok(AttestationTrust { cas, mds_entries })
    }

    pub fn is_empty(&self) -> bool {
        self.cas.is_empty()
    }

    /// The list the attested ceremony checks against.
    pub fn cas(&self) -> &AttestationCaList {
        &self.cas
    }

    /// How many root certificates are trusted.
    pub fn len(&self) -> usize {
        self.cas.len()
    }
}

/// The MDS3 blob's entries with an AAGUID, their root certificates and descriptions.
fn mds_list(blob: &[u8]) -> std::result::Result<(AttestationCaList, usize), String> {
    let text = std::str::from_utf8(blob).map_err(|_| "the MDS blob is not text (a JWT)".to_string())?;
    let payload = text
        .trim()
        .split('.')
        .nth(1)
        .ok_or("the MDS blob is not a JWT (header.payload.signature)")?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| "the MDS blob's payload is not base64url")?;
    let payload: Value = serde_json::from_slice(&payload).map_err(|_| "the MDS blob's payload is not JSON")?;
    let entries = payload
        .get("entries")
        .and_then(Value::as_array)
        .ok_or("the MDS blob has no entries")?;
    let mut builder = AttestationCaListBuilder::new();
    let mut taken = 0;
    for entry in entries {
        let Some(aaguid) = entry
            .get("aaguid")
            .and_then(Value::as_str)
            .and_then(|a| Uuid::parse_str(a).ok())
        else {
            continue; // U2F and other entries without an AAGUID cannot attest a passkey's model.
        };
        let compromised = entry
            .get("statusReports")
            .and_then(Value::as_array)
            .is_some_and(|reports| {
                reports
                    .iter()
                    .filter_map(|r| r.get("status").and_then(Value::as_str))
                    .any(|s| COMPROMISED.contains(&s))
            });
        if compromised {
            continue;
        }
        let statement = entry.get("metadataStatement");
        let description = statement
            .and_then(|s| s.get("description"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let roots = statement
            .and_then(|s| s.get("attestationRootCertificates"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut any = false;
        for root in roots.iter().filter_map(Value::as_str) {
            let der = base64::engine::general_purpose::STANDARD
                .decode(root)
                .map_err(|_| format!("entry {aaguid}: a root certificate is not base64"))?;
            builder
                .insert_device_der(&der, aaguid, description.clone(), Default::default())
                .map_err(|e| format!("entry {aaguid}: a root certificate is not DER ({e})"))?;
            any = true;
        }
        taken += usize::from(any);
    }
    Ok((builder.build(), taken))
}

/// The state of a registration ceremony, as stored under the session; which of the two was started.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ceremony {
    Passkey(PasskeyRegistration),
    Attested(AttestedPasskeyRegistration),
}

impl Ceremony {
    /// Reads a stored state; one stored before attestation existed is a plain passkey registration.
    pub fn read(stored: &str) -> Result<Ceremony> {
        serde_json::from_str(stored)
            .or_else(|_| serde_json::from_str(stored).map(Ceremony::Passkey))
            .map_err(|e| Error::Internal(e.to_string()))
    }
}

/// What an attested registration proved: the model and the anchor that vouched for it.
pub fn attested_record(passkey: &AttestedPasskey, trust: &AttestationTrust) -> Value {
    let aaguid = match &passkey.attestation().metadata {
        AttestationMetadata::Packed { aaguid } | AttestationMetadata::Tpm { aaguid, .. } => Some(*aaguid),
        _ => None,
    };
    let by = passkey.verify_attestation(&trust.cas).ok().map(|ca| {
        aaguid
            .and_then(|a| ca.aaguids().get(&a))
            .map(|d| d.description_en().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| ca.ca().tbs_certificate().subject().to_string())
    });
    json!({ "attested": true, "aaguid": aaguid, "attested_by": by })
}

/// The clear message for a registration the webauthn library refused under an attested ceremony.
pub fn refusal(e: &WebauthnError) -> Option<Shortfall> {
    match e {
        WebauthnError::AttestationNotVerifiable
        | WebauthnError::AttestationChainNotTrusted(_)
        | WebauthnError::AttestationTrustFailure
        | WebauthnError::AttestationFormatMissingAaguid
        | WebauthnError::MissingAttestationCaList => Some(Shortfall::NotAttested),
        WebauthnError::AttestationUntrustedAaguid => Some(Shortfall::ModelNotAllowed),
        WebauthnError::CredentialMayNotBeHardwareBound => Some(Shortfall::Synced),
        _ => None,
    }
}

/// What a stored credential is, from its factor's data (`attested`, `aaguid`, the flags recorded at registration).
pub fn facts(factor: &Factor) -> CredentialFacts {
    let data = &factor.data;
    CredentialFacts {
        attested: data.get("attested").and_then(Value::as_bool) == Some(true),
        aaguid: data
            .get("aaguid")
            .and_then(Value::as_str)
            .and_then(|a| Uuid::parse_str(a).ok()),
        backup_eligible: data.get("backup_eligible").and_then(Value::as_bool),
        user_verified: data.get("user_verified").and_then(Value::as_bool),
    }
}

/// What `factor` lacks for `phrh` under `profile` (which adds to the built-in rule: device-bound, user-verified).
pub fn phrh_shortfalls(factor: &Factor, profile: &PasskeyProfile) -> Vec<Shortfall> {
    if factor.kind != FactorKind::WebAuthn {
        return vec![Shortfall::NotAttested];
    }
    profile.for_phrh().shortfalls(&facts(factor))
}

/// The message for a registration refused under the profile, naming the first thing missing.
pub fn refusal_message(missing: Shortfall) -> &'static str {
    match missing {
        Shortfall::NotAttested => {
            "Your role accepts only security keys whose make and model can be verified (attestation), and this \
             authenticator's could not be. Use a security key your organisation issued."
        }
        Shortfall::ModelNotAllowed => {
            "Your role accepts only certain security key models, and this is not one of them. Use a security key \
             your organisation issued."
        }
        Shortfall::Synced => {
            "Your role accepts only security keys bound to one device, and this is a synced passkey. Use a \
             security key, or a passkey that stays on this device."
        }
        Shortfall::NoUserVerification => {
            "Your role requires an authenticator that checks a PIN or biometrics, and this one did not."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(payload: Value) -> Vec<u8> {
        let enc = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        format!(
            "{}.{}.sig",
            enc(b"{\"alg\":\"none\"}"),
            enc(payload.to_string().as_bytes())
        )
        .into_bytes()
    }

    #[test]
    fn a_bad_mds_blob_is_refused_with_its_name() {
        for bad in [b"not a jwt".to_vec(), blob(json!({ "no": "entries" }))] {
            let e = AttestationTrust::from_sources(&[], Some(("mds.jwt", &bad))).unwrap_err();
            assert!(e.to_string().contains("mds.jwt"), "{e}");
        }
        let bad_root = blob(json!({ "entries": [{
            "aaguid": "cb69481e-8ff7-4039-93ec-0a2729a154a8",
            "metadataStatement": { "attestationRootCertificates": ["AAAA"] }
        }]}));
        assert!(AttestationTrust::from_sources(&[], Some(("mds.jwt", &bad_root))).is_err());
        // Entries without an AAGUID, and revoked ones, are skipped.
        let skipped = blob(json!({ "entries": [
            { "aaid": "4e4e#4005" },
            { "aaguid": "cb69481e-8ff7-4039-93ec-0a2729a154a8", "statusReports": [{ "status": "REVOKED" }],
              "metadataStatement": { "attestationRootCertificates": ["AAAA"] } }
        ]}));
        let trust = AttestationTrust::from_sources(&[], Some(("mds.jwt", &skipped))).unwrap();
        assert!(trust.is_empty());
        assert_eq!(trust.mds_entries, 0);
        let e = AttestationTrust::from_sources(&[("ca.pem".into(), b"nonsense".to_vec())], None).unwrap_err();
        assert!(e.to_string().contains("ca.pem"), "{e}");
    }
}
