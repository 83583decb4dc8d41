//! The authenticator-app factor, whole: enrolment (`start`, `pending`, `confirm`), the sign-in check (`verify`)
//! and the code rules under them. TOTP (RFC 6238) as authenticator apps expect it: 160-bit secrets, SHA-1,
//! 6 digits, 30-second steps, ±1 step accepted. A code is accepted once: only a step later than the last
//! accepted one passes (the replay floor; the first code at enrolment sets it), and the store advances that step
//! atomically (`FactorStore::advance_step`), so concurrent submissions of one code yield one success, on every
//! instance. `check` is pure; `verify` and `confirm` write what it decided.
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde_json::json;
use totp_rs::{Builder, Secret, Totp};

use super::enrolment::{self, announce_added, factor_name, marked};
use super::{Checked, Factor, FactorKind, FactorStatus, accepted};
use crate::core::context::RequestCtx;
use crate::core::model::{Session, User};
use crate::core::store::Store;
use crate::core::throttle;
use crate::core::{Error, Keys, Result};

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
pub const SECRET_BYTES: usize = 20;

pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn build(secret: &[u8], account: &str, issuer: &str) -> Result<Totp> {
    Builder::new()
        .with_digits(DIGITS as u8)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .with_account_name(account)
        .with_issuer(Some(issuer))
        .build()
        .map_err(|e| Error::Internal(format!("TOTP parameters: {e}")))
}

/// What an authenticator app needs: the secret in base32, the `otpauth://` URI, and that URI as a QR code
/// (PNG, base64) rendered on the server.
pub struct Provisioning {
    pub secret_base32: String,
    pub uri: String,
    pub qr_png_base64: String,
}

pub fn provisioning(secret: &[u8], account: &str, issuer: &str) -> Result<Provisioning> {
    let totp = build(secret, account, issuer)?;
    let png = totp.to_qr_png().map_err(|e| Error::Internal(format!("QR code: {e}")))?;
    Ok(Provisioning {
        secret_base32: Secret::from(secret.to_vec()).to_base32(),
        uri: totp
            .to_url()
            .map_err(|e| Error::Internal(format!("otpauth URI: {e}")))?,
        qr_png_base64: base64::engine::general_purpose::STANDARD.encode(png),
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    /// The code matches `step`, which is later than any accepted before.
    Accepted {
        step: u64,
    },
    /// The code matches a step already used.
    Replayed,
    Wrong,
}

/// Accepts 6 digits, ignoring spaces (apps show "123 456").
pub fn normalize(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Checks `code` against the steps around `now_unix` (±1). Pure: the caller records the accepted step.
pub fn check(secret: &[u8], code: &str, now_unix: u64, last_step: Option<i64>) -> Check {
    let Some(code) = normalize(code) else {
        return Check::Wrong;
    };
    let Ok(totp) = build(secret, "check", "Gatehouse") else {
        return Check::Wrong;
    };
    let current = now_unix / STEP_SECONDS;
    let mut matched = None;
    // Every candidate step is computed and compared in constant time, so timing does not tell which matched.
    for step in current.saturating_sub(1)..=current + 1 {
        let candidate = totp.generate(step * STEP_SECONDS).to_string();
        if crate::core::secrets::constant_time_eq(candidate.as_bytes(), code.as_bytes()) && matched.is_none() {
            matched = Some(step);
        }
    }
    match matched {
        Some(step) if last_step.is_none_or(|last| (step as i64) > last) => Check::Accepted { step },
        Some(_) => Check::Replayed,
        None => Check::Wrong,
    }
}

pub struct TotpEnrolment {
    pub factor_id: String,
    pub provisioning: Provisioning,
}

/// Starts adding an authenticator app: a pending factor with a new sealed secret (replacing any earlier
/// unfinished one).
pub async fn start(
    store: &dyn Store,
    keys: &Keys,
    now: DateTime<Utc>,
    session: &Session,
    user: &User,
    issuer: &str,
) -> Result<TotpEnrolment> {
    enrolment::require_may_add(store, now, session, user, FactorKind::Totp).await?;
    store.delete_pending_factors(&user.id, FactorKind::Totp).await?;
    let secret = new_secret();
    let mut factor = Factor::new(
        &user.id,
        FactorKind::Totp,
        "Authenticator app".into(),
        FactorStatus::Pending,
        marked(json!({}), session),
        now,
    );
    factor.secret_enc = Some(keys.sealer.seal(&secret, &factor.seal_context())?);
    store.insert_factor(&factor).await?;
    Ok(TotpEnrolment {
        factor_id: factor.id,
        provisioning: provisioning(&secret, &user.username, issuer)?,
    })
}

/// The pending authenticator-app enrolment, shown again (e.g. after a wrong code).
pub async fn pending(
    store: &dyn Store,
    keys: &Keys,
    user: &User,
    factor_id: &str,
    issuer: &str,
) -> Result<TotpEnrolment> {
    let factor = enrolment::pending_factor(store, user, factor_id, FactorKind::Totp).await?;
    let secret = keys
        .sealer
        .open(factor.secret_enc.as_deref().unwrap_or_default(), &factor.seal_context())?;
    Ok(TotpEnrolment {
        factor_id: factor.id,
        provisioning: provisioning(&secret, &user.username, issuer)?,
    })
}

/// Finishes adding an authenticator app: the first code proves it works and becomes the replay floor.
pub async fn confirm(
    ctx: &RequestCtx<'_>,
    session: &Session,
    user: &User,
    factor_id: &str,
    name: &str,
    code: &str,
) -> Result<Factor> {
    let RequestCtx {
        store,
        keys,
        now,
        origin,
        ..
    } = *ctx;
    enrolment::require_fresh(session, now)?;
    let name = factor_name(name, "Authenticator app")?;
    let factor = enrolment::pending_factor(store, user, factor_id, FactorKind::Totp).await?;
    let attempt = enrolment::reserve_attempt(store, user, now).await?;
    let secret = keys
        .sealer
        .open(factor.secret_enc.as_deref().unwrap_or_default(), &factor.seal_context())?;
    let step = match check(&secret, code, now.timestamp().max(0) as u64, None) {
        Check::Accepted { step } => step,
        _ => {
            enrolment::audit_failure(
                store,
                now,
                origin,
                user,
                FactorKind::Totp,
                json!({ "reason": "wrong_code" }),
            )
            .await?;
            return Err(Error::WrongCode(
                "That code is not right. Check the time on your phone and try the next code.".into(),
            ));
        }
    };
    throttle::succeeded(store, &attempt).await?;
    if !store.activate_factor(&factor.id, &name, Some(step as i64), now).await? {
        return Err(Error::invalid("This enrolment was already completed."));
    }
    let factor = Factor {
        name,
        status: FactorStatus::Active,
        last_step: Some(step as i64),
        ..factor
    };
    announce_added(ctx, user, &factor).await?;
    Ok(factor)
}

/// The sign-in check (dispatched from `core::signin::second_factor::verify`): `code` against each of the user's
/// authenticator apps; an accepted step becomes the factor's replay floor through the store's conditional update.
pub async fn verify(ctx: &RequestCtx<'_>, factors: &[Factor], code: &str) -> Result<Checked> {
    let unix = ctx.now.timestamp().max(0) as u64;
    let mut result = Checked::Wrong;
    for factor in factors {
        let sealed = factor
            .secret_enc
            .as_deref()
            .ok_or_else(|| Error::Internal("TOTP factor without a secret".into()))?;
        let secret = ctx.keys.sealer.open(sealed, &factor.seal_context())?;
        match check(&secret, code, unix, factor.last_step) {
            Check::Accepted { step } => {
                // The store's conditional update is the real replay guard, also against concurrent requests.
                return Ok(if ctx.store.advance_step(&factor.id, step as i64, ctx.now).await? {
                    accepted(factor.clone(), FactorKind::Totp)
                } else {
                    Checked::Replayed
                });
            }
            Check::Replayed => result = Checked::Replayed,
            Check::Wrong => {}
        }
    }
    Ok(result)
}

/// The code for a time; for tests and the enrolment self-check.
pub fn code_at(secret: &[u8], unix: u64) -> String {
    build(secret, "x", "Gatehouse")
        .map(|t| t.generate(unix).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 (the 8-digit reference values, last 6 digits).
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, expected) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_at(secret, time), expected[2..], "t={time}");
        }
    }

    #[test]
    fn window_and_replay() {
        let secret = new_secret();
        let now = 1_700_000_000u64;
        let step = (now / 30) as i64;
        let code = code_at(&secret, now);
        assert_eq!(check(&secret, &code, now, None), Check::Accepted { step: step as u64 });
        assert_eq!(check(&secret, &code, now, Some(step)), Check::Replayed);
        assert_eq!(
            check(&secret, &code, now + 30, None),
            Check::Accepted { step: step as u64 },
            "one step late is fine"
        );
        assert_eq!(
            check(&secret, &code, now - 30, None),
            Check::Accepted { step: step as u64 },
            "one step early is fine"
        );
        assert_eq!(
            check(&secret, &code, now + 61, None),
            Check::Wrong,
            "two steps late is not"
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matches!(check(&secret, &spaced, now, None), Check::Accepted { .. }));
        for bad in ["", "12345", "1234567", "abcdef", "12345x", "１２３４５６"] {
            assert_eq!(check(&secret, bad, now, None), Check::Wrong, "{bad}");
        }
    }

    #[test]
    fn provisioning_for_apps() {
        let secret = new_secret();
        let p = provisioning(&secret, "alice", "Gatehouse").unwrap();
        assert_eq!(p.secret_base32.len(), 32, "160 bits in base32");
        assert!(p.uri.starts_with("otpauth://totp/Gatehouse:alice?"), "{}", p.uri);
        assert!(p.uri.contains("issuer=Gatehouse") && p.uri.contains(&format!("secret={}", p.secret_base32)));
        assert!(!p.qr_png_base64.is_empty());
    }
}
