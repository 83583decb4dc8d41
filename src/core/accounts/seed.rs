//! Benchmark accounts in bulk (`gatehouse bench seed`): N users named `<prefix><i>` for i = 1..=N, each with
//! the same password hash, a confirmed authenticator app and the given role, written in chunks of multi-row
//! inserts (`UserStore::insert_seeded_users`) so that a million load in minutes.
//!
//! The password is hashed once, with the server's argon2id parameters, and that one hash is stored for every
//! user: hashing a million passwords would take hours (≈ 15 ms each). Each authenticator app's secret is
//! derived from a seed and the user's index ([`totp_secret`]) so that a load generator can compute the codes,
//! and stored sealed with the installation's key under the factor's own context, exactly like an enrolled one.
//! Not for real accounts: no audit events, no mails, no password-strength exceptions.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::crypto::Sealer;
use super::super::factors::{Factor, FactorKind, FactorStatus, password, totp};
use super::super::model::{User, UserStatus, Username};
use super::super::store::Store;
use super::super::{Error, Result};

/// At most this many users in one run (a typo guard: 10 million is ten times the target of issue #19).
pub const MAX_USERS: u64 = 10_000_000;
/// Users per transaction; each of the three multi-row inserts stays below SQLite's 32,766 parameters.
pub const CHUNK: usize = 1_000;
/// The password when none is given on standard input (documented in docs/operations.md).
pub const DEFAULT_PASSWORD: &str = "bench-violet-tractor-sings-at-dawn";
/// The seed of the authenticator-app secrets when none is given.
pub const DEFAULT_TOTP_SEED: &str = "gatehouse-bench";

/// The authenticator-app secret of seeded user `index`: the first 20 bytes of HMAC-SHA256 with the seed's
/// UTF-8 bytes as the key and the index in decimal ASCII as the message (`hmac.new(seed, b"17",
/// sha256).digest()[:20]` in Python). Not the length-prefixed [`crate::core::secrets::hmac`]: a load generator
/// in any language should compute it in one line.
pub fn totp_secret(seed: &str, index: u64) -> Vec<u8> {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(seed.as_bytes()) else {
        return Vec::new();
    };
    mac.update(index.to_string().as_bytes());
    mac.finalize().into_bytes()[..totp::SECRET_BYTES].to_vec()
}

/// What to load.
#[derive(Clone, Debug)]
pub struct Plan {
    pub users: u64,
    pub prefix: String,
    pub role: String,
    pub totp_seed: String,
}

impl Plan {
    /// The username of user `index` (1-based).
    pub fn username(&self, index: u64) -> String {
        format!("{}{index}", self.prefix)
    }

    /// Refuses a plan that cannot be loaded, before anything is written: a count of 0 or above [`MAX_USERS`], a
    /// prefix that does not make valid usernames, an unknown role, or users with the prefix already there.
    pub async fn check(&self, store: &dyn Store) -> Result<()> {
        if self.users == 0 || self.users > MAX_USERS {
            return Err(Error::invalid(format!(
                "--users: 1 to {MAX_USERS}, not {}.",
                self.users
            )));
        }
        if self.prefix.is_empty() || self.prefix != self.prefix.to_lowercase() {
            return Err(Error::invalid(
                "--prefix: lower-case letters, digits and . _ - @, not empty.",
            ));
        }
        Username::parse(&self.username(self.users)).map_err(|e| Error::invalid(format!("--prefix: {e}")))?;
        let roles: Vec<String> = store.list_roles().await?.into_iter().map(|r| r.name).collect();
        if !roles.contains(&self.role) {
            return Err(Error::invalid(format!(
                "--role: unknown role '{}'. Known roles: {}.",
                self.role,
                roles.join(", ")
            )));
        }
        let taken = store.count_usernames_with_prefix(&self.prefix).await?;
        if taken > 0 {
            return Err(Error::Conflict(format!(
                "{taken} users whose username starts with '{}' exist already: choose another --prefix \
                 (nothing was written).",
                self.prefix
            )));
        }
        Ok(())
    }
}

/// Hashes `password` once with the server's parameters, after the strength rules every password meets.
pub fn password_hash(password_text: &str) -> Result<String> {
    password::check_strength(password_text, &[]).map_err(|e| Error::invalid(format!("password: {e}")))?;
    password::hash(password_text)
}

/// Users `first..=last` of the plan with their factors, ready for one `insert_seeded_users` call.
pub fn chunk(
    plan: &Plan,
    first: u64,
    last: u64,
    password_hash: &str,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> Result<(Vec<User>, Vec<Factor>)> {
    let mut users = Vec::with_capacity((last + 1 - first) as usize);
    let mut factors = Vec::with_capacity(users.capacity());
    for index in first..=last {
        let username = plan.username(index);
        let user = User {
            id: uuid::Uuid::new_v4().to_string(),
            email: format!("{username}@bench.example.com"),
            display_name: username.clone(),
            username,
            phone: None,
            status: UserStatus::Active,
            manager_id: None,
            password_hash: Some(password_hash.to_string()),
            password_changed_at: Some(now),
            mfa_required: false,
            created_at: now,
            updated_at: now,
            locale: None,
        };
        let mut factor = Factor::new(
            &user.id,
            FactorKind::Totp,
            "Authenticator app".into(),
            FactorStatus::Active,
            json!({ "seeded": true }),
            now,
        );
        factor.secret_enc = Some(sealer.seal(&totp_secret(&plan.totp_seed, index), &factor.seal_context())?);
        users.push(user);
        factors.push(factor);
    }
    Ok((users, factors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hmac_sha256_of_the_index_cut_to_20_bytes() {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"gatehouse-bench",b"1",hashlib.sha256).hexdigest()[:40])'
        let secret = totp_secret(DEFAULT_TOTP_SEED, 1);
        assert_eq!(secret.len(), 20);
        assert_eq!(hex::encode(&secret), EXPECTED_1);
        assert_ne!(totp_secret(DEFAULT_TOTP_SEED, 2), secret);
        assert_ne!(totp_secret("other", 1), secret);
    }

    const EXPECTED_1: &str = "60a9db238d392e15ea9c8f755a9e0877df134db4";
}
