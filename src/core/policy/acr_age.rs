//! How long each assurance level lasts (RFC 9470, step-up with a maximum authentication age per level).
//!
//! A session remembers **when it last proved each level** ([`LevelProofs`]): a sign-in or a step-up that reaches a
//! level proves it, and every weaker one, at that moment. A role gives each level above the password its own
//! maximum age ([`AcrMaxAge`]; unset levels take the role's built-in default, [`defaults_for`]); several roles
//! combine strictest wins, like every other setting. What a session is worth at a moment ([`standing`]) is the
//! strongest level that both its methods reach under today's policy (`assurance::counting_amr`) and that it proved
//! within that level's age — and within the relying party's `max_age`, when one was asked — so a token issued
//! after phishing-resistant has aged out says multi-factor (or password), and its `auth_time` is when the level it
//! claims was proven. The password level has no age of its own: the session's lifetime and the role's
//! reauthentication limits govern it.
//!
//! Built-in defaults (docs/policy.md): multi-factor 24 h and phishing-resistant (hardware-bound too) 12 h; the
//! `admin` role 12 h and 8 h. A stronger level never lasts longer than a weaker one ([`AcrMaxAge::resolved`]).
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::assurance::{self, HARDWARE_BOUND, MULTI_FACTOR, PASSWORD, PHISHING_RESISTANT};
use super::{MAX_MINUTES, Requirement};
use crate::core::model::{Session, truncate};
use crate::core::{Error, Result};

pub use crate::core::model::LevelProofs;

/// The rules of [`LevelProofs`] (kept beside the levels they order; the type itself is part of the session).
pub trait Proofs: Sized {
    /// Records that `level` — and so every weaker level — was proven at `at` (a later proof never moves back).
    fn record(&mut self, level: &str, at: DateTime<Utc>);
    /// These proofs after a sign-in or step-up at `at` whose methods are now `amr`; `hardware_bound` when its
    /// WebAuthn credential counts for `phrh` (`factors::webauthn::hardware_bound`).
    fn proven(self, amr: &[String], hardware_bound: bool, at: DateTime<Utc>) -> Self;
    /// The proofs of `session`; one stored before they were recorded proved what its methods reach at its
    /// `auth_time` (never `phrh`, which needs a registration record).
    fn of_session(session: &Session) -> Self;
}

impl Proofs for LevelProofs {
    fn record(&mut self, level: &str, at: DateTime<Utc>) {
        let Some(top) = assurance::rank(level) else {
            return;
        };
        for weaker in &assurance::ALL[..=top] {
            self.raise(weaker, at);
        }
    }

    fn proven(mut self, amr: &[String], hardware_bound: bool, at: DateTime<Utc>) -> Self {
        let level = assurance::acr_for(amr);
        let level = if hardware_bound && level == PHISHING_RESISTANT {
            HARDWARE_BOUND
        } else {
            level
        };
        self.record(level, at);
        self
    }

    fn of_session(session: &Session) -> Self {
        if session.proofs.is_empty() {
            LevelProofs::default().proven(&session.amr, false, session.auth_time)
        } else {
            session.proofs.clone()
        }
    }
}

/// A role's maximum age per level, in minutes; `None`: the role's built-in default ([`defaults_for`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcrMaxAge {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phr: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrh: Option<u32>,
}

/// The ages in force, in minutes, for every level above the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LevelAges {
    pub mfa: u32,
    pub phr: u32,
    pub phrh: u32,
}

/// The settable levels by their short names, as `--acr-max-age LEVEL=DURATION` and the admin API name them.
pub const AGE_LEVELS: [&str; 3] = ["mfa", "phr", "phrh"];

/// The built-in ages of a role: 24 h for multi-factor and 12 h for phishing-resistant, hardware-bound or not;
/// the built-in `admin` role 12 h and 8 h (its members' sign-ins are worth the most to an attacker).
pub fn defaults_for(role: &str) -> LevelAges {
    if role == "admin" {
        LevelAges {
            mfa: 12 * 60,
            phr: 8 * 60,
            phrh: 8 * 60,
        }
    } else {
        LevelAges {
            mfa: 24 * 60,
            phr: 12 * 60,
            phrh: 12 * 60,
        }
    }
}

impl AcrMaxAge {
    /// The ages in force for `role`: its own where set, else its defaults — and a stronger level never lasts
    /// longer than a weaker one (a `phrh` proof is a `phr` proof: if it outlived `phr`'s age, a request for `phrh`
    /// would be met where one for `phr` is not).
    pub fn resolved(&self, role: &str) -> LevelAges {
        let d = defaults_for(role);
        let mfa = self.mfa.unwrap_or(d.mfa);
        let phr = self.phr.unwrap_or(d.phr).min(mfa);
        LevelAges {
            mfa,
            phr,
            phrh: self.phrh.unwrap_or(d.phrh).min(phr),
        }
    }

    pub fn get(&self, short: &str) -> Option<u32> {
        match short {
            "mfa" => self.mfa,
            "phr" => self.phr,
            "phrh" => self.phrh,
            _ => None,
        }
    }

    /// Sets (`Some`) or puts back the default (`None`) of one level by its short name.
    pub fn set(&mut self, short: &str, minutes: Option<u32>) {
        match short {
            "mfa" => self.mfa = minutes,
            "phr" => self.phr = minutes,
            "phrh" => self.phrh = minutes,
            _ => {}
        }
    }

    pub fn validate(&self) -> Result<()> {
        for short in AGE_LEVELS {
            if let Some(minutes) = self.get(short)
                && (minutes == 0 || minutes > MAX_MINUTES)
            {
                return Err(Error::invalid(format!(
                    "The maximum age of {short} is 1 minute to {} days, or default.",
                    MAX_MINUTES / 1440
                )));
            }
        }
        Ok(())
    }
}

impl LevelAges {
    /// The strictest of several roles' ages (the shortest per level); without roles, the defaults of a role that
    /// is not `admin`.
    pub fn strictest(ages: impl IntoIterator<Item = LevelAges>) -> LevelAges {
        ages.into_iter().fold(defaults_for(""), |a, b| LevelAges {
            mfa: a.mfa.min(b.mfa),
            phr: a.phr.min(b.phr),
            phrh: a.phrh.min(b.phrh),
        })
    }

    /// How long `level` lasts after it was proven; `None` for the password level (no age of its own).
    pub fn limit(&self, level: &str) -> Option<Duration> {
        let minutes = match level {
            MULTI_FACTOR => self.mfa,
            PHISHING_RESISTANT => self.phr,
            HARDWARE_BOUND => self.phrh,
            _ => return None,
        };
        Some(Duration::minutes(minutes.into()))
    }

    /// The short name → minutes, for display.
    pub fn as_map(&self) -> BTreeMap<String, u32> {
        BTreeMap::from([
            ("mfa".to_string(), self.mfa),
            ("phr".to_string(), self.phr),
            ("phrh".to_string(), self.phrh),
        ])
    }
}

/// The short name of a settable level: `mfa`, `phr`, `phrh`, or one of our URNs for them.
pub fn short_name(level: &str) -> Option<&'static str> {
    match assurance::level_named(level.trim()).or_else(|| AGE_LEVELS.iter().find(|s| **s == level.trim()).copied()) {
        Some(MULTI_FACTOR | "mfa") => Some("mfa"),
        Some(PHISHING_RESISTANT) => Some("phr"),
        Some(HARDWARE_BOUND) => Some("phrh"),
        _ => None,
    }
}

/// `LEVEL=DURATION[,LEVEL=DURATION…]` (DURATION as `policy::parse_duration_minutes`, or `default` to put back the
/// role's built-in age) → the changes, by short level name.
pub fn parse_max_ages(text: &str) -> Result<Vec<(&'static str, Option<u32>)>> {
    let mut changes = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (level, duration) = item.split_once('=').ok_or_else(|| {
            Error::invalid(format!(
                "--acr-max-age: '{}' is not LEVEL=DURATION (e.g. phr=12h).",
                truncate(item, 32)
            ))
        })?;
        let short = short_name(level).ok_or_else(|| {
            Error::invalid(format!(
                "--acr-max-age: unknown level '{}'; levels: {}.",
                truncate(level, 32),
                AGE_LEVELS.join(", ")
            ))
        })?;
        let minutes = match duration.trim() {
            "default" => None,
            "none" => {
                return Err(Error::invalid(
                    "--acr-max-age: every level has an age; use a duration, or default for the role's built-in one.",
                ));
            }
            other => super::parse_duration_minutes(other, "--acr-max-age")?,
        };
        changes.push((short, minutes));
    }
    if changes.is_empty() {
        return Err(Error::invalid("--acr-max-age needs LEVEL=DURATION (e.g. phr=12h)."));
    }
    Ok(changes)
}

/// What a session is worth at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The strongest level the session reaches now (our level name).
    pub level: &'static str,
    /// When that level was last proven: the truthful `auth_time` for a claim of it.
    pub proven_at: DateTime<Utc>,
}

/// The strongest level `session` holds at `now` under `requirement` (allowed kinds, level ages), proven within
/// `max_age` seconds when a relying party asked for one. The password level always stands (at the session's
/// `auth_time`): whether the session itself is still good is decided elsewhere.
pub fn standing(session: &Session, requirement: &Requirement, now: DateTime<Utc>, max_age: Option<i64>) -> Standing {
    let mut ceiling = assurance::acr_for(&assurance::counting_amr(&session.amr, requirement));
    let proofs = LevelProofs::of_session(session);
    // A hardware-bound proof counts only if it was judged under the passkey profile in force (a role's profile
    // tightened since then may no longer accept the credential that gave it).
    let hardware = proofs
        .get(HARDWARE_BOUND)
        .is_some_and(|at| requirement.passkey_profile_since.is_none_or(|since| at >= since));
    if ceiling == PHISHING_RESISTANT && hardware {
        ceiling = HARDWARE_BOUND;
    }
    let top = assurance::rank(ceiling).unwrap_or(0);
    for level in assurance::ALL[1..=top.max(1)]
        .iter()
        .rev()
        .filter(|l| assurance::meets(ceiling, l))
    {
        let Some(at) = proofs.get(level) else {
            continue;
        };
        let within_level = requirement
            .acr_max_age
            .limit(level)
            .is_none_or(|limit| now - at <= limit);
        let within_request = max_age.is_none_or(|max| (now - at).num_seconds() <= max);
        if within_level && within_request {
            return Standing { level, proven_at: at };
        }
    }
    Standing {
        level: PASSWORD,
        proven_at: session.auth_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::SessionState;
    use crate::core::policy::{RolePolicy, evaluate};

    fn session(amr: &[&str], at: DateTime<Utc>) -> Session {
        Session {
            id_hash: "h".into(),
            user_id: "u".into(),
            state: SessionState::Authenticated,
            amr: amr.iter().map(|s| s.to_string()).collect(),
            created_at: at,
            auth_time: at,
            last_seen_at: at,
            expires_at: at + Duration::days(1),
            ip: None,
            user_agent: None,
            proofs: LevelProofs::default(),
        }
    }

    fn open() -> Requirement {
        evaluate(&crate::core::policy::tests::user(false), &[])
    }

    #[test]
    fn a_proof_proves_every_weaker_level_and_never_moves_back() {
        let t0 = Utc::now();
        let mut proofs = LevelProofs::default();
        proofs.record(PHISHING_RESISTANT, t0);
        assert_eq!(proofs.get(PASSWORD), Some(t0));
        assert_eq!(proofs.get(MULTI_FACTOR), Some(t0));
        assert_eq!(proofs.get(HARDWARE_BOUND), None);
        proofs.record(MULTI_FACTOR, t0 + Duration::hours(1));
        assert_eq!(proofs.get(MULTI_FACTOR), Some(t0 + Duration::hours(1)));
        assert_eq!(proofs.get(PHISHING_RESISTANT), Some(t0));
        proofs.record(PASSWORD, t0 - Duration::hours(1));
        assert_eq!(proofs.get(PASSWORD), Some(t0 + Duration::hours(1)), "never back");
        let key = ["pwd", "hwk", "user", "mfa"].map(String::from);
        assert_eq!(
            LevelProofs::default().proven(&key, true, t0).get(HARDWARE_BOUND),
            Some(t0)
        );
        assert_eq!(LevelProofs::default().proven(&key, false, t0).get(HARDWARE_BOUND), None);
    }

    #[test]
    fn each_level_lasts_its_own_age_and_the_claim_falls_back() {
        let t0 = Utc::now();
        let mut s = session(&["pwd", "otp", "mfa"], t0);
        s.proofs = LevelProofs::default().proven(&s.amr, false, t0);
        // Step-up with a device-bound passkey two hours later.
        let t1 = t0 + Duration::hours(2);
        s.amr = ["pwd", "otp", "hwk", "user", "mfa"].map(String::from).to_vec();
        s.proofs = s.proofs.clone().proven(&s.amr, true, t1);
        s.auth_time = t1;
        let open = open();
        assert_eq!(
            standing(&s, &open, t1, None),
            Standing {
                level: HARDWARE_BOUND,
                proven_at: t1
            }
        );
        // 12 h after the passkey: phishing-resistant has aged out; multi-factor (24 h) stands, proven at t1.
        let later = t1 + Duration::hours(12) + Duration::minutes(1);
        assert_eq!(
            standing(&s, &open, later, None),
            Standing {
                level: MULTI_FACTOR,
                proven_at: t1
            }
        );
        // A day after: only the password.
        let much_later = t1 + Duration::hours(24) + Duration::minutes(1);
        assert_eq!(standing(&s, &open, much_later, None).level, PASSWORD);
        // An admin's phishing-resistant lasts 8 h.
        let admin = evaluate(
            &crate::core::policy::tests::user(false),
            &[RolePolicy::unrestricted("admin", t0)],
        );
        assert_eq!(admin.acr_max_age, defaults_for("admin"));
        assert_eq!(standing(&s, &admin, t1 + Duration::hours(9), None).level, MULTI_FACTOR);
        // A relying party's max_age also bounds the claim: the level must have been proven within it.
        assert_eq!(standing(&s, &open, t1 + Duration::hours(1), Some(1800)).level, PASSWORD);
        assert_eq!(
            standing(&s, &open, t1 + Duration::hours(1), Some(7200)).level,
            HARDWARE_BOUND
        );
    }

    #[test]
    fn a_phrh_proof_from_before_a_passkey_profile_changed_no_longer_counts() {
        let t0 = Utc::now();
        let mut s = session(&["pwd", "hwk", "user", "mfa"], t0);
        s.proofs = LevelProofs::default().proven(&s.amr, true, t0);
        let mut profiled = RolePolicy::unrestricted("user", t0 + Duration::minutes(5));
        profiled.passkey_profile.device_bound = true;
        let user = crate::core::policy::tests::user(false);
        let tightened = evaluate(&user, &[profiled.clone()]);
        let at = t0 + Duration::minutes(10);
        assert_eq!(standing(&s, &tightened, at, None).level, PHISHING_RESISTANT);
        // Proven again after the change: it counts.
        s.proofs = s.proofs.clone().proven(&s.amr, true, at);
        assert_eq!(standing(&s, &tightened, at, None).level, HARDWARE_BOUND);
        // A role without a profile changes nothing.
        let plain = evaluate(&user, &[RolePolicy::unrestricted("user", at + Duration::minutes(1))]);
        assert_eq!(plain.passkey_profile_since, None);
    }

    #[test]
    fn sessions_from_before_the_proofs_read_them_from_their_methods() {
        let t0 = Utc::now();
        let s = session(&["pwd", "hwk", "user", "mfa"], t0);
        assert_eq!(
            standing(&s, &open(), t0 + Duration::hours(1), None),
            Standing {
                level: PHISHING_RESISTANT,
                proven_at: t0
            },
            "never phrh without a registration record"
        );
    }

    #[test]
    fn roles_combine_strictest_and_settings_parse() {
        let mut short = RolePolicy::unrestricted("staff", Utc::now());
        short.acr_max_age.phr = Some(60);
        let user = crate::core::policy::tests::user(false);
        let both = evaluate(&user, &[short, RolePolicy::unrestricted("admin", Utc::now())]);
        assert_eq!(
            both.acr_max_age,
            LevelAges {
                mfa: 720,
                phr: 60,
                phrh: 60
            },
            "phrh never outlives phr"
        );
        assert_eq!(
            parse_max_ages("phr=12h, mfa=2d,urn:gatehouse:acr:phishing-resistant=default").unwrap(),
            vec![("phr", Some(720)), ("mfa", Some(2880)), ("phr", None)]
        );
        for bad in ["phr", "gold=1h", "phr=soon", "", "mfa=none"] {
            assert!(parse_max_ages(bad).is_err(), "{bad}");
        }
        let zero = AcrMaxAge {
            mfa: Some(0),
            ..Default::default()
        };
        assert!(zero.validate().is_err());
    }
}
