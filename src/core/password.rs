//! Passwords: argon2id with OWASP's parameters, strength rules, and timing that does not tell whether an
//! account exists.
//!
//! Hashing costs ~15 ms of one core by design, so the async wrappers move it off the request threads.
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use std::sync::OnceLock;

use super::{Error, Result};

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

/// Rejects passwords that are too short, too long, or guessable (zxcvbn score below 3, which covers
/// common-password lists, keyboard walks, dates and variations of the user's own names).
pub fn check_strength(password: &str, user_inputs: &[&str]) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Error::invalid(format!(
            "A password needs at least {MIN_CHARS} characters."
        )));
    }
    if chars > MAX_CHARS {
        return Err(Error::invalid(format!(
            "A password may have at most {MAX_CHARS} characters."
        )));
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if (estimate.score() as u8) < 3 {
        let mut message = String::from("This password is too easy to guess.");
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                message.push(' ');
                message.push_str(&warning.to_string());
            }
            for suggestion in feedback.suggestions() {
                message.push(' ');
                message.push_str(&suggestion.to_string());
            }
        }
        return Err(Error::Invalid(message));
    }
    Ok(())
}

pub fn hash(password: &str) -> Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Mismatch,
    Match { needs_rehash: bool },
}

/// Verifies against a stored PHC string. A malformed stored hash is a mismatch, never a panic.
pub fn verify(password: &str, stored: &str) -> Verdict {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verdict::Mismatch;
    };
    if hasher().verify_password(password.as_bytes(), &parsed).is_err() {
        return Verdict::Mismatch;
    }
    let wanted = params();
    let current_costs = Params::try_from(&parsed)
        .ok()
        .map(|p| (p.m_cost(), p.t_cost(), p.p_cost()));
    let needs_rehash = parsed.algorithm.as_str() != "argon2id"
        || current_costs != Some((wanted.m_cost(), wanted.t_cost(), wanted.p_cost()));
    Verdict::Match { needs_rehash }
}

/// Spends the same work as a real verification, for accounts that do not exist or have no password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("gatehouse-timing-equaliser").unwrap_or_default());
    let _ = verify(password, stored);
}

pub async fn hash_async(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| Error::Internal(format!("hashing task failed: {e}")))?
}

/// Verifies `password` against `stored`, or spends equal time when there is nothing to verify against.
pub async fn verify_async(password: String, stored: Option<String>) -> Result<Verdict> {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify(&password, &stored),
        None => {
            verify_dummy(&password);
            Verdict::Mismatch
        }
    })
    .await
    .map_err(|e| Error::Internal(format!("verification task failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify_round_trip() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify("correct horse battery staple", &h),
            Verdict::Match { needs_rehash: false }
        );
        assert_eq!(verify("correct horse battery stapl", &h), Verdict::Mismatch);
        assert_eq!(verify("x", "not a phc string"), Verdict::Mismatch);
    }

    #[test]
    fn weaker_parameters_ask_for_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery staple")
        .unwrap()
        .to_string();
        assert_eq!(
            verify("correct horse battery staple", &weak),
            Verdict::Match { needs_rehash: true }
        );
    }

    #[test]
    fn no_truncation_of_long_passwords() {
        let long = "Lk3!".repeat(30); // 120 characters
        let h = hash(&long).unwrap();
        let mut changed = long.clone();
        changed.pop();
        changed.push('?');
        assert_eq!(verify(&changed, &h), Verdict::Mismatch);
    }

    #[test]
    fn strength_rules() {
        assert!(check_strength("short1!", &[]).is_err());
        assert!(check_strength("password123", &[]).is_err());
        assert!(check_strength("qwertyuiop", &[]).is_err());
        assert!(check_strength("Alice2024!", &["alice"]).is_err());
        assert!(check_strength("aliceexample", &["alice@example.com"]).is_err());
        assert!(check_strength(&"Zx9!".repeat(33), &[]).is_err()); // 132 characters
        assert!(check_strength("violet-tractor-sings-at-dawn", &[]).is_ok());
    }
}
