//! A hardware token as stored: its seed (sealed), its code parameters and whom it is bound to, and the names its
//! type and algorithm are stored under. A leaf (only the pure `hotp` and `import` beside it): `core::store` speaks
//! this shape, and the orchestration in `mod.rs`, which goes through the store, sits above it.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::hotp::HashAlgorithm;
use super::import::TokenType;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HardwareToken {
    pub serial: String,
    pub token_type: TokenType,
    #[serde(skip)]
    pub secret_enc: String,
    pub digits: u32,
    pub algorithm: HashAlgorithm,
    pub period: u64,
    /// HOTP: the next counter expected.
    pub counter: u64,
    /// TOTP: the token's clock offset, in steps.
    pub drift: i64,
    pub last_step: Option<i64>,
    pub imported_at: DateTime<Utc>,
    pub bound_user_id: Option<String>,
    pub factor_id: Option<String>,
    pub bound_at: Option<DateTime<Utc>>,
}

pub fn seal_context(serial: &str) -> String {
    format!("hardware-token:{serial}")
}

pub fn algorithm_name(algorithm: HashAlgorithm) -> &'static str {
    match algorithm {
        HashAlgorithm::Sha1 => "sha1",
        HashAlgorithm::Sha256 => "sha256",
        HashAlgorithm::Sha512 => "sha512",
    }
}

pub fn parse_algorithm(text: &str) -> Option<HashAlgorithm> {
    [HashAlgorithm::Sha1, HashAlgorithm::Sha256, HashAlgorithm::Sha512]
        .into_iter()
        .find(|a| algorithm_name(*a) == text)
}

pub fn type_name(token_type: TokenType) -> &'static str {
    match token_type {
        TokenType::Hotp => "hotp",
        TokenType::Totp => "totp",
    }
}
