//! The recovery-code factor, whole: generating a set (`new_recovery_codes`), the sign-in check (`verify`) and
//! the code rules. Ten codes of 50 random bits each, shown once, stored as keyed hashes (HMAC-SHA256 under a key
//! derived from the master key), each usable once (the store marks a code used in one conditional update). Codes
//! back up a primary factor: an account gets them only once it has one.
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde_json::json;

use super::enrolment;
use super::{Checked, Factor, FactorKind, FactorStatus, accepted};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::context::RequestCtx;
use crate::core::model::{Session, User};
use crate::core::notify::{Notifier, notify};
use crate::core::secrets::hmac;
use crate::core::store::{CodeUse, Store};
use crate::core::{Error, Keys, Result};

pub const COUNT: usize = 10;
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i

pub fn generate() -> Vec<String> {
    let mut rng = rand::rng();
    (0..COUNT)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// Case, spaces and dashes do not matter when typing a code back.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_lowercase();
    (code.len() == 10 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

pub fn digest(key: &[u8; 32], normalized: &str) -> String {
    hex::encode(hmac(key, &[b"recovery-code", normalized.as_bytes()]))
}

/// A new set of codes, to show once, and what replacing the old set took along.
#[derive(Clone, Debug)]
pub struct NewCodes {
    pub codes: Vec<String>,
    /// The codes replace an earlier set (which no longer works).
    pub replaced: bool,
    /// Trusted browsers revoked with the old set (every one the user had; none for a first set).
    pub trusted_devices_revoked: u64,
}

/// Ten new one-time codes, replacing any earlier ones; shown once, stored as keyed hashes. Only for users
/// who have a primary factor: backup codes alone are not a second factor.
pub async fn new_recovery_codes(
    store: &dyn Store,
    notifier: &dyn Notifier,
    keys: &Keys,
    now: DateTime<Utc>,
    origin: &Origin,
    session: &Session,
    user: &User,
) -> Result<NewCodes> {
    let factors = enrolment::require_may_add(store, now, session, user, FactorKind::RecoveryCode).await?;
    if !factors
        .iter()
        .any(|f| f.status == FactorStatus::Active && !f.kind.is_backup())
    {
        return Err(Error::invalid(
            "Add an authenticator app or security key first; recovery codes back it up.",
        ));
    }
    let codes = generate();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| normalize(c))
        .map(|c| digest(&keys.recovery_codes, &c))
        .collect();
    let factor = Factor::new(
        &user.id,
        FactorKind::RecoveryCode,
        "Recovery codes".into(),
        FactorStatus::Active,
        json!({}),
        now,
    );
    let replacing = factors
        .iter()
        .any(|f| f.kind == FactorKind::RecoveryCode && f.status == FactorStatus::Active);
    store.replace_recovery_codes(&factor, &hashes).await?;
    // Replacing the recovery codes removes a factor (the old set, perhaps seen by someone): trusted browsers must
    // prove a factor again. A first set is an addition and weakens nothing, so trusted browsers stay.
    let trusted_devices_revoked = if replacing {
        crate::core::signin::trusted_devices::revoke_all(store, now, origin, &user.id, "recovery_codes_replaced")
            .await?
    } else {
        0
    };
    audit::record(
        store,
        now,
        origin,
        AuditKind::FactorRecoveryCodesGenerated,
        Outcome::Success,
        Some(&user.id),
        json!({ "count": hashes.len() }),
    )
    .await?;
    notify(
        notifier,
        user,
        "factor_added",
        json!({ "factor": factor.name, "ip": origin.ip }),
    )
    .await;
    Ok(NewCodes {
        codes,
        replaced: replacing,
        trusted_devices_revoked,
    })
}

/// The sign-in check (dispatched from `core::signin::second_factor::verify`): an unused code of the user's set is used
/// up; a code used before is reported as a replay.
pub async fn verify(ctx: &RequestCtx<'_>, user: &User, factors: &[Factor], code: &str) -> Result<Checked> {
    let Some(normal) = normalize(code) else {
        return Ok(Checked::Wrong);
    };
    Ok(
        match ctx
            .store
            .use_recovery_code(&user.id, &digest(&ctx.keys.recovery_codes, &normal), ctx.now)
            .await?
        {
            CodeUse::Accepted => match factors.first() {
                Some(factor) => accepted(factor.clone(), FactorKind::RecoveryCode),
                None => Checked::Wrong,
            },
            CodeUse::AlreadyUsed => Checked::Replayed,
            CodeUse::Unknown => Checked::Wrong,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_normalise() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), COUNT);
        let code = &codes[0];
        assert_eq!(normalize(&code.to_uppercase().replace('-', " ")), normalize(code));
        assert!(normalize("short").is_none());
        assert!(normalize("0000000000").is_none());
        assert_ne!(digest(&[1; 32], "abcdefghjk"), digest(&[2; 32], "abcdefghjk"));
    }
}
