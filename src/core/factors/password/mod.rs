//! The password factor, whole: argon2id with OWASP's parameters, strength rules, and timing that does not tell
//! whether an account exists (here); hashing on a bounded pool (`pool`); the per-account lockout (`lock`); and
//! the single-use links that set a password (`links`). The sign-in flow that uses them is `core::signin::login`.
//!
//! Hashing costs ~15 ms of one core and 19 MiB by design. It never runs on the request threads, and never
//! without a bound: [`PasswordPool`] runs it on a few dedicated threads, each of which reuses one [`Memory`]
//! while it is busy, so a burst of sign-ins neither multiplies memory nor fragments the heap.
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use rand::RngCore;
use std::sync::OnceLock;

pub mod links;
pub mod lock;
pub mod pool;

use crate::core::secrets::constant_time_eq;
use crate::core::{Error, Result};

pub use self::pool::{PasswordPool, Slot};

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

/// Bytes of a new hash's salt and output (argon2's recommended 16, and its default 32).
const SALT_BYTES: usize = 16;
const OUTPUT_BYTES: usize = 32;

/// Argon2's working memory, kept by one hashing thread and reused by every hash it computes (until the
/// thread is idle for a moment and gives it back). It grows to the current parameters' size on first use; a
/// stored hash with larger parameters (only an old or foreign hash can have them) gets a buffer of its own for
/// that one verification, so what stays resident is exactly one hash's worth per thread.
#[derive(Default)]
pub struct Memory {
    blocks: Vec<Block>,
}

impl Memory {
    /// Whether it holds nothing (never used, or given back).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Runs `f` with at least `count` blocks.
    fn with_blocks<T>(&mut self, count: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let kept = params().block_count();
        if count > kept {
            let mut once = vec![Block::default(); count];
            return f(&mut once);
        }
        if self.blocks.len() < kept {
            self.blocks.resize(kept, Block::default());
        }
        f(&mut self.blocks)
    }
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

/// Hashes with the current parameters into a PHC string. Allocates its own memory (tests, one-off uses);
/// the server hashes through [`PasswordPool`].
pub fn hash(password: &str) -> Result<String> {
    hash_with(password, &mut Memory::default())
}

/// Hashes with the current parameters, using `memory` as argon2's working memory.
pub fn hash_with(password: &str, memory: &mut Memory) -> Result<String> {
    let failed = |e: &dyn std::fmt::Display| Error::Internal(format!("password hashing failed: {e}"));
    let params = params();
    let mut salt = [0u8; SALT_BYTES];
    rand::rng().fill_bytes(&mut salt);
    let mut out = [0u8; OUTPUT_BYTES];
    memory
        .with_blocks(params.block_count(), |blocks| {
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()).hash_password_into_with_memory(
                password.as_bytes(),
                &salt,
                &mut out,
                blocks,
            )
        })
        .map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| failed(&e))?),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Mismatch,
    Match { needs_rehash: bool },
}

/// Verifies against a stored PHC string. A malformed stored hash is a mismatch, never a panic. Allocates its
/// own memory (tests); the server verifies through [`PasswordPool`].
pub fn verify(password: &str, stored: &str) -> Verdict {
    verify_with(password, stored, &mut Memory::default())
}

/// Verifies against a stored PHC string with `memory` as argon2's working memory: the stored hash's own
/// algorithm, version, parameters and salt recompute the output, which is compared in constant time.
pub fn verify_with(password: &str, stored: &str, memory: &mut Memory) -> Verdict {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verdict::Mismatch;
    };
    let (Ok(algorithm), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm.as_str()),
        parsed.salt.as_ref(),
        parsed.hash.as_ref(),
    ) else {
        return Verdict::Mismatch;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return Verdict::Mismatch,
    };
    // Carries the stored output's length, so the recomputed output has the same.
    let Ok(stored_params) = Params::try_from(&parsed) else {
        return Verdict::Mismatch;
    };
    let mut out = vec![0u8; expected.len()];
    let computed = memory.with_blocks(stored_params.block_count(), |blocks| {
        Argon2::new(algorithm, version, stored_params.clone()).hash_password_into_with_memory(
            password.as_bytes(),
            salt.as_ref(),
            &mut out,
            blocks,
        )
    });
    if computed.is_err() || !constant_time_eq(&out, expected.as_bytes()) {
        return Verdict::Mismatch;
    }
    let wanted = params();
    let needs_rehash = algorithm != Algorithm::Argon2id
        || version != Version::V0x13
        || (stored_params.m_cost(), stored_params.t_cost(), stored_params.p_cost())
            != (wanted.m_cost(), wanted.t_cost(), wanted.p_cost());
    Verdict::Match { needs_rehash }
}

/// A hash with the current parameters, made once: what unknown accounts are verified against.
fn dummy_hash(memory: &mut Memory) -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_with("gatehouse-timing-equaliser", memory).unwrap_or_default())
}

/// Spends the same work as a real verification, for accounts that do not exist or have no password.
pub fn verify_dummy(password: &str, memory: &mut Memory) {
    let _ = verify_with(password, dummy_hash(memory), memory);
}

/// Verifies `password` against `stored`, or spends equal work when there is nothing to verify against.
/// Runs on a pool thread, with that thread's memory.
pub fn verify_or_dummy(password: &str, stored: Option<&str>, memory: &mut Memory) -> Verdict {
    match stored {
        Some(stored) => verify_with(password, stored, memory),
        None => {
            verify_dummy(password, memory);
            Verdict::Mismatch
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHasher, PasswordVerifier};

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
    fn agrees_with_the_argon2_crate_both_ways() {
        let crate_hash = hasher_for_tests()
            .hash_password(b"correct horse battery staple")
            .unwrap()
            .to_string();
        assert_eq!(
            verify("correct horse battery staple", &crate_hash),
            Verdict::Match { needs_rehash: false }
        );
        let ours = hash("correct horse battery staple").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            hasher_for_tests()
                .verify_password(b"correct horse battery staple", &parsed)
                .is_ok()
        );
        assert!(
            hasher_for_tests()
                .verify_password(b"correct horse battery stapl", &parsed)
                .is_err()
        );
    }

    #[test]
    fn reused_memory_gives_the_same_answers() {
        let mut memory = Memory::default();
        let first = hash_with("first password here", &mut memory).unwrap();
        let second = hash_with("second password here", &mut memory).unwrap();
        assert_ne!(first, second);
        for _ in 0..2 {
            assert_eq!(
                verify_with("first password here", &first, &mut memory),
                Verdict::Match { needs_rehash: false }
            );
            assert_eq!(
                verify_with("second password here", &first, &mut memory),
                Verdict::Mismatch
            );
            assert_eq!(
                verify_with("second password here", &second, &mut memory),
                Verdict::Match { needs_rehash: false }
            );
        }
        assert_eq!(memory.blocks.len(), params().block_count());
        assert_eq!(verify_or_dummy("anything", None, &mut memory), Verdict::Mismatch);
    }

    #[test]
    fn larger_stored_parameters_use_memory_of_their_own() {
        let strong = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(24 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery staple")
        .unwrap()
        .to_string();
        let mut memory = Memory::default();
        assert_eq!(
            verify_with("correct horse battery staple", &strong, &mut memory),
            Verdict::Match { needs_rehash: true }
        );
        assert!(memory.blocks.len() <= params().block_count());
    }

    #[test]
    fn malformed_or_foreign_hashes_are_mismatches() {
        let good = hash("correct horse battery staple").unwrap();
        for stored in [
            "",
            "not a phc string",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
            "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            &good.replace("v=19", "v=7"),
            &good.replace("$argon2id$", "$scrypt$"),
        ] {
            assert_eq!(
                verify("correct horse battery staple", stored),
                Verdict::Mismatch,
                "{stored}"
            );
        }
    }

    #[test]
    fn unknown_accounts_are_verified_against_a_hash_of_the_current_cost() {
        let mut memory = Memory::default();
        let dummy = dummy_hash(&mut memory);
        assert!(dummy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify_with("gatehouse-timing-equaliser", dummy, &mut memory),
            Verdict::Match { needs_rehash: false }
        );
    }

    fn hasher_for_tests() -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
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
