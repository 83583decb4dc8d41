//! Factors: what kinds of second factor exist and how they rank (here), and one home per kind that owns its
//! enrolment, its check and its rules — `password` (the first factor), `totp`, `sms`, `oath_token`, `webauthn`,
//! `recovery_code` — plus `enrolment`, the guard, attempt counter and audit every second factor's enrolment
//! shares. Code checks are pure functions of (secret, input, now, last use); each kind's `verify` writes what its
//! check decided (a replay floor, a used code) and answers a [`Checked`], and `core::signin::second_factor` the
//! rest of the sign-in step: the factors never call back into sign-in.
//!
//! This file is a leaf: it imports nothing of `core`, because `core::store` speaks its shapes (`Factor`,
//! `FactorKind`) while every kind's home below goes through the store.
pub mod enrolment;
pub mod oath_token;
pub mod password;
pub mod recovery_code;
pub mod sms;
pub mod totp;
pub mod webauthn;
pub mod webauthn_profile;

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// Serialised as `webauthn`, the same name as `as_str` (snake_case would say `web_authn`).
    #[serde(rename = "webauthn")]
    WebAuthn,
    Totp,
    OathToken,
    Sms,
    RecoveryCode,
}

impl FactorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FactorKind::WebAuthn => "webauthn",
            FactorKind::Totp => "totp",
            FactorKind::OathToken => "oath_token",
            FactorKind::Sms => "sms",
            FactorKind::RecoveryCode => "recovery_code",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "webauthn" => Some(FactorKind::WebAuthn),
            "totp" => Some(FactorKind::Totp),
            "oath_token" => Some(FactorKind::OathToken),
            "sms" => Some(FactorKind::Sms),
            "recovery_code" => Some(FactorKind::RecoveryCode),
            _ => None,
        }
    }

    /// The RFC 8176 authentication-method reference this factor contributes to `amr`.
    pub fn amr(self) -> &'static str {
        match self {
            // Refined per credential at sign-in: `swk` for synced passkeys, plus `user` when verified.
            FactorKind::WebAuthn => "hwk",
            FactorKind::Totp | FactorKind::OathToken => "otp",
            FactorKind::Sms => "sms",
            // RFC 8176 has no value for backup codes; "otp" would overstate them to relying parties.
            FactorKind::RecoveryCode => "rc",
        }
    }

    /// Higher is stronger; the sign-in page offers the strongest first when nothing was used before.
    pub fn strength(self) -> u8 {
        match self {
            // Phishing-resistant: bound to the origin by the browser.
            FactorKind::WebAuthn => 90,
            FactorKind::Totp => 50,
            FactorKind::OathToken => 45,
            // Weakest real factor: SIM swaps, SS7 interception, phishable.
            FactorKind::Sms => 20,
            FactorKind::RecoveryCode => 10,
        }
    }

    /// Backup factors help recover access; they do not count as "having a second factor" on their own.
    pub fn is_backup(self) -> bool {
        matches!(self, FactorKind::RecoveryCode)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorStatus {
    /// Enrolment started; not usable until the user proves it works.
    Pending,
    Active,
}

impl FactorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FactorStatus::Pending => "pending",
            FactorStatus::Active => "active",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(FactorStatus::Pending),
            "active" => Some(FactorStatus::Active),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Factor {
    pub id: String,
    pub user_id: String,
    pub kind: FactorKind,
    pub name: String,
    pub status: FactorStatus,
    #[serde(skip)]
    pub secret_enc: Option<String>,
    #[serde(skip)]
    pub data: serde_json::Value,
    #[serde(skip)]
    pub last_step: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Factor {
    /// A new factor with a fresh id, no secret and no use yet.
    pub fn new(
        user_id: &str,
        kind: FactorKind,
        name: String,
        status: FactorStatus,
        data: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Self {
        Factor {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_string(),
            kind,
            name,
            status,
            secret_enc: None,
            data,
            last_step: None,
            created_at: now,
            last_used_at: None,
        }
    }

    /// The context a factor's secret is sealed under.
    pub fn seal_context(&self) -> String {
        format!("factor:{}:{}", self.user_id, self.id)
    }

    /// An SMS factor's own verified number (in its data); `None` for other kinds. Independent of the profile's
    /// phone number (`User::phone`): changing one never changes the other.
    pub fn phone(&self) -> Option<&str> {
        if self.kind != FactorKind::Sms {
            return None;
        }
        self.data.get("phone").and_then(|p| p.as_str())
    }

    /// A security key or passkey flagged as a suspected copy (its signature counter went back): refused until it
    /// is removed or an administrator clears the flag (`webauthn`). `false` for other kinds.
    pub fn is_flagged(&self) -> bool {
        self.kind == FactorKind::WebAuthn && self.data.get("flagged").and_then(|f| f.as_bool()).unwrap_or(false)
    }
}

/// What a kind's sign-in check decided (its `verify`); `core::signin::second_factor` concludes the step from it.
pub enum Checked {
    /// Proven; `amr` holds the methods this factor contributes (e.g. `otp`, or `hwk` and `user`).
    Accepted {
        factor: Factor,
        amr: Vec<String>,
    },
    Replayed,
    Wrong,
}

pub(crate) fn accepted(factor: Factor, kind: FactorKind) -> Checked {
    Checked::Accepted {
        factor,
        amr: vec![kind.amr().to_string()],
    }
}

/// The order in which to offer a user's factors: the one used last, then the strongest — except that a kind whose
/// every factor is flagged as a suspected copy comes last, whenever it was used: it is refused anyway, and the
/// page should open on a method that can work. (It is still listed, so an account whose only factor is flagged
/// keeps its second step and reaches the refusal and the way to recovery.)
pub fn offer_order(factors: &[Factor]) -> Vec<FactorKind> {
    let mut active: Vec<&Factor> = factors.iter().filter(|f| f.status == FactorStatus::Active).collect();
    active.sort_by(|a, b| {
        a.is_flagged()
            .cmp(&b.is_flagged())
            .then(b.last_used_at.cmp(&a.last_used_at))
            .then(b.kind.strength().cmp(&a.kind.strength()))
    });
    let mut kinds = Vec::new();
    for factor in active {
        if !kinds.contains(&factor.kind) {
            kinds.push(factor.kind);
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in [
            FactorKind::WebAuthn,
            FactorKind::Totp,
            FactorKind::OathToken,
            FactorKind::Sms,
            FactorKind::RecoveryCode,
        ] {
            assert_eq!(FactorKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FactorKind::parse("password"), None);
    }

    #[test]
    fn a_kind_whose_every_factor_is_flagged_is_offered_last() {
        let now = Utc::now();
        let factor = |kind, used: i64, data| Factor {
            last_used_at: Some(now - chrono::Duration::minutes(used)),
            ..Factor::new("u", kind, "f".into(), FactorStatus::Active, data, now)
        };
        let flagged = serde_json::json!({ "flagged": true });
        let key = factor(FactorKind::WebAuthn, 1, flagged.clone());
        let app = factor(FactorKind::Totp, 60, serde_json::json!({}));
        assert_eq!(
            offer_order(&[key.clone(), app.clone()]),
            [FactorKind::Totp, FactorKind::WebAuthn],
            "used last, but flagged"
        );
        // A second key of the kind that is not flagged keeps the kind in its place.
        let good_key = factor(FactorKind::WebAuthn, 30, serde_json::json!({}));
        assert_eq!(
            offer_order(&[key, app.clone(), good_key]),
            [FactorKind::WebAuthn, FactorKind::Totp]
        );
        // Only WebAuthn credentials are ever flagged.
        assert!(!factor(FactorKind::Totp, 1, flagged).is_flagged());
    }
}
