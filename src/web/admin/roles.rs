//! `/admin/roles` and `/admin/roles/{role}`: every role's sign-in policy — the factor kinds that count, whether a
//! second factor is required and from when, the grace days, how long a browser may be trusted, the
//! re-authentication limits, the IP allow and deny lists, the factor-reset delay — shown, and changed in one form
//! through `core::policy::roles::set`, as `PATCH /api/v1/roles/{role}` and `gatehouse role set` do (administrators:
//! `Permission::ManageRoles`). The form is parsed into a whole `PolicyChange`, checked as a whole
//! (`RolePolicy::validate`, then the core's check against the role sets users hold): a refusal names the field,
//! shows the form again as typed, and changes nothing.
//!
//! A change that makes a second factor required of the role, or narrows the kinds that count while one is
//! required, is confirmed first when members of the role have no active factor of a kind that still counts: the
//! page says how many (and who, the first ten), since they will have to add one at their next sign-in.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

use super::{
    Confirmation, Console, Field, Need, confirm, confirmed, context, done, encode_path, gate, label, render, rfc3339,
    role_description,
};
use crate::core::delegation::Permission;
use crate::core::factors::{FactorKind, FactorStatus};
use crate::core::policy::passkey_profile::{self, Attestation};
use crate::core::policy::recovery::{ALL_CALLER_CHECKS, ALL_PATHS, CallerCheck, RecoveryPath};
use crate::core::policy::{
    ALL_KINDS, MAX_CIDRS, MAX_DAYS, MAX_MINUTES, MAX_RECOVERY_DELAY_MINUTES, PolicyChange, RolePolicy, roles,
};
use crate::core::signin::ip_rules;
use crate::core::store::Store;
use crate::core::{Error, Result};
use crate::http::error::{WebError, status_of};
use crate::http::form::Form;
use crate::http::{AppState, csrf, pages};
use crate::i18n;

/// Members looked at for the tightening warning; a larger role is confirmed without counting.
const MAX_MEMBERS_CHECKED: usize = 2000;
/// Members named on the confirmation.
const NAMED: usize = 10;

fn role_path(role: &str) -> String {
    format!("/admin/roles/{}", encode_path(role))
}

/// A factor kind as the policy form names it (`admin-kinds-webauthn`, …).
fn kind_label(kind: FactorKind) -> String {
    label("admin-kinds", kind.as_str())
}

/// A field of the policy form as its label names it, for refusals.
fn field(key: &str) -> String {
    i18n::t(key)
}

/// A day as the page's language writes it.
fn day(date: NaiveDate) -> String {
    date.and_hms_opt(0, 0, 0)
        .map(|t| i18n::format_date(i18n::current(), t.and_utc()))
        .unwrap_or_else(|| date.to_string())
}

fn minutes(value: Option<u32>) -> String {
    value.map(|m| m.to_string()).unwrap_or_default()
}

/// The policy form's values: as stored, or as typed when a change was refused.
#[derive(Serialize)]
struct Entered {
    kinds: Vec<String>,
    mfa_required: bool,
    enforce_from: String,
    grace_days: String,
    trusted_device_days: String,
    reauth_absolute_minutes: String,
    reauth_idle_minutes: String,
    ip_allow: String,
    ip_deny: String,
    recovery_delay_minutes: String,
    /// The role's built-in recovery paths (the paths ticked are then ignored).
    recovery_default: bool,
    recovery_paths: Vec<String>,
    /// A caller check's name; empty: the role's built-in one.
    caller_check: String,
    /// The role's own maximum age of each level in minutes (RFC 9470); empty: the built-in one.
    acr_age_mfa: String,
    acr_age_phr: String,
    acr_age_phrh: String,
    /// The passkey profile: attestation required, the allowed models (one AAGUID a line), device-bound, UV.
    passkey_attested: bool,
    passkey_aaguids: String,
    passkey_device_bound: bool,
    passkey_uv: bool,
}

impl Entered {
    fn of(p: &RolePolicy) -> Self {
        let lines = |nets: &[ipnet::IpNet]| nets.iter().map(|n| n.to_string()).collect::<Vec<_>>().join("\n");
        Entered {
            kinds: p.allowed_factors.iter().map(|k| k.as_str().to_string()).collect(),
            mfa_required: p.mfa_required,
            enforce_from: p.enforce_from.map(|d| d.to_string()).unwrap_or_default(),
            grace_days: p.grace_days.to_string(),
            trusted_device_days: p.trusted_device_days.to_string(),
            reauth_absolute_minutes: minutes(p.reauth_absolute_minutes),
            reauth_idle_minutes: minutes(p.reauth_idle_minutes),
            ip_allow: lines(&p.ip.allow),
            ip_deny: lines(&p.ip.deny),
            recovery_delay_minutes: minutes(p.recovery_delay_minutes),
            recovery_default: p.recovery.paths.is_none(),
            recovery_paths: p
                .recovery
                .resolve(&p.role)
                .paths
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
            caller_check: p
                .recovery
                .caller_check
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            acr_age_mfa: minutes(p.acr_max_age.mfa),
            acr_age_phr: minutes(p.acr_max_age.phr),
            acr_age_phrh: minutes(p.acr_max_age.phrh),
            passkey_attested: p.passkey_profile.attestation == Attestation::Required,
            passkey_aaguids: p
                .passkey_profile
                .aaguids
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            passkey_device_bound: p.passkey_profile.device_bound,
            passkey_uv: p.passkey_profile.user_verification,
        }
    }

    fn from_form(form: &HashMap<String, String>) -> Self {
        let text = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        Entered {
            kinds: ALL_KINDS
                .iter()
                .map(|k| k.as_str())
                .filter(|k| form.contains_key(&format!("kind_{k}")))
                .map(str::to_string)
                .collect(),
            mfa_required: form.contains_key("mfa_required"),
            enforce_from: text("enforce_from"),
            grace_days: text("grace_days"),
            trusted_device_days: text("trusted_device_days"),
            reauth_absolute_minutes: text("reauth_absolute_minutes"),
            reauth_idle_minutes: text("reauth_idle_minutes"),
            ip_allow: text("ip_allow"),
            ip_deny: text("ip_deny"),
            recovery_delay_minutes: text("recovery_delay_minutes"),
            recovery_default: form.contains_key("recovery_default"),
            recovery_paths: ALL_PATHS
                .iter()
                .map(|p| p.as_str())
                .filter(|p| form.contains_key(&format!("path_{p}")))
                .map(str::to_string)
                .collect(),
            caller_check: text("caller_check"),
            acr_age_mfa: text("acr_age_mfa"),
            acr_age_phr: text("acr_age_phr"),
            acr_age_phrh: text("acr_age_phrh"),
            passkey_attested: form.contains_key("passkey_attested"),
            passkey_aaguids: text("passkey_aaguids"),
            passkey_device_bound: form.contains_key("passkey_device_bound"),
            passkey_uv: form.contains_key("passkey_uv"),
        }
    }

    /// The form's fields again, for the confirmation page to post.
    fn fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = self
            .kinds
            .iter()
            .map(|k| Field {
                name: format!("kind_{k}"),
                value: "on".into(),
            })
            .collect();
        fields.extend(self.recovery_paths.iter().map(|p| Field {
            name: format!("path_{p}"),
            value: "on".into(),
        }));
        for (name, on) in [
            ("mfa_required", self.mfa_required),
            ("recovery_default", self.recovery_default),
            ("passkey_attested", self.passkey_attested),
            ("passkey_device_bound", self.passkey_device_bound),
            ("passkey_uv", self.passkey_uv),
        ] {
            if on {
                fields.push(Field {
                    name: name.into(),
                    value: "on".into(),
                });
            }
        }
        for (name, value) in [
            ("enforce_from", &self.enforce_from),
            ("grace_days", &self.grace_days),
            ("trusted_device_days", &self.trusted_device_days),
            ("reauth_absolute_minutes", &self.reauth_absolute_minutes),
            ("reauth_idle_minutes", &self.reauth_idle_minutes),
            ("ip_allow", &self.ip_allow),
            ("ip_deny", &self.ip_deny),
            ("recovery_delay_minutes", &self.recovery_delay_minutes),
            ("caller_check", &self.caller_check),
            ("acr_age_mfa", &self.acr_age_mfa),
            ("acr_age_phr", &self.acr_age_phr),
            ("acr_age_phrh", &self.acr_age_phrh),
            ("passkey_aaguids", &self.passkey_aaguids),
        ] {
            fields.push(Field {
                name: name.into(),
                value: value.clone(),
            });
        }
        fields
    }

    /// The whole change the form asks for; a refusal names the field as the form labels it.
    fn change(&self) -> Result<PolicyChange> {
        let bad = |key: &str, label: &str, max: u32| {
            Error::invalid(i18n::t_args(
                key,
                &[("field", field(label).into()), ("max", max.into())],
            ))
        };
        let count = |label: &str, text: &str, max: u32| -> Result<u32> {
            match text.parse::<u32>() {
                Ok(n) if n <= max => Ok(n),
                _ => Err(bad("admin-policy-bad-count", label, max)),
            }
        };
        let optional = |label: &str, text: &str, max: u32| -> Result<Option<u32>> {
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
                _ => Err(bad("admin-policy-bad-minutes", label, max)),
            }
        };
        let cidrs = |label: &str, text: &str| -> Result<Vec<ipnet::IpNet>> {
            let items: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            if items.len() > MAX_CIDRS {
                return Err(bad("admin-policy-too-many-networks", label, MAX_CIDRS as u32));
            }
            items
                .into_iter()
                .map(|item| {
                    ip_rules::parse_cidr(item).map_err(|e| {
                        let args = [("field", field(label).into()), ("detail", i18n::describe(&e).into())];
                        Error::invalid(i18n::t_args("admin-policy-bad-network", &args))
                    })
                })
                .collect()
        };
        let kinds: Vec<FactorKind> = self.kinds.iter().filter_map(|k| FactorKind::parse(k)).collect();
        if kinds.is_empty() {
            return Err(Error::invalid(i18n::t("admin-policy-no-kind")));
        }
        let enforce_from = if self.enforce_from.is_empty() {
            None
        } else {
            Some(
                NaiveDate::parse_from_str(&self.enforce_from, "%Y-%m-%d")
                    .ok()
                    .filter(|_| self.enforce_from.len() == 10)
                    .ok_or_else(|| Error::invalid(i18n::t("admin-policy-bad-date")))?,
            )
        };
        Ok(PolicyChange {
            allowed_factors: Some(kinds),
            mfa_required: Some(self.mfa_required),
            enforce_from: Some(enforce_from),
            grace_days: Some(count("admin-policy-field-grace", &self.grace_days, MAX_DAYS)?),
            trusted_device_days: Some(count(
                "admin-policy-field-trusted",
                &self.trusted_device_days,
                MAX_DAYS,
            )?),
            reauth_absolute_minutes: Some(optional(
                "admin-policy-field-reauth-absolute",
                &self.reauth_absolute_minutes,
                MAX_MINUTES,
            )?),
            reauth_idle_minutes: Some(optional(
                "admin-policy-field-reauth-idle",
                &self.reauth_idle_minutes,
                MAX_MINUTES,
            )?),
            ip_allow: Some(cidrs("admin-policy-field-ip-allow", &self.ip_allow)?),
            ip_deny: Some(cidrs("admin-policy-field-ip-deny", &self.ip_deny)?),
            recovery_delay_minutes: Some(optional(
                "admin-policy-field-recovery-delay",
                &self.recovery_delay_minutes,
                MAX_RECOVERY_DELAY_MINUTES,
            )?),
            recovery_paths: Some(self.recovery_paths()?),
            caller_check: Some(self.caller_check()?),
            // Empty: back to the role's built-in age.
            acr_max_age: vec![
                (
                    "mfa",
                    optional("admin-policy-field-acr-age-mfa", &self.acr_age_mfa, MAX_MINUTES)?,
                ),
                (
                    "phr",
                    optional("admin-policy-field-acr-age-phr", &self.acr_age_phr, MAX_MINUTES)?,
                ),
                (
                    "phrh",
                    optional("admin-policy-field-acr-age-phrh", &self.acr_age_phrh, MAX_MINUTES)?,
                ),
            ],
            passkey_attestation: Some(if self.passkey_attested {
                Attestation::Required
            } else {
                Attestation::None
            }),
            passkey_aaguids: Some(
                passkey_profile::parse_aaguids(&self.passkey_aaguids)
                    .map_err(|_| Error::invalid(i18n::t("admin-policy-bad-aaguid")))?,
            ),
            passkey_device_bound: Some(self.passkey_device_bound),
            passkey_user_verification: Some(self.passkey_uv),
        })
    }
}

impl Entered {
    /// `None`: the role's built-in paths; else the ticked ones, which must include a request path.
    fn recovery_paths(&self) -> Result<Option<Vec<RecoveryPath>>> {
        if self.recovery_default {
            return Ok(None);
        }
        let paths: Vec<RecoveryPath> = self
            .recovery_paths
            .iter()
            .filter_map(|p| RecoveryPath::parse(p))
            .collect();
        if !paths.iter().any(|p| p.is_request()) {
            return Err(Error::invalid(i18n::t("admin-policy-no-request-path")));
        }
        Ok(Some(paths))
    }

    /// `None`: the role's built-in caller check.
    fn caller_check(&self) -> Result<Option<CallerCheck>> {
        if self.caller_check.is_empty() {
            return Ok(None);
        }
        CallerCheck::parse(&self.caller_check)
            .map(Some)
            .ok_or_else(|| Error::invalid(i18n::t("admin-policy-bad-caller-check")))
    }
}

/// One role in the list.
#[derive(Serialize)]
struct Row {
    name: String,
    description: String,
    path: String,
    members: u64,
    factors: String,
    mfa: String,
    trusted_device_days: u32,
    reauth: String,
    ip: String,
}

fn mfa_text(p: &RolePolicy) -> String {
    match (p.mfa_required, p.enforce_from) {
        (false, _) => i18n::t("admin-mfa-not-required"),
        (true, None) => i18n::t("admin-mfa-required"),
        (true, Some(from)) => i18n::t_args(
            "admin-mfa-required-from",
            &[("from", day(from).into()), ("grace", p.grace_days.into())],
        ),
    }
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let console = match gate(&req, &state, "/admin/roles", Need::Look, Permission::ManageRoles).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let store = state.store.as_ref();
    let all = roles::list(store, state.clock.now()).await?;
    let described = store.list_roles().await?;
    let mut rows = Vec::with_capacity(all.len());
    for p in &all {
        let limit = |m: Option<u32>| match m {
            Some(m) => i18n::t_args("admin-roles-minutes", &[("minutes", m.into())]),
            None => i18n::t("admin-roles-server-limit"),
        };
        let reauth = match (p.reauth_absolute_minutes, p.reauth_idle_minutes) {
            (None, None) => i18n::t("admin-roles-reauth-server"),
            (a, i) => i18n::t_args(
                "admin-roles-reauth-limits",
                &[("absolute", limit(a).into()), ("idle", limit(i).into())],
            ),
        };
        rows.push(Row {
            description: described
                .iter()
                .find(|r| r.name == p.role)
                .map(role_description)
                .unwrap_or_default(),
            path: role_path(&p.role),
            members: store.count_users_with_role(&p.role).await?,
            factors: p
                .allowed_factors
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            mfa: mfa_text(p),
            trusted_device_days: p.trusted_device_days,
            reauth,
            ip: if p.ip.allow.is_empty() && p.ip.deny.is_empty() {
                i18n::t("admin-roles-anywhere")
            } else {
                i18n::t_args(
                    "admin-roles-networks-count",
                    &[
                        ("allowed", p.ip.allow.len().into()),
                        ("refused", p.ip.deny.len().into()),
                    ],
                )
            },
            name: p.role.clone(),
        });
    }
    let mut ctx = context(&req, &state, &console, "roles");
    ctx.insert("rows", &rows);
    Ok(render(&req, &state, StatusCode::OK, "admin/roles.html", ctx))
}

/// The role named in the path (its description), or `None` for the 404 page.
async fn known(store: &dyn Store, role: &str) -> Result<Option<String>> {
    Ok(store
        .list_roles()
        .await?
        .into_iter()
        .find(|r| r.name == role)
        .map(|r| role_description(&r)))
}

fn no_such_role(role: &str) -> HttpResponse {
    pages::error_page(
        StatusCode::NOT_FOUND,
        &i18n::t_args(
            "admin-role-not-found",
            &[("role", crate::core::model::truncate(role, 64).into())],
        ),
    )
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    policy: &RolePolicy,
    entered: Entered,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    let description = known(store, &policy.role).await?.unwrap_or_default();
    let kinds: Vec<serde_json::Value> = ALL_KINDS
        .iter()
        .map(|k| {
            serde_json::json!({ "name": k.as_str(), "label": kind_label(*k),
                "checked": entered.kinds.iter().any(|e| e == k.as_str()) })
        })
        .collect();
    let defaults = policy.role.as_str();
    let paths: Vec<serde_json::Value> = ALL_PATHS
        .iter()
        .map(|p| {
            serde_json::json!({ "name": p.as_str(), "label": label("admin-recovery-path", p.as_str()),
                "checked": entered.recovery_paths.iter().any(|e| e == p.as_str()) })
        })
        .collect();
    let checks: Vec<serde_json::Value> = ALL_CALLER_CHECKS
        .iter()
        .map(|c| {
            serde_json::json!({ "name": c.as_str(), "label": label("admin-caller-check", c.as_str()),
                "selected": entered.caller_check == c.as_str() })
        })
        .collect();
    let builtin = crate::core::policy::recovery::RecoverySetting::default().resolve(defaults);
    let mut ctx = context(req, state, console, "roles");
    ctx.insert(
        "recovery",
        &serde_json::json!({
            "paths": paths, "checks": checks,
            "default_paths": builtin.paths.iter().map(|p| label("admin-recovery-path", p.as_str()))
                .collect::<Vec<_>>().join(", "),
            "default_check": label("admin-caller-check", builtin.caller_check.as_str()),
        }),
    );
    ctx.insert(
        "role",
        &serde_json::json!({
            "name": policy.role, "description": description, "path": role_path(&policy.role),
            "members": store.count_users_with_role(&policy.role).await?, "updated": rfc3339(policy.updated_at),
            "mfa": mfa_text(policy), "kinds": kinds,
        }),
    );
    ctx.insert("entered", &entered);
    ctx.insert(
        "limits",
        &serde_json::json!({ "days": MAX_DAYS, "minutes": MAX_MINUTES, "delay": MAX_RECOVERY_DELAY_MINUTES,
            "acr": crate::core::policy::acr_age::defaults_for(&policy.role) }),
    );
    ctx.insert("form_error", &error);
    Ok(render(req, state, status, "admin/role.html", ctx))
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let console = match gate(&req, &state, &role_path(&path), Need::Look, Permission::ManageRoles).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    if known(state.store.as_ref(), &path).await?.is_none() {
        return Ok(no_such_role(&path));
    }
    let policy = roles::show(state.store.as_ref(), state.clock.now(), &path).await?;
    let entered = Entered::of(&policy);
    form_page(&req, &state, &console, &policy, entered, StatusCode::OK, None).await
}

/// Whether `after` asks more of the role's members' factors than `before`: a second factor newly required (or
/// required earlier), or fewer kinds counting while one is required.
fn tightens(before: &RolePolicy, after: &RolePolicy) -> bool {
    after.mfa_required
        && (!before.mfa_required
            || before
                .allowed_factors
                .iter()
                .any(|k| !after.allowed_factors.contains(k))
            || (after.enforce_from.is_none() && before.enforce_from.is_some())
            || matches!((before.enforce_from, after.enforce_from), (Some(b), Some(a)) if a < b))
}

/// The members of `role` with no active factor of a kind `after` counts (a backup kind alone does not count):
/// how many, and the first usernames. `None` when the role has too many members to look at each.
async fn lacking(store: &dyn Store, role: &str, after: &RolePolicy) -> Result<Option<(usize, Vec<String>)>> {
    // One more than checked at most, to tell "too many" without reading them all.
    let members = store.users_with_role(role, MAX_MEMBERS_CHECKED as u64 + 1).await?;
    if members.len() > MAX_MEMBERS_CHECKED {
        return Ok(None);
    }
    let mut without = Vec::new();
    for member in &members {
        let has = store.factors_of(&member.id).await?.iter().any(|f| {
            f.status == FactorStatus::Active && !f.kind.is_backup() && after.allowed_factors.contains(&f.kind)
        });
        if !has {
            without.push(member.username.clone());
        }
    }
    without.sort();
    let count = without.len();
    without.truncate(NAMED);
    Ok(Some((count, without)))
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    csrf::verify(&req, &state, form.get("csrf").map(String::as_str))?;
    let back = role_path(&path);
    let console = match gate(&req, &state, &back, Need::Change, Permission::ManageRoles).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let (store, now) = (state.store.as_ref(), state.clock.now());
    if known(store, &path).await?.is_none() {
        return Ok(no_such_role(&path));
    }
    let before = roles::show(store, now, &path).await?;
    let entered = Entered::from_form(&form);
    let change = match entered.change() {
        Ok(change) => change,
        Err(e) => {
            return form_page(
                &req,
                &state,
                &console,
                &before,
                entered,
                status_of(&e),
                Some(i18n::describe(&e)),
            )
            .await;
        }
    };
    let after = change.apply(&before, now);
    if let Err(e) = after.validate() {
        return form_page(
            &req,
            &state,
            &console,
            &before,
            entered,
            status_of(&e),
            Some(i18n::describe(&e)),
        )
        .await;
    }
    if tightens(&before, &after) && !confirmed(form.get("confirm").map(String::as_str)) {
        let from = match after.enforce_from {
            Some(date) => i18n::t_args("admin-tighten-from-date", &[("date", day(date).into())]),
            None => i18n::t("admin-tighten-from-next"),
        };
        let mut consequences = match lacking(store, &path, &after).await? {
            Some((0, _)) => Vec::new(),
            Some((count, named)) => {
                let more = if count > named.len() {
                    i18n::t_args("admin-tighten-more", &[("count", (count - named.len()).into())])
                } else {
                    String::new()
                };
                vec![i18n::t_args(
                    "admin-tighten-lacking",
                    &[
                        ("count", count.into()),
                        ("role", path.as_str().into()),
                        ("names", format!("{}{more}", named.join(", ")).into()),
                        ("from", from.clone().into()),
                    ],
                )]
            }
            None => vec![i18n::t_args(
                "admin-tighten-too-many",
                &[("max", MAX_MEMBERS_CHECKED.into()), ("from", from.clone().into())],
            )],
        };
        if !consequences.is_empty() {
            let kinds = after
                .allowed_factors
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            consequences.push(i18n::t_args(
                "admin-tighten-summary",
                &[("kinds", kinds.into()), ("mfa", mfa_text(&after).into())],
            ));
            return Ok(confirm(
                &req,
                &state,
                &console,
                "roles",
                Confirmation {
                    title: i18n::t_args("admin-tighten-title", &[("role", path.as_str().into())]),
                    consequences,
                    action: back.clone(),
                    fields: entered.fields(),
                    button: "admin-tighten-button",
                    cancel: back,
                    cancel_label: i18n::t_args("admin-tighten-back", &[("role", path.as_str().into())]),
                },
            ));
        }
    }
    match roles::set(store, now, &console.origin, &path, &change).await {
        Ok((_, changed)) => {
            let key = if changed {
                "admin-policy-changed"
            } else {
                "admin-policy-unchanged"
            };
            Ok(done(
                &state,
                back,
                &i18n::t_args(key, &[("role", path.as_str().into())]),
            ))
        }
        Err(e @ Error::Invalid(_)) => {
            form_page(
                &req,
                &state,
                &console,
                &before,
                entered,
                status_of(&e),
                Some(i18n::describe(&e)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
