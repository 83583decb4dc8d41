//! Per-role authentication policy: what each role's sign-in needs, and how the policies of a user's roles
//! combine. Pure: no storage, no clock — the policies, the user and `now` are arguments, so every rule here is
//! a unit test away.
//!
//! Guarantees:
//! - A policy that contradicts itself (a required second factor with no kind allowed, recovery codes as the only
//!   kind, a grace period without a date, an idle limit longer than the absolute one) cannot be built through
//!   [`RolePolicy::validate`], which every write path calls.
//! - Several roles combine **strictest wins** ([`evaluate`]): allowed kinds are the intersection, a second factor
//!   is required if any role (or the per-user flag) requires it, the earliest deadline applies, and the shortest
//!   trusted-device and reauthentication limits; passkey profiles as `passkey_profile::PasskeyProfile::strictest`.
//! - An intersection without a primary kind is refused when it would be configured ([`check_combination`]); if
//!   one exists anyway, evaluation falls back to the strictest single role's list, never to "nothing allowed"
//!   and never to "anything allowed".
//! - Tightening a policy never weakens an account ([`plan`]): a user whose enrolled factors are all of kinds
//!   that no longer count still has to prove one, and that proof only opens enrolment once the policy is
//!   enforced.
pub mod acr_age;
pub mod assurance;
pub mod enforcement;
pub mod passkey_profile;
pub mod recovery;
pub mod roles;
pub mod stepup;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use crate::core::factors::FactorKind;
use crate::core::model::User;
use crate::core::signin::ip_rules::IpRules;
use crate::core::{Error, Result};
use ipnet::IpNet;

/// Every kind, strongest first: the order in which allowed kinds are stored and shown.
pub const ALL_KINDS: [FactorKind; 5] = [
    FactorKind::WebAuthn,
    FactorKind::Totp,
    FactorKind::OathToken,
    FactorKind::Sms,
    FactorKind::RecoveryCode,
];

/// Upper bounds that catch typos (a grace of 3000 days) without constraining real use.
pub const MAX_DAYS: u32 = 365;
pub const MAX_MINUTES: u32 = 525_600;
/// The longest cooling-off a role may set: 30 days. Longer ones are typos (or lock users out of recovery).
pub const MAX_RECOVERY_DELAY_MINUTES: u32 = 43_200;

/// What one role requires of its members' sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RolePolicy {
    pub role: String,
    /// The factor kinds that count for this role, strongest first.
    #[serde(serialize_with = "kind_names")]
    pub allowed_factors: Vec<FactorKind>,
    /// Whether members must have (and use) a second factor of an allowed kind.
    pub mfa_required: bool,
    /// From this day (00:00 UTC) the requirement holds; `None` with `mfa_required`: it holds already.
    pub enforce_from: Option<NaiveDate>,
    /// Days after `enforce_from` during which members without a factor are still reminded, not held.
    pub grace_days: u32,
    /// How long a browser may be trusted to skip the second factor; 0 = never (`core::signin::trusted_devices`).
    pub trusted_device_days: u32,
    /// Longest time since the user last authenticated (`auth_time`) before signing in again; `None` = the server's
    /// session lifetime. Applied to live sessions by `core::signin::sessions`.
    pub reauth_absolute_minutes: Option<u32>,
    /// Longest inactivity before signing in again (never looser than the server's); `None` = the server's idle limit.
    pub reauth_idle_minutes: Option<u32>,
    /// Sign-in only from these networks (empty: from anywhere) and never from the deny list (deny wins).
    pub ip: IpRules,
    /// How long an executed reset of a member's second factors waits before it takes effect (the cooling-off in
    /// which the user can cancel it); `None` = the server's defaults. A user's delay is the longest of their
    /// roles' (`core::recovery::cooling_off`).
    pub recovery_delay_minutes: Option<u32>,
    /// Which recovery paths members may take and which caller verification an execution needs; unset parts are
    /// the built-in defaults for the role's name (`recovery::default_paths`). Combined by `recovery::effective`.
    pub recovery: recovery::RecoverySetting,
    /// How long each level above the password lasts after it was proven (RFC 9470); unset levels take the role's
    /// built-in default (`acr_age::defaults_for`).
    pub acr_max_age: acr_age::AcrMaxAge,
    /// Which WebAuthn credentials members may register and which count for `phrh` (`passkey_profile`).
    pub passkey_profile: passkey_profile::PasskeyProfile,
    pub updated_at: DateTime<Utc>,
}

/// Longest per-role IP list: catches pasted garbage without constraining real use.
pub const MAX_CIDRS: usize = 256;

fn kind_names<S: serde::Serializer>(kinds: &[FactorKind], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(kinds.iter().map(|k| k.as_str()))
}

/// Strongest first, no duplicates.
pub fn normalize_kinds(kinds: &[FactorKind]) -> Vec<FactorKind> {
    ALL_KINDS.into_iter().filter(|k| kinds.contains(k)).collect()
}

fn has_primary(kinds: &[FactorKind]) -> bool {
    kinds.iter().any(|k| !k.is_backup())
}

fn names(kinds: &[FactorKind]) -> String {
    kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

/// A role a user holds, with its stored policy (`None`: nobody configured one, so it restricts nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldRole {
    pub role: String,
    pub policy: Option<RolePolicy>,
}

/// The policy of each role held, by role name: the stored one, or `RolePolicy::unrestricted`. What a user's
/// requirement is combined from, at sign-in and on every later request alike.
pub fn held_policies(roles: Vec<HeldRole>, now: DateTime<Utc>) -> Vec<RolePolicy> {
    roles
        .into_iter()
        .map(|held| held.policy.unwrap_or_else(|| RolePolicy::unrestricted(&held.role, now)))
        .collect()
}

impl RolePolicy {
    /// The policy of a role nobody configured: every kind counts, nothing is required. Roles without a stored
    /// policy (none exist after the migration, which seeds the built-in roles) are treated so.
    pub fn unrestricted(role: &str, now: DateTime<Utc>) -> Self {
        RolePolicy {
            role: role.to_string(),
            allowed_factors: ALL_KINDS.to_vec(),
            mfa_required: false,
            enforce_from: None,
            grace_days: 0,
            trusted_device_days: 0,
            reauth_absolute_minutes: None,
            reauth_idle_minutes: None,
            ip: IpRules::default(),
            recovery_delay_minutes: None,
            recovery: recovery::RecoverySetting::default(),
            acr_max_age: acr_age::AcrMaxAge::default(),
            passkey_profile: passkey_profile::PasskeyProfile::default(),
            updated_at: now,
        }
    }

    /// Refuses settings that contradict each other, with a message that says what to change.
    pub fn validate(&self) -> Result<()> {
        if self.allowed_factors.is_empty() {
            return Err(Error::invalid(format!(
                "Role '{}' must allow at least one factor kind.",
                self.role
            )));
        }
        if !has_primary(&self.allowed_factors) {
            return Err(Error::invalid(
                "Recovery codes are a backup, never a second factor on their own: allow another kind beside recovery_code.",
            ));
        }
        if self.grace_days > 0 && self.enforce_from.is_none() {
            return Err(Error::invalid(
                "A grace period counts from an enforcement date: set --enforce-from, or --grace-days 0.",
            ));
        }
        if self.ip.allow.len() > MAX_CIDRS || self.ip.deny.len() > MAX_CIDRS {
            return Err(Error::invalid(format!("IP lists hold at most {MAX_CIDRS} entries.")));
        }
        if self.grace_days > MAX_DAYS || self.trusted_device_days > MAX_DAYS {
            return Err(Error::invalid(format!("Day counts are at most {MAX_DAYS}.")));
        }
        for minutes in [self.reauth_absolute_minutes, self.reauth_idle_minutes]
            .into_iter()
            .flatten()
        {
            if minutes == 0 || minutes > MAX_MINUTES {
                return Err(Error::invalid(format!(
                    "Reauthentication limits are 1 to {MAX_MINUTES} minutes, or none."
                )));
            }
        }
        if let Some(delay) = self.recovery_delay_minutes
            && (delay == 0 || delay > MAX_RECOVERY_DELAY_MINUTES)
        {
            return Err(Error::invalid(format!(
                "A recovery delay is 1 minute to {} days, or none (the server's default): without one, the user \
                 could not cancel a reset nobody asked for.",
                MAX_RECOVERY_DELAY_MINUTES / 1440
            )));
        }
        self.acr_max_age.validate()?;
        self.passkey_profile.validate()?;
        if let Some(paths) = &self.recovery.paths {
            recovery::validate_for_role(&self.role, paths)?;
        }
        if let (Some(absolute), Some(idle)) = (self.reauth_absolute_minutes, self.reauth_idle_minutes)
            && idle > absolute
        {
            return Err(Error::invalid(format!(
                "The idle limit ({idle} min) cannot be longer than the absolute limit ({absolute} min)."
            )));
        }
        Ok(())
    }

    /// The day from which members without an allowed factor may only enrol; `None`: already.
    fn deadline(&self) -> Option<NaiveDate> {
        self.enforce_from
            .map(|from| from.checked_add_days(Days::new(self.grace_days.into())).unwrap_or(from))
    }

    /// How strict this role is on its own: requiring MFA beats not, then the stronger weakest allowed kind,
    /// then fewer kinds. Used to pick a fallback when roles contradict each other.
    fn strictness(&self) -> (bool, u8, usize) {
        let weakest = self
            .allowed_factors
            .iter()
            .filter(|k| !k.is_backup())
            .map(|k| k.strength())
            .min()
            .unwrap_or(0);
        (self.mfa_required, weakest, usize::MAX - self.allowed_factors.len())
    }
}

/// The change an administrator asks for; `None` leaves a setting as it is. For the optional settings,
/// `Some(None)` clears them.
#[derive(Clone, Debug, Default)]
pub struct PolicyChange {
    pub allowed_factors: Option<Vec<FactorKind>>,
    pub mfa_required: Option<bool>,
    pub enforce_from: Option<Option<NaiveDate>>,
    pub grace_days: Option<u32>,
    pub trusted_device_days: Option<u32>,
    pub reauth_absolute_minutes: Option<Option<u32>>,
    pub reauth_idle_minutes: Option<Option<u32>>,
    pub ip_allow: Option<Vec<IpNet>>,
    pub ip_deny: Option<Vec<IpNet>>,
    pub recovery_delay_minutes: Option<Option<u32>>,
    /// `Some(None)`: back to the role's default paths.
    pub recovery_paths: Option<Option<Vec<recovery::RecoveryPath>>>,
    /// `Some(None)`: back to the role's default caller check.
    pub caller_check: Option<Option<recovery::CallerCheck>>,
    /// Level ages to change, by short name (`acr_age::AGE_LEVELS`); `None`: back to the role's default.
    pub acr_max_age: Vec<(&'static str, Option<u32>)>,
    pub passkey_attestation: Option<passkey_profile::Attestation>,
    /// `Some(empty)`: no allow-list.
    pub passkey_aaguids: Option<Vec<uuid::Uuid>>,
    pub passkey_device_bound: Option<bool>,
    pub passkey_user_verification: Option<bool>,
}

impl PolicyChange {
    /// `current` with this change applied (not yet validated).
    pub fn apply(&self, current: &RolePolicy, now: DateTime<Utc>) -> RolePolicy {
        RolePolicy {
            role: current.role.clone(),
            allowed_factors: self
                .allowed_factors
                .as_deref()
                .map(normalize_kinds)
                .unwrap_or_else(|| current.allowed_factors.clone()),
            mfa_required: self.mfa_required.unwrap_or(current.mfa_required),
            enforce_from: self.enforce_from.unwrap_or(current.enforce_from),
            grace_days: self.grace_days.unwrap_or(current.grace_days),
            trusted_device_days: self.trusted_device_days.unwrap_or(current.trusted_device_days),
            reauth_absolute_minutes: self.reauth_absolute_minutes.unwrap_or(current.reauth_absolute_minutes),
            reauth_idle_minutes: self.reauth_idle_minutes.unwrap_or(current.reauth_idle_minutes),
            ip: IpRules {
                allow: self.ip_allow.clone().unwrap_or_else(|| current.ip.allow.clone()),
                deny: self.ip_deny.clone().unwrap_or_else(|| current.ip.deny.clone()),
            },
            recovery_delay_minutes: self.recovery_delay_minutes.unwrap_or(current.recovery_delay_minutes),
            recovery: recovery::RecoverySetting {
                paths: self
                    .recovery_paths
                    .clone()
                    .map(|p| p.map(|p| recovery::normalize_paths(&p)))
                    .unwrap_or_else(|| current.recovery.paths.clone()),
                caller_check: self.caller_check.unwrap_or(current.recovery.caller_check),
            },
            acr_max_age: {
                let mut ages = current.acr_max_age;
                for (level, minutes) in &self.acr_max_age {
                    ages.set(level, *minutes);
                }
                ages
            },
            passkey_profile: passkey_profile::PasskeyProfile {
                attestation: self.passkey_attestation.unwrap_or(current.passkey_profile.attestation),
                aaguids: self
                    .passkey_aaguids
                    .clone()
                    .unwrap_or_else(|| current.passkey_profile.aaguids.clone()),
                device_bound: self
                    .passkey_device_bound
                    .unwrap_or(current.passkey_profile.device_bound),
                user_verification: self
                    .passkey_user_verification
                    .unwrap_or(current.passkey_profile.user_verification),
            },
            updated_at: now,
        }
    }
}

/// `totp,webauthn` → kinds; the names are `FactorKind::as_str`'s. An empty list is refused by validation.
pub fn parse_kinds(text: &str) -> Result<Vec<FactorKind>> {
    let mut kinds = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        kinds.push(FactorKind::parse(name).ok_or_else(|| {
            Error::invalid(format!(
                "Unknown factor kind '{}'. Known kinds: {}.",
                crate::core::model::truncate(name, 32),
                ALL_KINDS.map(FactorKind::as_str).join(", ")
            ))
        })?);
    }
    Ok(normalize_kinds(&kinds))
}

pub fn parse_bool(text: &str) -> Result<bool> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(Error::invalid(format!(
            "'{}' is not true or false.",
            crate::core::model::truncate(other, 32)
        ))),
    }
}

/// `YYYY-MM-DD`, or `none` to clear.
pub fn parse_date(text: &str) -> Result<Option<NaiveDate>> {
    let text = text.trim();
    if text == "none" {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .map(Some)
        .ok_or_else(|| {
            Error::invalid(format!(
                "'{}' is not a date; use YYYY-MM-DD (or none).",
                crate::core::model::truncate(text, 32)
            ))
        })
}

pub fn parse_count(text: &str, what: &str) -> Result<u32> {
    text.trim().parse::<u32>().map_err(|_| {
        Error::invalid(format!(
            "{what}: '{}' is not a whole number of 0 or more.",
            crate::core::model::truncate(text, 32)
        ))
    })
}

/// A number of minutes, or `none` to clear.
pub fn parse_minutes(text: &str, what: &str) -> Result<Option<u32>> {
    if text.trim() == "none" {
        return Ok(None);
    }
    parse_count(text, what).map(Some)
}

/// A duration as minutes: `90` or `90m` (minutes), `36h` (hours), `2d` (days); `none` to clear. Signs, fractions,
/// spaces inside and other units are refused; the range is checked by [`RolePolicy::validate`].
pub fn parse_duration_minutes(text: &str, what: &str) -> Result<Option<u32>> {
    let text = text.trim();
    if text == "none" {
        return Ok(None);
    }
    let bad = || {
        Error::invalid(format!(
            "{what}: '{}' is not a duration; use minutes (90 or 90m), hours (36h), days (2d), or none.",
            crate::core::model::truncate(text, 32)
        ))
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    if digits.is_empty() || digits.len() > 9 {
        return Err(bad());
    }
    let number: u32 = digits.parse().map_err(|_| bad())?;
    let factor: u32 = match unit {
        "" | "m" | "min" => 1,
        "h" => 60,
        "d" => 1440,
        _ => return Err(bad()),
    };
    number.checked_mul(factor).map(Some).ok_or_else(bad)
}

/// Refuses a set of roles that a user holds (or would hold) together when their allowed kinds have no primary
/// kind in common: such a user could satisfy no role without failing another.
pub fn check_combination(policies: &[&RolePolicy]) -> Result<()> {
    if policies.len() < 2 {
        return Ok(());
    }
    let common = intersection(policies);
    if has_primary(&common) {
        return Ok(());
    }
    let detail = policies
        .iter()
        .map(|p| format!("{} allows {}", p.role, names(&p.allowed_factors)))
        .collect::<Vec<_>>()
        .join("; ");
    Err(Error::invalid(format!(
        "Users holding the roles {} would have no factor kind in common ({detail}).",
        policies
            .iter()
            .map(|p| p.role.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    )))
}

fn intersection(policies: &[&RolePolicy]) -> Vec<FactorKind> {
    ALL_KINDS
        .into_iter()
        .filter(|k| policies.iter().all(|p| p.allowed_factors.contains(k)))
        .collect()
}

/// What sign-in requires of one user: the combination of their roles' policies and their own flag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Kinds that count, strongest first.
    #[serde(serialize_with = "kind_names")]
    pub allowed_factors: Vec<FactorKind>,
    pub mfa_required: bool,
    /// The earliest enforcement date among the roles that require a second factor (`None`: no date).
    pub enforce_from: Option<NaiveDate>,
    /// From this day a user without an allowed factor may only enrol; `None` while `mfa_required`: already.
    pub enrol_by: Option<NaiveDate>,
    pub trusted_device_days: u32,
    pub reauth_absolute_minutes: Option<u32>,
    pub reauth_idle_minutes: Option<u32>,
    /// The IP rules of every role that has any; all of them must permit the address.
    pub ip_rules: Vec<IpRules>,
    /// Set when the roles' kinds had no primary kind in common and the strictest role's list was used instead.
    pub fallback_to: Option<String>,
    /// How long each level lasts: the shortest of the roles' (`acr_age`).
    pub acr_max_age: acr_age::LevelAges,
    /// What a WebAuthn credential must be: the strictest of the roles' profiles (`passkey_profile`).
    pub passkey_profile: passkey_profile::PasskeyProfile,
    /// The last change to a role policy that has a passkey profile: a `phrh` proof older than this was judged
    /// under an earlier profile and no longer counts (`acr_age::standing`). `None`: no role has a profile.
    pub passkey_profile_since: Option<DateTime<Utc>>,
}

/// Combines the policies of a user's roles, strictest wins (see the module documentation). A user without
/// roles gets the unrestricted policy, tightened by their own `mfa_required` flag.
pub fn evaluate(user: &User, policies: &[RolePolicy]) -> Requirement {
    let all: Vec<&RolePolicy> = policies.iter().collect();
    let mut allowed = if all.is_empty() {
        ALL_KINDS.to_vec()
    } else {
        intersection(&all)
    };
    let mut fallback_to = None;
    if !has_primary(&allowed)
        && let Some(strictest) = all
            .iter()
            .max_by(|a, b| a.strictness().cmp(&b.strictness()).then(b.role.cmp(&a.role)))
    {
        allowed = strictest.allowed_factors.clone();
        fallback_to = Some(strictest.role.clone());
    }
    let requiring: Vec<&&RolePolicy> = all.iter().filter(|p| p.mfa_required).collect();
    let mfa_required = user.mfa_required || !requiring.is_empty();
    // The per-user flag and any role without a date hold now; otherwise the earliest day wins.
    let now_for_someone = user.mfa_required || requiring.iter().any(|p| p.enforce_from.is_none());
    let (enforce_from, enrol_by) = if !mfa_required || now_for_someone {
        (None, None)
    } else {
        (
            requiring.iter().filter_map(|p| p.enforce_from).min(),
            requiring.iter().filter_map(|p| p.deadline()).min(),
        )
    };
    Requirement {
        allowed_factors: allowed,
        mfa_required,
        enforce_from,
        enrol_by,
        trusted_device_days: all.iter().map(|p| p.trusted_device_days).min().unwrap_or(0),
        reauth_absolute_minutes: all.iter().filter_map(|p| p.reauth_absolute_minutes).min(),
        reauth_idle_minutes: all.iter().filter_map(|p| p.reauth_idle_minutes).min(),
        ip_rules: all.iter().filter(|p| !p.ip.is_empty()).map(|p| p.ip.clone()).collect(),
        fallback_to,
        acr_max_age: acr_age::LevelAges::strictest(all.iter().map(|p| p.acr_max_age.resolved(&p.role))),
        passkey_profile: passkey_profile::PasskeyProfile::strictest(all.iter().map(|p| &p.passkey_profile)),
        passkey_profile_since: all
            .iter()
            .filter(|p| !p.passkey_profile.is_empty())
            .map(|p| p.updated_at)
            .max(),
    }
}

/// Where a user stands against the requirement at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// No second factor is required.
    Optional,
    /// Required from `enforce_from`; a user without an allowed factor is reminded until `enrol_by`.
    Reminder {
        enforce_from: NaiveDate,
        enrol_by: NaiveDate,
    },
    /// Required now: without an allowed factor, sign-in only leads to enrolment.
    Enforced,
}

impl Requirement {
    pub fn stage(&self, now: DateTime<Utc>) -> Stage {
        if !self.mfa_required {
            return Stage::Optional;
        }
        match (self.enforce_from, self.enrol_by) {
            (Some(enforce_from), Some(enrol_by)) if now.date_naive() < enrol_by => {
                Stage::Reminder { enforce_from, enrol_by }
            }
            _ => Stage::Enforced,
        }
    }

    pub fn allows(&self, kind: FactorKind) -> bool {
        self.allowed_factors.contains(&kind)
    }
}

/// What a completed sign-in gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Signed in.
    Full,
    /// Only enrolment of an allowed factor (no account pages, no tokens).
    EnrolOnly,
}

/// What sign-in asks of a user with these active factor kinds, and what it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Kinds the second step offers and accepts, in the order given; empty: no second step.
    pub accepted: Vec<FactorKind>,
    /// What a proven factor (or, without a second step, the password) leads to.
    pub then: Access,
    /// Set while the user should be reminded to add an allowed factor.
    pub reminder: Option<Stage>,
    /// Whether the user has an active factor of an allowed primary kind.
    pub compliant: bool,
}

/// The sign-in plan for a user whose active factor kinds are `active` (in offer order):
/// - with an allowed primary factor: only allowed kinds are offered and accepted; success signs in;
/// - with factors, none of an allowed primary kind: those factors are still asked for (tightening a policy must
///   not leave a password alone in front of an account), and success signs in before the deadline but only
///   opens enrolment after it;
/// - with no factor: no second step; the password signs in before the deadline (or when nothing is required)
///   and only opens enrolment after it.
pub fn plan(requirement: &Requirement, active: &[FactorKind], now: DateTime<Utc>) -> Plan {
    let allowed_active: Vec<FactorKind> = active.iter().copied().filter(|k| requirement.allows(*k)).collect();
    let compliant = has_primary(&allowed_active);
    if compliant {
        return Plan {
            accepted: allowed_active,
            then: Access::Full,
            reminder: None,
            compliant,
        };
    }
    let stage = requirement.stage(now);
    Plan {
        accepted: active.to_vec(),
        then: if stage == Stage::Enforced {
            Access::EnrolOnly
        } else {
            Access::Full
        },
        reminder: matches!(stage, Stage::Reminder { .. }).then_some(stage),
        compliant,
    }
}

#[cfg(test)]
pub(crate) mod tests;
