//! What a role allows when a member has lost a factor: the recovery paths (after NIST SP 800-63B-4 §4.2) and
//! which helpdesk caller verification must have passed before an agent may execute a factor reset.
//!
//! Pure: the values, their names on the command line and in the API, the defaults per built-in role, and how
//! several roles combine (**strictest wins**: a path is open only if every role of the user opens it, the
//! caller check is the strictest any role asks). A combination always keeps a way back for someone who lost
//! every factor: when no role-approved request path survives the intersection, `two-admins` is the one left.
use serde::Serialize;

use crate::core::factors::FactorKind;
use crate::core::{Error, Result};

/// One way back to an account whose factor was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecoveryPath {
    /// Self-service: sign in with another bound factor the role counts (not an SMS code) and replace the lost one.
    BackupFactor,
    /// Self-service as above, where the factor that proves it is an SMS code (a restricted authenticator).
    BackupSms,
    /// Self-service: sign in with a saved recovery code and replace the lost factor.
    RecoveryCodes,
    /// A factor-reset request approved by the recovery contact (the manager graph) and executed by a helpdesk
    /// agent after identity checks: two proofs from two people, neither of them the user.
    Approval,
    /// A factor-reset request approved by an administrator and executed by a different administrator.
    TwoAdmins,
}

/// Every path, in the order they are stored and shown.
pub const ALL_PATHS: [RecoveryPath; 5] = [
    RecoveryPath::BackupFactor,
    RecoveryPath::BackupSms,
    RecoveryPath::RecoveryCodes,
    RecoveryPath::Approval,
    RecoveryPath::TwoAdmins,
];

impl RecoveryPath {
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryPath::BackupFactor => "backup-factor",
            RecoveryPath::BackupSms => "backup-sms",
            RecoveryPath::RecoveryCodes => "recovery-codes",
            RecoveryPath::Approval => "approval",
            RecoveryPath::TwoAdmins => "two-admins",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL_PATHS.into_iter().find(|p| p.as_str() == text)
    }

    /// A path the user walks alone (with a factor or a code they still hold).
    pub fn is_self_service(self) -> bool {
        matches!(
            self,
            RecoveryPath::BackupFactor | RecoveryPath::BackupSms | RecoveryPath::RecoveryCodes
        )
    }

    /// A factor-reset request: the way back when no factor is left.
    pub fn is_request(self) -> bool {
        !self.is_self_service()
    }
}

/// Which helpdesk caller verification (number matching) must have passed before a reset is executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallerCheck {
    /// None is required (the agent's own identity checks only).
    None,
    /// A prompt answered by the user or one answered by the manager.
    Either,
    /// A prompt answered by the user (from a link to their mail or phone, with a factor they still have).
    User,
    /// A prompt answered by the user's manager ("is Alice on the phone with the helpdesk right now?").
    Manager,
    /// Both a user prompt and a manager prompt.
    Both,
}

pub const ALL_CALLER_CHECKS: [CallerCheck; 5] = [
    CallerCheck::None,
    CallerCheck::Either,
    CallerCheck::User,
    CallerCheck::Manager,
    CallerCheck::Both,
];

impl CallerCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            CallerCheck::None => "none",
            CallerCheck::Either => "either",
            CallerCheck::User => "user",
            CallerCheck::Manager => "manager",
            CallerCheck::Both => "both",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL_CALLER_CHECKS.into_iter().find(|c| c.as_str() == text)
    }

    /// Whether a user prompt and a manager prompt are each required.
    pub fn needs(self) -> (bool, bool) {
        match self {
            CallerCheck::None | CallerCheck::Either => (false, false),
            CallerCheck::User => (true, false),
            CallerCheck::Manager => (false, true),
            CallerCheck::Both => (true, true),
        }
    }

    /// The stricter of two requirements (user + manager = both).
    pub fn stricter(self, other: CallerCheck) -> CallerCheck {
        let (u1, m1) = self.needs();
        let (u2, m2) = other.needs();
        match (u1 || u2, m1 || m2) {
            (true, true) => CallerCheck::Both,
            (true, false) => CallerCheck::User,
            (false, true) => CallerCheck::Manager,
            (false, false) if self == CallerCheck::Either || other == CallerCheck::Either => CallerCheck::Either,
            (false, false) => CallerCheck::None,
        }
    }
}

/// One role's recovery setting as stored; `None` fields mean the built-in default for the role's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecoverySetting {
    pub paths: Option<Vec<RecoveryPath>>,
    pub caller_check: Option<CallerCheck>,
}

/// What applies to one user: the paths open to them and the caller check an execution needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoveryPolicy {
    pub paths: Vec<RecoveryPath>,
    pub caller_check: CallerCheck,
}

/// Roles whose members hold power over other accounts: never self-service by SMS, resets by two administrators.
fn privileged(role: &str) -> bool {
    role == "admin" || role == "helpdesk"
}

/// The built-in paths of a role nobody configured.
pub fn default_paths(role: &str) -> Vec<RecoveryPath> {
    if privileged(role) {
        vec![
            RecoveryPath::BackupFactor,
            RecoveryPath::RecoveryCodes,
            RecoveryPath::TwoAdmins,
        ]
    } else {
        vec![
            RecoveryPath::BackupFactor,
            RecoveryPath::BackupSms,
            RecoveryPath::RecoveryCodes,
            RecoveryPath::Approval,
        ]
    }
}

/// The built-in caller check of a role nobody configured.
pub fn default_caller_check(role: &str) -> CallerCheck {
    if privileged(role) {
        CallerCheck::User
    } else {
        CallerCheck::Either
    }
}

impl RecoverySetting {
    /// The role's own policy, defaults filled in.
    pub fn resolve(&self, role: &str) -> RecoveryPolicy {
        RecoveryPolicy {
            paths: self.paths.clone().unwrap_or_else(|| default_paths(role)),
            caller_check: self.caller_check.unwrap_or_else(|| default_caller_check(role)),
        }
    }
}

/// A role's recovery setting as shown (`role show`, the admin API, the console): the values in force for this
/// role alone, and whether each is the built-in default (not set) or set for the role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoveryShown {
    pub recovery_paths: Vec<RecoveryPath>,
    pub recovery_paths_default: bool,
    pub caller_check: CallerCheck,
    pub caller_check_default: bool,
}

impl RecoverySetting {
    pub fn shown(&self, role: &str) -> RecoveryShown {
        let resolved = self.resolve(role);
        RecoveryShown {
            recovery_paths: resolved.paths,
            recovery_paths_default: self.paths.is_none(),
            caller_check: resolved.caller_check,
            caller_check_default: self.caller_check.is_none(),
        }
    }
}

/// `PATHS` or `default` (the role's built-in paths again), as `--recovery` takes it.
pub fn parse_paths_or_default(text: &str) -> Result<Option<Vec<RecoveryPath>>> {
    if text.trim() == "default" {
        return Ok(None);
    }
    parse_paths(text).map(Some)
}

/// `CHECK` or `default`, as `--caller-check` takes it.
pub fn parse_caller_check_or_default(text: &str) -> Result<Option<CallerCheck>> {
    if text.trim() == "default" {
        return Ok(None);
    }
    parse_caller_check(text).map(Some)
}

/// Paths as their names, comma-separated.
pub fn path_names(paths: &[RecoveryPath]) -> String {
    paths.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
}

/// Sorted, without repeats.
pub fn normalize_paths(paths: &[RecoveryPath]) -> Vec<RecoveryPath> {
    ALL_PATHS.into_iter().filter(|p| paths.contains(p)).collect()
}

/// `backup-factor,approval` → paths. Refuses unknown names and a list without a request path (`approval` or
/// `two-admins`): without one, a member who lost every factor could never come back.
pub fn parse_paths(text: &str) -> Result<Vec<RecoveryPath>> {
    let mut paths = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        paths.push(RecoveryPath::parse(name).ok_or_else(|| {
            Error::invalid(format!(
                "Unknown recovery path '{}'. Known paths: {}.",
                crate::core::model::truncate(name, 32),
                ALL_PATHS.map(|p| p.as_str()).join(", ")
            ))
        })?);
    }
    let paths = normalize_paths(&paths);
    validate_paths(&paths)?;
    Ok(paths)
}

/// A role's paths must include a request path.
pub fn validate_paths(paths: &[RecoveryPath]) -> Result<()> {
    if !paths.iter().any(|p| p.is_request()) {
        return Err(Error::invalid(
            "Recovery paths must include 'approval' or 'two-admins': without a request path, a member who lost \
             every factor could never sign in again.",
        ));
    }
    Ok(())
}

/// A role's paths as a whole: a request path, and for the built-in privileged roles (admin, helpdesk) neither a
/// manager-approved reset nor self-service by SMS — their members hold power over other accounts, so their way
/// back is two administrators or a strong factor of their own.
pub fn validate_for_role(role: &str, paths: &[RecoveryPath]) -> Result<()> {
    validate_paths(paths)?;
    if privileged(role)
        && let Some(path) = paths
            .iter()
            .find(|p| matches!(p, RecoveryPath::Approval | RecoveryPath::BackupSms))
    {
        return Err(Error::invalid(format!(
            "The role '{role}' may not allow '{}': administrators and helpdesk agents recover with another strong \
             factor, a recovery code, or two administrators.",
            path.as_str()
        )));
    }
    Ok(())
}

/// `none|either|user|manager|both`.
pub fn parse_caller_check(text: &str) -> Result<CallerCheck> {
    CallerCheck::parse(text.trim()).ok_or_else(|| {
        Error::invalid(format!(
            "Unknown caller check '{}'. Known: {}.",
            crate::core::model::truncate(text, 32),
            ALL_CALLER_CHECKS.map(|c| c.as_str()).join(", ")
        ))
    })
}

/// How the recovery settings of a user's roles combine: paths in every role, the strictest caller check; a
/// user with no role gets the default of a plain role. Always leaves a request path.
pub fn effective<'a>(roles: impl IntoIterator<Item = (&'a str, &'a RecoverySetting)>) -> RecoveryPolicy {
    let mut combined: Option<RecoveryPolicy> = None;
    for (role, setting) in roles {
        let own = setting.resolve(role);
        combined = Some(match combined {
            None => own,
            Some(acc) => RecoveryPolicy {
                paths: acc.paths.into_iter().filter(|p| own.paths.contains(p)).collect(),
                caller_check: acc.caller_check.stricter(own.caller_check),
            },
        });
    }
    let mut policy = combined.unwrap_or_else(|| RecoverySetting::default().resolve("user"));
    if !policy.paths.iter().any(|p| p.is_request()) {
        policy.paths.push(RecoveryPath::TwoAdmins);
    }
    policy.paths = normalize_paths(&policy.paths);
    policy
}

/// Who supplies a proof on a path. The request paths need two proofs from two different people, neither the
/// user (NIST's "recovery contact" plus an independent check); the self-service paths are the user's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    /// The user, with the password and a factor or code they still hold.
    Subject,
    /// Whoever the request was routed to (manager, delegate, someone further up, an approver-role member).
    Approver,
    /// The helpdesk agent who checks the caller's identity and executes.
    Executor,
    /// An administrator approving a `two-admins` request.
    FirstAdmin,
    /// A different administrator executing it.
    SecondAdmin,
}

/// What one proof is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofKind {
    Password,
    /// A bound factor other than SMS and recovery codes.
    Factor,
    SmsCode,
    RecoveryCode,
    /// A decision to approve, from the decider's own signed-in account.
    Approval,
    /// Identity checks and the caller verification the role requires, then the execution.
    IdentityCheck,
}

/// The proofs a path needs, each with who supplies it.
pub fn proofs(path: RecoveryPath) -> &'static [(ProofKind, Party)] {
    match path {
        RecoveryPath::BackupFactor => &[
            (ProofKind::Password, Party::Subject),
            (ProofKind::Factor, Party::Subject),
        ],
        RecoveryPath::BackupSms => &[
            (ProofKind::Password, Party::Subject),
            (ProofKind::SmsCode, Party::Subject),
        ],
        RecoveryPath::RecoveryCodes => &[
            (ProofKind::Password, Party::Subject),
            (ProofKind::RecoveryCode, Party::Subject),
        ],
        RecoveryPath::Approval => &[
            (ProofKind::Approval, Party::Approver),
            (ProofKind::IdentityCheck, Party::Executor),
        ],
        RecoveryPath::TwoAdmins => &[
            (ProofKind::Approval, Party::FirstAdmin),
            (ProofKind::IdentityCheck, Party::SecondAdmin),
        ],
    }
}

/// What a user who lost a factor still has, and who could help them: the input of [`available_paths`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Situation {
    /// Kinds of the factors the user can still use and their roles count (`RecoveryCode` while codes are left).
    pub usable: Vec<FactorKind>,
    /// Someone other than the user could be asked to approve a request (the route found a person or role member).
    pub approver_available: bool,
    /// Active administrators other than the user (a `two-admins` request needs two).
    pub other_admins: usize,
}

/// The paths open to a user now: allowed by their policy, and walkable with what they hold and who can help.
pub fn available_paths(policy: &RecoveryPolicy, situation: &Situation) -> Vec<RecoveryPath> {
    let has = |pred: fn(FactorKind) -> bool| situation.usable.iter().any(|k| pred(*k));
    policy
        .paths
        .iter()
        .copied()
        .filter(|path| match path {
            RecoveryPath::BackupFactor => has(|k| !matches!(k, FactorKind::Sms | FactorKind::RecoveryCode)),
            RecoveryPath::BackupSms => has(|k| k == FactorKind::Sms),
            RecoveryPath::RecoveryCodes => has(|k| k == FactorKind::RecoveryCode),
            RecoveryPath::Approval => situation.approver_available,
            RecoveryPath::TwoAdmins => situation.other_admins >= 2,
        })
        .collect()
}

/// The self-service path a sign-in proven with `kind` walks when it replaces a lost factor.
pub fn self_service_path(kind: FactorKind) -> RecoveryPath {
    match kind {
        FactorKind::Sms => RecoveryPath::BackupSms,
        FactorKind::RecoveryCode => RecoveryPath::RecoveryCodes,
        _ => RecoveryPath::BackupFactor,
    }
}

/// The self-service path a session walks when it changes the factors of an account, from the methods it proved
/// (`amr`: `hwk`/`otp` another factor, `sms` a text message code, `rc` a recovery code): `None` when the session
/// proved no second factor (what it may do then is the enrolment rules' business), or when one of its methods'
/// paths is open under `policy`; else the path it would take, which the policy closes.
pub fn closed_self_service(policy: &RecoveryPolicy, amr: &[String]) -> Option<RecoveryPath> {
    let walked: Vec<RecoveryPath> = amr
        .iter()
        .filter_map(|method| match method.as_str() {
            "hwk" | "otp" => Some(RecoveryPath::BackupFactor),
            "sms" => Some(RecoveryPath::BackupSms),
            "rc" => Some(RecoveryPath::RecoveryCodes),
            _ => None,
        })
        .collect();
    if walked.is_empty() || walked.iter().any(|p| policy.paths.contains(p)) {
        None
    } else {
        walked.into_iter().next()
    }
}

/// The request path a reset of this user takes: `approval` where the policy allows it, else `two-admins`.
pub fn request_path(policy: &RecoveryPolicy) -> RecoveryPath {
    if policy.paths.contains(&RecoveryPath::Approval) {
        RecoveryPath::Approval
    } else {
        RecoveryPath::TwoAdmins
    }
}

#[cfg(test)]
mod table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_lists_need_a_request_path() {
        for p in ALL_PATHS {
            assert_eq!(RecoveryPath::parse(p.as_str()), Some(p));
        }
        for c in ALL_CALLER_CHECKS {
            assert_eq!(CallerCheck::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            parse_paths("approval, backup-factor,approval").unwrap(),
            vec![RecoveryPath::BackupFactor, RecoveryPath::Approval]
        );
        assert!(parse_paths("backup-factor,recovery-codes").is_err());
        assert!(parse_paths("").is_err());
        assert!(parse_paths("approval,teleport").is_err());
        assert!(parse_caller_check("sometimes").is_err());
    }

    #[test]
    fn roles_combine_strictest_wins_and_keep_a_way_back() {
        let plain = RecoverySetting::default();
        let admin = effective([("user", &plain), ("admin", &plain)]);
        assert_eq!(
            admin.paths,
            vec![
                RecoveryPath::BackupFactor,
                RecoveryPath::RecoveryCodes,
                RecoveryPath::TwoAdmins
            ]
        );
        assert_eq!(admin.caller_check, CallerCheck::User);
        let manager_only = RecoverySetting {
            paths: Some(vec![RecoveryPath::Approval]),
            caller_check: Some(CallerCheck::Manager),
        };
        let both = effective([("admin", &plain), ("finance", &manager_only)]);
        assert_eq!(both.paths, vec![RecoveryPath::TwoAdmins]);
        assert_eq!(both.caller_check, CallerCheck::Both);
        assert_eq!(CallerCheck::None.stricter(CallerCheck::Either), CallerCheck::Either);
        assert_eq!(effective([]).paths, default_paths("user"));
    }
}
