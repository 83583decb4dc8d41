//! `/api/v1/roles`: every role's sign-in policy, and changing one. A change goes through
//! `core::policy::roles::set`, as `gatehouse role set` does: validated whole (and against the role sets users hold)
//! before anything is stored, audited `role.policy_changed` with the policy before and after.
//!
//! PATCH takes the members to change; one left out keeps its value. `null` clears the settings that can be unset
//! (`enforce_from`, the reauthentication limits, `recovery_delay_minutes`) and puts back the built-in default
//! (`recovery_paths`, `caller_check`); for the others `null` is refused.
use std::collections::BTreeMap;

use actix_web::{HttpRequest, get, patch, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::MAX_JSON_BYTES;
use super::auth::Caller;
use super::body::{self, not_null, nullable};
use super::problem::{Problem, ProblemBody};
use crate::core::Error;
use crate::core::delegation::Permission;
use crate::core::factors::FactorKind;
use crate::core::policy::{
    self, ALL_KINDS, MAX_CIDRS, MAX_DAYS, MAX_MINUTES, MAX_RECOVERY_DELAY_MINUTES, PolicyChange, RolePolicy, acr_age,
    passkey_profile, recovery, roles,
};
use crate::core::signin::ip_rules;
use crate::core::store::Store;

/// A role and what it requires of its members' sign-in.
#[derive(Serialize, ToSchema)]
pub struct RoleView {
    pub role: String,
    /// The factor kinds that count, strongest first: `webauthn`, `totp`, `oath_token`, `sms`, `recovery_code`.
    pub allowed_factors: Vec<String>,
    /// Members must have (and use) a second factor of an allowed kind.
    pub mfa_required: bool,
    /// The day (UTC) from which the requirement holds; `null`: at once.
    pub enforce_from: Option<NaiveDate>,
    /// Days after `enforce_from` during which members without a factor are reminded, not held.
    pub grace_days: u32,
    /// How long a browser may be trusted to skip the second factor; 0 = never.
    pub trusted_device_days: u32,
    /// Longest session age before signing in again; `null`: the server's.
    pub reauth_absolute_minutes: Option<u32>,
    /// Longest inactivity before signing in again; `null`: the server's.
    pub reauth_idle_minutes: Option<u32>,
    /// Networks members may sign in from (CIDRs); empty: from anywhere.
    pub ip_allow: Vec<String>,
    /// Networks members may never sign in from (wins over `ip_allow`).
    pub ip_deny: Vec<String>,
    /// Cooling-off of a factor reset of a member before it takes effect; `null`: the server's default.
    pub recovery_delay_minutes: Option<u32>,
    /// Recovery paths members may take (`backup-factor`, `backup-sms`, `recovery-codes`, `approval`,
    /// `two-admins`): the role's own when set, else its built-in default.
    pub recovery_paths: Vec<String>,
    /// Whether `recovery_paths` is the built-in default (not set for the role).
    pub recovery_paths_default: bool,
    /// Helpdesk caller verification a reset execution needs: `none`, `either`, `user`, `manager`, `both`.
    pub caller_check: String,
    /// Whether `caller_check` is the built-in default (not set for the role).
    pub caller_check_default: bool,
    /// How long each assurance level (`mfa`, `phr`, `phrh`) lasts after it was proven, in minutes, before a request
    /// needing it steps up again (RFC 9470): the role's own where set, else its built-in default.
    pub acr_max_age_minutes: BTreeMap<String, u32>,
    /// The levels whose age is the built-in default (not set for the role).
    pub acr_max_age_default: Vec<String>,
    /// Whether members' security keys and passkeys must prove their make and model against the server's
    /// attestation trust anchors: `none` or `required`.
    pub passkey_attestation: String,
    /// The authenticator models (AAGUIDs) members may register; empty: any attested model.
    pub passkey_aaguids: Vec<String>,
    /// Synced (backup-eligible) passkeys are refused.
    pub passkey_device_bound: bool,
    /// The authenticator must verify the user (PIN or biometrics).
    pub passkey_user_verification: bool,
    pub updated_at: DateTime<Utc>,
}

impl From<RolePolicy> for RoleView {
    fn from(p: RolePolicy) -> Self {
        let cidrs = |nets: &[ipnet::IpNet]| nets.iter().map(|n| n.to_string()).collect();
        let shown = p.recovery.shown(&p.role);
        RoleView {
            passkey_attestation: p.passkey_profile.attestation.as_str().to_string(),
            passkey_aaguids: p.passkey_profile.aaguids.iter().map(|a| a.to_string()).collect(),
            passkey_device_bound: p.passkey_profile.device_bound,
            passkey_user_verification: p.passkey_profile.user_verification,
            acr_max_age_minutes: p.acr_max_age.resolved(&p.role).as_map(),
            acr_max_age_default: acr_age::AGE_LEVELS
                .iter()
                .filter(|l| p.acr_max_age.get(l).is_none())
                .map(|l| l.to_string())
                .collect(),
            recovery_paths: shown.recovery_paths.iter().map(|r| r.as_str().to_string()).collect(),
            recovery_paths_default: shown.recovery_paths_default,
            caller_check: shown.caller_check.as_str().to_string(),
            caller_check_default: shown.caller_check_default,
            allowed_factors: p.allowed_factors.iter().map(|k| k.as_str().to_string()).collect(),
            mfa_required: p.mfa_required,
            enforce_from: p.enforce_from,
            grace_days: p.grace_days,
            trusted_device_days: p.trusted_device_days,
            reauth_absolute_minutes: p.reauth_absolute_minutes,
            reauth_idle_minutes: p.reauth_idle_minutes,
            ip_allow: cidrs(&p.ip.allow),
            ip_deny: cidrs(&p.ip.deny),
            recovery_delay_minutes: p.recovery_delay_minutes,
            updated_at: p.updated_at,
            role: p.role,
        }
    }
}

/// 404 unless `role` exists (the core answers an unknown role as invalid input, which it is on the command line).
async fn known(store: &dyn Store, role: &str) -> Result<(), Problem> {
    if store.list_roles().await?.iter().any(|r| r.name == role) {
        Ok(())
    } else {
        Err(Problem::not_found("no such role"))
    }
}

/// Every role with its policy, by name.
#[utoipa::path(tag = "roles", security(("bearer" = [])),
    responses((status = 200, body = Vec<RoleView>), (status = 403, body = ProblemBody)))]
#[get("/roles")]
pub async fn list(caller: Caller) -> Result<web::Json<Vec<RoleView>>, Problem> {
    caller.require(Permission::ManageRoles)?;
    let all = roles::list(caller.store(), caller.now()).await?;
    Ok(web::Json(all.into_iter().map(RoleView::from).collect()))
}

/// One role's policy.
#[utoipa::path(tag = "roles", params(("role" = String, Path, description = "the role's name")),
    security(("bearer" = [])),
    responses((status = 200, body = RoleView), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
#[get("/roles/{role}")]
pub async fn show(caller: Caller, path: web::Path<String>) -> Result<web::Json<RoleView>, Problem> {
    caller.require(Permission::ManageRoles)?;
    known(caller.store(), &path).await?;
    Ok(web::Json(
        roles::show(caller.store(), caller.now(), &path).await?.into(),
    ))
}

/// The members of a role's policy to change. Left out: unchanged. `null` clears where the description says so and
/// is refused elsewhere.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// Kinds that count (at least one besides `recovery_code`): `webauthn`, `totp`, `oath_token`, `sms`,
    /// `recovery_code`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, required = false)]
    pub allowed_factors: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool, required = false)]
    pub mfa_required: Option<Option<bool>>,
    /// `YYYY-MM-DD` (UTC); `null`: the requirement holds at once.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Date, required = false)]
    pub enforce_from: Option<Option<String>>,
    /// 0 to 365; more than 0 needs `enforce_from`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = u32, required = false)]
    pub grace_days: Option<Option<u32>>,
    /// 0 (never) to 365.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = u32, required = false)]
    pub trusted_device_days: Option<Option<u32>>,
    /// 1 to 525600; `null`: the server's session lifetime.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>, required = false)]
    pub reauth_absolute_minutes: Option<Option<u32>>,
    /// 1 to 525600, at most the absolute limit; `null`: the server's idle limit.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>, required = false)]
    pub reauth_idle_minutes: Option<Option<u32>>,
    /// CIDRs or single addresses (IPv4 or IPv6), at most 256; `[]`: from anywhere.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, required = false)]
    pub ip_allow: Option<Option<Vec<String>>>,
    /// CIDRs or single addresses, at most 256; `[]` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, required = false)]
    pub ip_deny: Option<Option<Vec<String>>>,
    /// 1 to 43200 (30 days); `null`: the server's default.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>, required = false)]
    pub recovery_delay_minutes: Option<Option<u32>>,
    /// Recovery paths members may take, at least one of `approval` and `two-admins`: `backup-factor`,
    /// `backup-sms`, `recovery-codes`, `approval`, `two-admins`; `null`: the role's built-in default.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Vec<String>>, required = false)]
    pub recovery_paths: Option<Option<Vec<String>>>,
    /// Caller verification a reset execution needs: `none`, `either`, `user`, `manager`, `both`; `null`: the
    /// role's built-in default.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, required = false)]
    pub caller_check: Option<Option<String>>,
    /// Level ages to change, in minutes (1 to 525600) by level (`mfa`, `phr`, `phrh`); a level left out keeps its
    /// age, `null` for a level puts back the role's built-in default.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<BTreeMap<String, Option<u32>>>, required = false)]
    pub acr_max_age_minutes: Option<Option<BTreeMap<String, Option<u32>>>>,
    /// `none` or `required` (attestation against the server's trust anchors).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, required = false)]
    pub passkey_attestation: Option<Option<String>>,
    /// AAGUIDs (UUIDs), at most 256; `[]`: any attested model. A list needs `passkey_attestation: required`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, required = false)]
    pub passkey_aaguids: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool, required = false)]
    pub passkey_device_bound: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool, required = false)]
    pub passkey_user_verification: Option<Option<bool>>,
}

fn aaguids(items: &[String]) -> Result<Vec<uuid::Uuid>, Problem> {
    if items.len() > passkey_profile::MAX_AAGUIDS {
        return Err(Problem::field(
            "passkey_aaguids",
            format!("at most {} entries", passkey_profile::MAX_AAGUIDS),
        ));
    }
    if items.iter().any(|i| i.contains([',', ' '])) {
        return Err(Problem::field("passkey_aaguids", "one AAGUID per list item"));
    }
    passkey_profile::parse_aaguids(&items.join(",")).map_err(Problem::at("passkey_aaguids"))
}

fn kinds(names: &[String]) -> Result<Vec<FactorKind>, Problem> {
    if names.is_empty() {
        return Err(Problem::field("allowed_factors", "allow at least one factor kind"));
    }
    names
        .iter()
        .map(|name| {
            FactorKind::parse(name).ok_or_else(|| {
                Problem::field(
                    "allowed_factors",
                    format!(
                        "unknown factor kind '{}'; known kinds: {}",
                        crate::core::model::truncate(name, 32),
                        ALL_KINDS.map(FactorKind::as_str).join(", ")
                    ),
                )
            })
        })
        .collect()
}

fn paths(names: &[String]) -> Result<Vec<recovery::RecoveryPath>, Problem> {
    if names.iter().any(|n| n.contains(',')) {
        return Err(Problem::field("recovery_paths", "one path per list item"));
    }
    recovery::parse_paths(&names.join(",")).map_err(Problem::at("recovery_paths"))
}

fn cidrs(field: &'static str, items: &[String]) -> Result<Vec<ipnet::IpNet>, Problem> {
    if items.len() > MAX_CIDRS {
        return Err(Problem::field(field, format!("at most {MAX_CIDRS} entries")));
    }
    items
        .iter()
        .map(|item| {
            if item.contains(',') {
                return Err(Problem::field(field, "one CIDR per list item"));
            }
            ip_rules::parse_cidr(item).map_err(Problem::at(field))
        })
        .collect()
}

fn max_ages(ages: &BTreeMap<String, Option<u32>>) -> Result<Vec<(&'static str, Option<u32>)>, Problem> {
    ages.iter()
        .map(|(level, minutes)| {
            let short = acr_age::AGE_LEVELS
                .iter()
                .find(|l| **l == level)
                .copied()
                .ok_or_else(|| {
                    Problem::field(
                        "acr_max_age_minutes",
                        format!(
                            "unknown level '{}'; levels: {}",
                            crate::core::model::truncate(level, 32),
                            acr_age::AGE_LEVELS.join(", ")
                        ),
                    )
                })?;
            let minutes = minutes
                .map(|m| within("acr_max_age_minutes", m, 1..=MAX_MINUTES))
                .transpose()?;
            Ok((short, minutes))
        })
        .collect()
}

fn within(field: &'static str, value: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32, Problem> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Problem::field(
            field,
            format!("between {} and {}", range.start(), range.end()),
        ))
    }
}

impl RoleChange {
    /// The change, each member checked on its own (the combination is checked by `blame` and the core).
    fn change(&self) -> Result<PolicyChange, Problem> {
        let minutes = |field: &'static str, value: &Option<Option<u32>>, max: u32| {
            value
                .map(|v| v.map(|m| within(field, m, 1..=max)).transpose())
                .transpose()
        };
        Ok(PolicyChange {
            allowed_factors: not_null("allowed_factors", &self.allowed_factors)?
                .map(|names| kinds(names))
                .transpose()?,
            mfa_required: not_null("mfa_required", &self.mfa_required)?.copied(),
            enforce_from: self
                .enforce_from
                .as_ref()
                .map(|date| date.as_deref().map(parse_date).transpose())
                .transpose()?,
            grace_days: not_null("grace_days", &self.grace_days)?
                .map(|d| within("grace_days", *d, 0..=MAX_DAYS))
                .transpose()?,
            trusted_device_days: not_null("trusted_device_days", &self.trusted_device_days)?
                .map(|d| within("trusted_device_days", *d, 0..=MAX_DAYS))
                .transpose()?,
            reauth_absolute_minutes: minutes("reauth_absolute_minutes", &self.reauth_absolute_minutes, MAX_MINUTES)?,
            reauth_idle_minutes: minutes("reauth_idle_minutes", &self.reauth_idle_minutes, MAX_MINUTES)?,
            ip_allow: not_null("ip_allow", &self.ip_allow)?
                .map(|items| cidrs("ip_allow", items))
                .transpose()?,
            ip_deny: not_null("ip_deny", &self.ip_deny)?
                .map(|items| cidrs("ip_deny", items))
                .transpose()?,
            recovery_delay_minutes: minutes(
                "recovery_delay_minutes",
                &self.recovery_delay_minutes,
                MAX_RECOVERY_DELAY_MINUTES,
            )?,
            recovery_paths: self
                .recovery_paths
                .as_ref()
                .map(|names| names.as_deref().map(paths).transpose())
                .transpose()?,
            caller_check: self
                .caller_check
                .as_ref()
                .map(|name| {
                    name.as_deref()
                        .map(|n| recovery::parse_caller_check(n).map_err(Problem::at("caller_check")))
                        .transpose()
                })
                .transpose()?,
            acr_max_age: not_null("acr_max_age_minutes", &self.acr_max_age_minutes)?
                .map(max_ages)
                .transpose()?
                .unwrap_or_default(),
            passkey_attestation: not_null("passkey_attestation", &self.passkey_attestation)?
                .map(|a| passkey_profile::Attestation::parse(a).map_err(Problem::at("passkey_attestation")))
                .transpose()?,
            passkey_aaguids: not_null("passkey_aaguids", &self.passkey_aaguids)?
                .map(|items| aaguids(items))
                .transpose()?,
            passkey_device_bound: not_null("passkey_device_bound", &self.passkey_device_bound)?.copied(),
            passkey_user_verification: not_null("passkey_user_verification", &self.passkey_user_verification)?.copied(),
        })
    }

    /// The member to name when the policy `after` contradicts itself: the one the caller gave, of the settings
    /// that contradict each other.
    fn blame(&self, after: &RolePolicy) -> &'static str {
        if after
            .recovery
            .paths
            .as_ref()
            .is_some_and(|p| recovery::validate_for_role(&after.role, p).is_err())
        {
            "recovery_paths"
        } else if after.passkey_profile.validate().is_err() {
            if self.passkey_aaguids.is_some() {
                "passkey_aaguids"
            } else {
                "passkey_attestation"
            }
        } else if after.allowed_factors.iter().all(|k| k.is_backup()) {
            "allowed_factors"
        } else if after.grace_days > 0 && after.enforce_from.is_none() {
            if self.grace_days.is_some() {
                "grace_days"
            } else {
                "enforce_from"
            }
        } else if after.reauth_idle_minutes > after.reauth_absolute_minutes && after.reauth_absolute_minutes.is_some() {
            if self.reauth_idle_minutes.is_some() {
                "reauth_idle_minutes"
            } else {
                "reauth_absolute_minutes"
            }
        } else {
            "allowed_factors"
        }
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    match policy::parse_date(text) {
        Ok(Some(date)) => Ok(date),
        _ => Err(Problem::field(
            "enforce_from",
            "not a date: use YYYY-MM-DD, or null to enforce at once",
        )),
    }
}

/// A policy contradiction, reported at `field`.
fn at(field: &'static str) -> impl Fn(Error) -> Problem {
    move |error| match error {
        Error::Invalid(_) => Problem::at(field)(error),
        other => other.into(),
    }
}

/// Changes a role's policy (what is given), as `gatehouse role set` does; answers the policy in force.
#[utoipa::path(tag = "roles", params(("role" = String, Path, description = "the role's name")),
    request_body = RoleChange, security(("bearer" = [])),
    responses((status = 200, body = RoleView), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody),
        (status = 404, body = ProblemBody)))]
#[patch("/roles/{role}")]
pub async fn update(
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<RoleView>, Problem> {
    caller.require(Permission::ManageRoles)?;
    let body: RoleChange = body::json(&req, payload, MAX_JSON_BYTES).await?;
    let (store, now) = (caller.store(), caller.now());
    known(store, &path).await?;
    let change = body.change()?;
    let preview = change.apply(&roles::show(store, now, &path).await?, now);
    preview.validate().map_err(at(body.blame(&preview)))?;
    // What is left for the core to refuse is a combination with another role users hold: about the kinds.
    let (policy, _) = roles::set(store, now, &caller.origin, &path, &change)
        .await
        .map_err(at("allowed_factors"))?;
    Ok(web::Json(policy.into()))
}
