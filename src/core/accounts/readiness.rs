//! Recovery readiness: can the installation still be administered when one administrator loses their way in?
//! `gatehouse serve` logs the answer at start-up and the console's dashboard shows it to administrators.
//!
//! An administrator **can sign in** when, today:
//! - the account is active (a deleted one no longer exists; a disabled one cannot sign in) and holds `admin`;
//! - it has a password, or a usable passkey (a passkey signs in without one);
//! - while their roles' policy requires a second factor (in force: past its date and grace), they hold at least one
//!   *usable* factor of a kind that policy accepts — active (proven at enrolment), not a security key flagged as a
//!   suspected copy, and not recovery codes, which are a backup and never a factor on their own.
//!
//! Not counted: an administrator whose password alone would lead only to enrolment (no accepted factor while one is
//! required) — until they enrol, that account is a password and nothing else. The console then asks an
//! administrator for a phishing-resistant sign-in; one who can sign in but has no security key adds one from their
//! own account first, so that is not part of "can sign in".
//!
//! Warnings ([`Readiness::warnings`]): nobody can sign in as an administrator; only one can (their lost factor, a
//! departure or a disabled account would leave the installation to the command line — and a factor reset of an
//! administrator needs other administrators to approve and carry it out); and, for that one administrator, their
//! sign-in rests on a single factor and no recovery codes, so one lost key locks the installation out.
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::core::Result;
use crate::core::factors::{FactorKind, FactorStatus};
use crate::core::model::UserStatus;
use crate::core::policy::{Stage, enforcement};
use crate::core::store::Store;

/// The role whose members administer the installation.
pub const ADMIN_ROLE: &str = "admin";

/// One administrator's way in, as [`check`] found it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdminAccess {
    pub username: String,
    /// Whether they can complete a sign-in today (see the module documentation).
    pub can_sign_in: bool,
    /// Usable factors of a kind their policy accepts (recovery codes not included).
    pub factors: usize,
    /// Of those, security keys and passkeys (phishing-resistant).
    pub keys: usize,
    /// Unused recovery codes, when their policy accepts recovery codes; else 0.
    pub recovery_codes: u64,
    /// Whether a second factor is required of them now (so losing their factors locks them out).
    pub factor_required: bool,
}

impl AdminAccess {
    /// Their sign-in rests on one factor, with no recovery codes to fall back on.
    pub fn one_factor_away(&self) -> bool {
        self.can_sign_in && self.factor_required && self.factors == 1 && self.recovery_codes == 0
    }
}

/// Every administrator's way in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub admins: Vec<AdminAccess>,
}

/// What an operator should hear about, most serious first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// No administrator can sign in: only the command line administers the installation.
    NoAdministrator,
    /// Only `username` can sign in as an administrator.
    OneAdministrator { username: String },
    /// … and their sign-in rests on one factor (`key`: a security key or passkey) and no recovery codes.
    OneFactor { username: String, key: bool },
}

impl Readiness {
    /// The administrators who can sign in.
    pub fn able(&self) -> Vec<&AdminAccess> {
        self.admins.iter().filter(|a| a.can_sign_in).collect()
    }

    pub fn warnings(&self) -> Vec<Warning> {
        let able = self.able();
        match able.as_slice() {
            [] => vec![Warning::NoAdministrator],
            [only] => {
                let mut out = vec![Warning::OneAdministrator {
                    username: only.username.clone(),
                }];
                if only.one_factor_away() {
                    out.push(Warning::OneFactor {
                        username: only.username.clone(),
                        key: only.keys == 1,
                    });
                }
                out
            }
            _ => Vec::new(),
        }
    }
}

/// Looks at every holder of the `admin` role (by username).
pub async fn check(store: &dyn Store, now: DateTime<Utc>) -> Result<Readiness> {
    let mut admins = Vec::new();
    for user in store
        .users_with_role(ADMIN_ROLE, crate::core::store::MEMBERS_READ_AT_MOST)
        .await?
    {
        let requirement = enforcement::requirement_for(store, now, &user).await?;
        let usable: Vec<FactorKind> = store
            .factors_of(&user.id)
            .await?
            .iter()
            .filter(|f| f.status == FactorStatus::Active && !f.is_flagged() && requirement.allows(f.kind))
            .map(|f| f.kind)
            .collect();
        let primary = usable.iter().filter(|k| !k.is_backup()).count();
        let keys = usable.iter().filter(|k| **k == FactorKind::WebAuthn).count();
        let recovery_codes = if usable.contains(&FactorKind::RecoveryCode) {
            store.remaining_recovery_codes(&user.id).await?
        } else {
            0
        };
        let factor_required = requirement.stage(now) == Stage::Enforced;
        let first_factor = user.password_hash.is_some() || keys > 0;
        let can_sign_in = user.status == UserStatus::Active && first_factor && (!factor_required || primary > 0);
        admins.push(AdminAccess {
            username: user.username,
            can_sign_in,
            factors: primary,
            keys,
            recovery_codes,
            factor_required,
        });
    }
    admins.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(Readiness { admins })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(username: &str, can_sign_in: bool, factors: usize, keys: usize, codes: u64) -> AdminAccess {
        AdminAccess {
            username: username.into(),
            can_sign_in,
            factors,
            keys,
            recovery_codes: codes,
            factor_required: true,
        }
    }

    #[test]
    fn two_administrators_who_can_sign_in_are_ready() {
        let r = Readiness {
            admins: vec![admin("a", true, 1, 1, 0), admin("b", true, 1, 1, 0)],
        };
        assert!(r.warnings().is_empty());
    }

    #[test]
    fn one_administrator_is_warned_about_and_their_single_key_too() {
        let r = Readiness {
            admins: vec![admin("a", true, 1, 1, 0), admin("b", false, 0, 0, 0)],
        };
        assert_eq!(
            r.warnings(),
            vec![
                Warning::OneAdministrator { username: "a".into() },
                Warning::OneFactor {
                    username: "a".into(),
                    key: true
                }
            ]
        );
        // Recovery codes, or a second key, are a way back in: only the single administrator is warned about.
        for spare in [admin("a", true, 1, 1, 10), admin("a", true, 2, 2, 0)] {
            let r = Readiness { admins: vec![spare] };
            assert_eq!(r.warnings(), vec![Warning::OneAdministrator { username: "a".into() }]);
        }
        // Without a second factor required, a lost key still leaves the password.
        let optional = AdminAccess {
            factor_required: false,
            ..admin("a", true, 1, 1, 0)
        };
        assert!(!optional.one_factor_away());
    }

    #[test]
    fn nobody_who_can_sign_in_is_the_worst() {
        assert_eq!(Readiness::default().warnings(), vec![Warning::NoAdministrator]);
        let r = Readiness {
            admins: vec![admin("a", false, 0, 0, 10)],
        };
        assert_eq!(r.warnings(), vec![Warning::NoAdministrator]);
    }
}
