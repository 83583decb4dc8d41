//! `/admin`: what needs an operator's eye — the last day's sign-in events by kind and outcome (each number a link
//! into the audit log), disabled and locked accounts, open factor-reset requests, and signing keys or SAML
//! certificates that retire or expire within 30 days; and, for administrators, a warning while only one
//! administrator can sign in (`core::accounts::readiness`). Each part is shown to those whose role may read it.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use super::{Need, console, context, render, reset_state, rfc3339, time, when};
use crate::core::Result;
use crate::core::accounts::readiness::{self, Warning};
use crate::core::audit::{AuditFilter, Outcome};
use crate::core::delegation::Permission;
use crate::core::factors::password::lock;
use crate::core::model::UserStatus;
use crate::core::store::Store;
use crate::http::error::WebError;
use crate::http::{AppState, encode};
use crate::i18n;
use crate::protocols::saml;

/// How far ahead a retiring key or expiring certificate is shown.
const KEY_WARNING_DAYS: i64 = 30;

/// The sign-in kinds in the order a person reads a sign-in, with the catalogue ids of their names on the page;
/// other `login.*` kinds follow under their stored names.
const SIGN_IN_KINDS: [(&str, &str); 7] = [
    ("login.password", "admin-dashboard-kind-password"),
    ("login.second_factor", "admin-dashboard-kind-second-factor"),
    ("login.passkey", "admin-dashboard-kind-passkey"),
    ("login.trusted_device", "admin-dashboard-kind-trusted-device"),
    ("login.ip_denied", "admin-dashboard-kind-ip-denied"),
    ("login.password_locked", "admin-dashboard-kind-password-locked"),
    ("login.password_unlocked", "admin-dashboard-kind-password-unlocked"),
];

const OUTCOMES: [Outcome; 3] = [Outcome::Success, Outcome::Failure, Outcome::Denied];

#[derive(Serialize)]
struct Cell {
    count: u64,
    /// The audit log filtered to these events.
    link: String,
}

#[derive(Serialize)]
struct SignInRow {
    kind: String,
    label: String,
    success: Cell,
    failure: Cell,
    denied: Cell,
}

#[derive(Serialize)]
struct ExpiringKey {
    /// What it is and what happens to it, in the page's language.
    what: String,
    id: String,
    /// RFC 3339.
    at: String,
}

fn audit_link(kind: &str, outcome: Option<Outcome>, since: &str) -> String {
    let mut link = format!("/admin/audit?kind={}&since={}", encode(kind), encode(since));
    if let Some(outcome) = outcome {
        link.push_str(&format!("&outcome={}", outcome.as_str()));
    }
    link
}

/// The last day's `login.*` events, one row per kind, counted in one query.
async fn sign_ins(store: &dyn Store, since: DateTime<Utc>) -> Result<(Vec<SignInRow>, [u64; 3])> {
    let filter = AuditFilter {
        kind: Some("login.*".into()),
        since: Some(since),
        ..Default::default()
    };
    let mut counts: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for c in store.count_audit(&filter).await? {
        let slot = OUTCOMES.iter().position(|o| *o == c.outcome).unwrap_or(1);
        counts.entry(c.kind).or_default()[slot] += c.count;
    }
    let mut kinds: Vec<(String, String)> = SIGN_IN_KINDS
        .iter()
        .map(|(k, label)| (k.to_string(), i18n::t(label)))
        .collect();
    kinds.extend(
        counts
            .keys()
            .filter(|k| !SIGN_IN_KINDS.iter().any(|(known, _)| known == k))
            .map(|k| (k.clone(), k.clone())),
    );
    let since_text = time(since);
    let mut totals = [0; 3];
    let rows = kinds
        .into_iter()
        .map(|(kind, label)| {
            let n = counts.get(&kind).copied().unwrap_or_default();
            for (total, count) in totals.iter_mut().zip(n) {
                *total += count;
            }
            let cell = |i: usize| Cell {
                count: n[i],
                link: audit_link(&kind, Some(OUTCOMES[i]), &since_text),
            };
            SignInRow {
                success: cell(0),
                failure: cell(1),
                denied: cell(2),
                kind,
                label,
            }
        })
        .collect();
    Ok((rows, totals))
}

/// OIDC signing keys and SAML keys that retire, and SAML certificates that expire, before `now` + 30 days.
async fn expiring_keys(store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<ExpiringKey>> {
    let horizon = now + Duration::days(KEY_WARNING_DAYS);
    let soon = |t: DateTime<Utc>| t > now && t <= horizon;
    let mut out = Vec::new();
    for key in store.signing_keys().await? {
        if let Some(retired) = key.retired_at.filter(|t| soon(*t)) {
            out.push(ExpiringKey {
                what: i18n::t("admin-dashboard-key-oidc-retires"),
                id: format!("{} ({})", key.kid, key.alg),
                at: rfc3339(retired),
            });
        }
    }
    for key in store.saml_keys().await? {
        if key.retired_at.is_some_and(|t| t <= now) {
            continue;
        }
        if let Some(retired) = key.retired_at.filter(|t| soon(*t)) {
            out.push(ExpiringKey {
                what: i18n::t("admin-dashboard-key-saml-retires"),
                id: key.id.clone(),
                at: rfc3339(retired),
            });
        }
        if let Some(expires) = saml::keys::certificate_not_after(&key.certificate).filter(|t| *t <= horizon) {
            out.push(ExpiringKey {
                what: i18n::t(if expires <= now {
                    "admin-dashboard-key-cert-expired"
                } else {
                    "admin-dashboard-key-cert-expires"
                }),
                id: key.id.clone(),
                at: rfc3339(expires),
            });
        }
    }
    Ok(out)
}

/// The readiness warnings as the dashboard lists them (`kind`, and the administrator's `username`; `key`: `yes`
/// when their one factor is a security key).
fn readiness_view(warnings: &[Warning]) -> serde_json::Value {
    warnings
        .iter()
        .map(|w| match w {
            Warning::NoAdministrator => serde_json::json!({ "kind": "no_administrator", "username": "", "key": "no" }),
            Warning::OneAdministrator { username } => {
                serde_json::json!({ "kind": "one_administrator", "username": username, "key": "no" })
            }
            Warning::OneFactor { username, key } => serde_json::json!({
                "kind": "one_factor", "username": username, "key": if *key { "yes" } else { "no" },
            }),
        })
        .collect()
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let console = match console(&req, &state, "/admin", Need::Look).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let store = state.store.as_ref();
    let now = state.clock.now();
    // Every part is present, `null` when the operator's role may not read it.
    let mut dashboard = serde_json::Map::new();
    for part in ["readiness", "sign_ins", "accounts", "resets", "keys"] {
        dashboard.insert(part.into(), serde_json::Value::Null);
    }
    if console.may(Permission::ReadAudit) {
        let since = now - Duration::hours(24);
        let (rows, totals) = sign_ins(store, since).await?;
        dashboard.insert(
            "sign_ins".into(),
            serde_json::json!({
                "since": time(since), "since_text": when(since), "rows": rows,
                "success": totals[0], "failed": totals[1] + totals[2],
                "all_link": audit_link("login.*", None, &time(since)),
            }),
        );
    }
    if console.may(Permission::ReadUsers) {
        let policy = &state.password_policy;
        let locked = match policy.lock_after.filter(|_| policy.until_cleared) {
            Some(limit) => Some(store.count_attempt_counters(&lock::account_key(""), limit).await?),
            None => None,
        };
        dashboard.insert(
            "accounts".into(),
            serde_json::json!({
                "disabled": store.count_users_with_status(UserStatus::Disabled).await?,
                "locked": locked,
            }),
        );
    }
    if console.may(Permission::Recovery) {
        let open = store.list_factor_resets(None, true).await?;
        let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &open {
            *counted.entry(r.state.as_str()).or_default() += 1;
        }
        let by_state: Vec<serde_json::Value> = counted
            .into_iter()
            .map(|(state, count)| serde_json::json!({ "count": count, "label": reset_state(state) }))
            .collect();
        dashboard.insert(
            "resets".into(),
            serde_json::json!({ "open": open.len(), "by_state": by_state }),
        );
    }
    if console.may(Permission::ManageUsers) {
        let warnings = readiness::check(store, now).await?.warnings();
        if !warnings.is_empty() {
            dashboard.insert("readiness".into(), readiness_view(&warnings));
        }
    }
    if console.may(Permission::ManageKeys) {
        dashboard.insert(
            "keys".into(),
            serde_json::json!({ "days": KEY_WARNING_DAYS, "expiring": expiring_keys(store, now).await? }),
        );
    }
    let mut ctx = context(&req, &state, &console, "dashboard");
    ctx.insert("dashboard", &dashboard);
    Ok(render(&req, &state, StatusCode::OK, "admin/dashboard.html", ctx))
}
