//! Passkey profiles per role (issue #18): which WebAuthn credentials a role accepts at registration and which
//! count for the hardware-bound level `phrh`.
//!
//! A role may require **attestation** (the authenticator proves its make and model with a certificate chain
//! that ends at a trust anchor the operator configured: `webauthn_attestation_ca_paths` or the FIDO Metadata
//! Service blob `webauthn_mds_blob_path`), limit it to an **AAGUID allow-list** (models; only meaningful with
//! attestation, since an unattested authenticator can claim any AAGUID — so a list without `required` is
//! refused), require **device-bound** credentials (the backup-eligible flag clear: no synced passkeys) and
//! **user verification** (PIN or biometrics at registration).
//!
//! Several roles combine strictest wins ([`PasskeyProfile::strictest`]): attestation if any role requires it,
//! the AAGUIDs every role that has a list allows (an empty intersection lets no authenticator register),
//! device-bound and user verification if any role asks. Whether a stored credential qualifies is computed
//! whenever it is asked ([`PasskeyProfile::shortfalls`]) against today's profile, never stored: a credential
//! registered before a role was tightened stops counting for `phrh` at once and is shown for re-enrolment.
//! Whatever the profile, `phrh` also needs what it always needed: device-bound and user-verified
//! ([`PasskeyProfile::for_phrh`]).
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::core::model::truncate;
use crate::core::{Error, Result};

/// Longest AAGUID allow-list: catches pasted garbage without constraining real use.
pub const MAX_AAGUIDS: usize = 256;

/// Whether an authenticator must prove its make and model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attestation {
    #[default]
    None,
    Required,
}

impl Attestation {
    pub fn as_str(self) -> &'static str {
        match self {
            Attestation::None => "none",
            Attestation::Required => "required",
        }
    }

    pub fn parse(text: &str) -> Result<Attestation> {
        match text.trim() {
            "none" => Ok(Attestation::None),
            "required" => Ok(Attestation::Required),
            other => Err(Error::invalid(format!(
                "Passkey attestation is none or required, not '{}'.",
                truncate(other, 32)
            ))),
        }
    }
}

/// What one role (or, combined, one user's roles) asks of a WebAuthn credential.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyProfile {
    #[serde(default)]
    pub attestation: Attestation,
    /// Allowed authenticator models; empty: any model the trust anchors attest.
    #[serde(default)]
    pub aaguids: Vec<Uuid>,
    /// Refuse backup-eligible (synced) passkeys.
    #[serde(default)]
    pub device_bound: bool,
    /// Require user verification (PIN or biometrics) at registration.
    #[serde(default)]
    pub user_verification: bool,
}

/// What is known of a stored credential, as registered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CredentialFacts {
    /// Its attestation chained to a configured trust anchor at registration.
    pub attested: bool,
    /// The attested model; `None` when not attested.
    pub aaguid: Option<Uuid>,
    /// `None`: registered before the flag was recorded (never counts as clear).
    pub backup_eligible: Option<bool>,
    pub user_verified: Option<bool>,
}

/// Why a credential does not satisfy a profile; the names are the i18n keys' tails and the API's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    NotAttested,
    ModelNotAllowed,
    Synced,
    NoUserVerification,
}

impl Shortfall {
    pub fn as_str(self) -> &'static str {
        match self {
            Shortfall::NotAttested => "not_attested",
            Shortfall::ModelNotAllowed => "model_not_allowed",
            Shortfall::Synced => "synced",
            Shortfall::NoUserVerification => "no_user_verification",
        }
    }
}

impl PasskeyProfile {
    /// Whether the profile asks nothing (the role left passkeys as they are).
    pub fn is_empty(&self) -> bool {
        *self == PasskeyProfile::default()
    }

    pub fn validate(&self) -> Result<()> {
        if !self.aaguids.is_empty() && self.attestation != Attestation::Required {
            return Err(Error::invalid(
                "An AAGUID allow-list needs passkey attestation required: without attestation, an authenticator \
                 can claim any AAGUID.",
            ));
        }
        if self.aaguids.len() > MAX_AAGUIDS {
            return Err(Error::invalid(format!(
                "An AAGUID allow-list holds at most {MAX_AAGUIDS} entries."
            )));
        }
        Ok(())
    }

    /// The profile of several roles: strictest wins (see the module documentation). Without roles, or when no
    /// role has a profile, the empty profile.
    pub fn strictest<'a>(profiles: impl IntoIterator<Item = &'a PasskeyProfile>) -> PasskeyProfile {
        let mut combined = PasskeyProfile::default();
        let mut lists: Option<Vec<Uuid>> = None;
        for p in profiles {
            combined.attestation = combined.attestation.max(p.attestation);
            combined.device_bound |= p.device_bound;
            combined.user_verification |= p.user_verification;
            if !p.aaguids.is_empty() {
                lists = Some(match lists {
                    None => p.aaguids.clone(),
                    Some(l) => l.into_iter().filter(|a| p.aaguids.contains(a)).collect(),
                });
            }
        }
        // A list that became empty by intersection stays a restriction: a nil-only list allows nothing real.
        combined.aaguids = match lists {
            Some(l) if l.is_empty() => vec![Uuid::nil()],
            Some(l) => l,
            None => Vec::new(),
        };
        combined
    }

    /// This profile as `phrh` judges it: also device-bound and user-verified, whatever the roles say.
    pub fn for_phrh(&self) -> PasskeyProfile {
        PasskeyProfile {
            device_bound: true,
            user_verification: true,
            ..self.clone()
        }
    }

    /// What `credential` lacks under this profile; empty: it qualifies.
    pub fn shortfalls(&self, credential: &CredentialFacts) -> Vec<Shortfall> {
        let mut missing = Vec::new();
        if self.attestation == Attestation::Required && !credential.attested {
            missing.push(Shortfall::NotAttested);
        }
        if !self.aaguids.is_empty()
            && !credential
                .aaguid
                .is_some_and(|a| credential.attested && !a.is_nil() && self.aaguids.contains(&a))
        {
            missing.push(Shortfall::ModelNotAllowed);
        }
        if self.device_bound && credential.backup_eligible != Some(false) {
            missing.push(Shortfall::Synced);
        }
        if self.user_verification && credential.user_verified != Some(true) {
            missing.push(Shortfall::NoUserVerification);
        }
        missing
    }

    pub fn allows(&self, credential: &CredentialFacts) -> bool {
        self.shortfalls(credential).is_empty()
    }

    /// One line for `gatehouse role show` and the console: `attestation=required aaguids=… device-bound uv`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "none".into();
        }
        let mut parts = vec![format!("attestation={}", self.attestation.as_str())];
        if !self.aaguids.is_empty() {
            parts.push(format!("aaguids={}", aaguid_list(&self.aaguids)));
        }
        if self.device_bound {
            parts.push("device-bound".into());
        }
        if self.user_verification {
            parts.push("uv".into());
        }
        parts.join(" ")
    }
}

/// `A,B` for display and for the form field.
pub fn aaguid_list(aaguids: &[Uuid]) -> String {
    aaguids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",")
}

/// `A,B` (comma- or whitespace-separated UUIDs; `none` or empty: no list). Duplicates are dropped.
pub fn parse_aaguids(text: &str) -> Result<Vec<Uuid>> {
    let text = text.trim();
    if text.is_empty() || text == "none" {
        return Ok(Vec::new());
    }
    let mut list: Vec<Uuid> = Vec::new();
    for item in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let aaguid = Uuid::parse_str(item).map_err(|_| {
            Error::invalid(format!(
                "'{}' is not an AAGUID (a UUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8).",
                truncate(item, 40)
            ))
        })?;
        if !list.contains(&aaguid) {
            list.push(aaguid);
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = uuid::uuid!("cb69481e-8ff7-4039-93ec-0a2729a154a8");
    const B: Uuid = uuid::uuid!("ee882879-721c-4913-9775-3dfcce97072a");

    fn attested(aaguid: Uuid) -> CredentialFacts {
        CredentialFacts {
            attested: true,
            aaguid: Some(aaguid),
            backup_eligible: Some(false),
            user_verified: Some(true),
        }
    }

    #[test]
    fn strictest_of_several_roles() {
        let a = PasskeyProfile {
            attestation: Attestation::Required,
            aaguids: vec![A, B],
            ..Default::default()
        };
        let b = PasskeyProfile {
            device_bound: true,
            ..Default::default()
        };
        let c = PasskeyProfile {
            attestation: Attestation::Required,
            aaguids: vec![B],
            user_verification: true,
            ..Default::default()
        };
        let combined = PasskeyProfile::strictest([&a, &b, &c]);
        assert_eq!(combined.attestation, Attestation::Required);
        assert_eq!(combined.aaguids, vec![B]);
        assert!(combined.device_bound && combined.user_verification);
        assert!(PasskeyProfile::strictest([]).is_empty());
        // Disjoint lists allow no model at all, never any model.
        let d = PasskeyProfile {
            attestation: Attestation::Required,
            aaguids: vec![A],
            ..Default::default()
        };
        let none = PasskeyProfile::strictest([&c, &d]);
        assert_eq!(none.shortfalls(&attested(A)), vec![Shortfall::ModelNotAllowed]);
        assert_eq!(none.shortfalls(&attested(B)), vec![Shortfall::ModelNotAllowed]);
    }

    #[test]
    fn shortfalls_name_what_is_missing() {
        let profile = PasskeyProfile {
            attestation: Attestation::Required,
            aaguids: vec![A],
            device_bound: true,
            user_verification: true,
        };
        assert!(profile.allows(&attested(A)));
        assert_eq!(profile.shortfalls(&attested(B)), vec![Shortfall::ModelNotAllowed]);
        let unknown = CredentialFacts::default();
        assert_eq!(
            profile.shortfalls(&unknown),
            vec![
                Shortfall::NotAttested,
                Shortfall::ModelNotAllowed,
                Shortfall::Synced,
                Shortfall::NoUserVerification
            ]
        );
        // An AAGUID that was not attested is only a claim.
        let claimed = CredentialFacts {
            attested: false,
            ..attested(A)
        };
        assert!(profile.shortfalls(&claimed).contains(&Shortfall::ModelNotAllowed));
        // The empty profile asks nothing; phrh still asks device-bound and user-verified.
        assert!(PasskeyProfile::default().allows(&unknown));
        assert_eq!(
            PasskeyProfile::default().for_phrh().shortfalls(&unknown),
            vec![Shortfall::Synced, Shortfall::NoUserVerification]
        );
    }

    #[test]
    fn an_allow_list_needs_attestation_and_parses_strictly() {
        let list = PasskeyProfile {
            aaguids: vec![A],
            ..Default::default()
        };
        assert!(list.validate().is_err());
        assert_eq!(parse_aaguids(&format!("{A}, {B},{A}")).unwrap(), vec![A, B]);
        assert!(parse_aaguids("none").unwrap().is_empty());
        assert!(parse_aaguids("yubikey").is_err());
        assert!(Attestation::parse("direct").is_err());
    }
}
