//! `/admin/users/{username}`: one account — profile and manager (edited on `user_profile`'s page), roles (added
//! and removed by administrators), status and a locked password (by whoever may support the account:
//! `require_on`, so never the helpdesk on an administrator), live sessions (ended one or all), second factors
//! (listed only: removing one is a factor reset, opened from the helpdesk), trusted browsers (revoked all at
//! once), open factor-reset requests, and the last 50 audit events about the account (for those who may read the
//! log). People are shown by username and display name, never by id. The actions are in `user_access` and
//! `user_profile`; `acting` is their common door.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{Console, Need, console, context, label, refused, render, reset_state, rfc3339, user_path, when};
use crate::core::Error;
use crate::core::accounts;
use crate::core::audit::AuditFilter;
use crate::core::delegation::Permission;
use crate::core::factors::{FactorKind, FactorStatus, webauthn};
use crate::core::model::User;
use crate::core::policy::enforcement;
use crate::core::signin::trusted_devices;
use crate::http::audit_log::{Names, actor_id};
use crate::http::error::WebError;
use crate::http::{AppState, csrf, encode, pages};
use crate::i18n;

/// How many of the account's audit events the page lists.
const TRAIL: u64 = 50;

/// The form of every action on an account (each uses its own fields).
#[derive(Deserialize)]
pub struct ActionForm {
    pub csrf: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    /// A session's `sid`, or `all`.
    pub session: Option<String>,
    /// The new username of a rename.
    pub username: Option<String>,
    /// `yes` once the confirmation page was answered.
    pub confirm: Option<String>,
}

/// A factor's kind as the account page names it (`admin-kind-webauthn`, …).
fn kind_label(kind: FactorKind) -> String {
    label("admin-kind", kind.as_str())
}

/// The account named in the path, or the 404 page.
pub(super) async fn target(state: &AppState, username: &str) -> Result<Result<User, HttpResponse>, WebError> {
    match accounts::find(state.store.as_ref(), username).await {
        Ok(user) => Ok(Ok(user)),
        Err(Error::NotFound(_) | Error::Invalid(_)) => Ok(Err(pages::error_page(
            StatusCode::NOT_FOUND,
            &i18n::t_args(
                "admin-user-not-found",
                &[("username", crate::core::model::truncate(username, 64).into())],
            ),
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The account page, with `error` shown above it when an action was refused.
pub(super) async fn page(
    req: &HttpRequest,
    state: &AppState,
    console: &Console,
    user: &User,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let store = state.store.as_ref();
    let now = state.clock.now();
    let summary = accounts::summary(store, user).await?;
    let manager = match &user.manager_id {
        Some(id) => store.user_by_id(id).await?.map(|m| {
            serde_json::json!({ "username": m.username, "display_name": m.display_name, "path": user_path(&m.username) })
        }),
        None => None,
    };
    let factors: Vec<serde_json::Value> = store
        .factors_of(&user.id)
        .await?
        .iter()
        .map(|f| {
            serde_json::json!({
                "kind": kind_label(f.kind), "name": f.name,
                "status": i18n::t(if f.status == FactorStatus::Active {
                    "admin-factor-active"
                } else {
                    "admin-factor-pending"
                }),
                "flagged": f.kind == FactorKind::WebAuthn && webauthn::is_flagged(f),
                "added": rfc3339(f.created_at), "last_used": f.last_used_at.map(rfc3339),
            })
        })
        .collect();
    let days = enforcement::requirement_for(store, now, user)
        .await?
        .trusted_device_days;
    let devices: Vec<serde_json::Value> = trusted_devices::list(store, now, user, days)
        .await?
        .iter()
        .map(|d| {
            serde_json::json!({
                "browser": d.browser(), "first_seen": rfc3339(d.created_at), "last_seen": rfc3339(d.last_seen_at),
                "expires": rfc3339(d.expires_at),
            })
        })
        .collect();
    let sessions: Vec<serde_json::Value> = accounts::sessions(store, now, state.limits, user)
        .await?
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id, "state": label("admin-session-state", s.state), "started": rfc3339(s.created_at),
                "started_text": when(s.created_at), "last_seen": rfc3339(s.last_seen_at),
                "signed_in": rfc3339(s.auth_time), "expires": rfc3339(s.expires_at), "methods": s.amr.join(" "),
                "ip": s.ip, "browser": s.user_agent.as_deref().map(trusted_devices::device::browser_summary),
            })
        })
        .collect();
    let resets: Vec<serde_json::Value> = if console.may(Permission::Recovery) {
        store
            .list_factor_resets(Some(&user.id), true)
            .await?
            .iter()
            .map(|r| {
                serde_json::json!({ "state": reset_state(r.state.as_str()), "opened": rfc3339(r.created_at),
                    "opened_text": when(r.created_at),
                    "link": format!("/helpdesk/request?id={}", encode(&r.id)) })
            })
            .collect()
    } else {
        Vec::new()
    };
    let events = if console.may(Permission::ReadAudit) {
        let filter = AuditFilter {
            subject_user_id: Some(user.id.clone()),
            ..Default::default()
        };
        let mut names = Names::new(store);
        let mut rows = Vec::new();
        for record in store.search_audit(&filter, TRAIL).await? {
            let e = record.event;
            let actor = match e.actor.as_deref() {
                Some(a) if actor_id(a).is_some() => Some(super::audit::shown(names.actor(Some(a)).await?)),
                _ => None,
            };
            let via = e
                .actor
                .as_deref()
                .and_then(|a| a.split_once(" via "))
                .map(|(_, v)| v.to_string());
            rows.push(serde_json::json!({
                "at": rfc3339(e.at), "kind": e.kind, "outcome": e.outcome.as_str(),
                "actor": actor, "via": via, "actor_raw": e.actor.unwrap_or_default(), "ip": e.ip.unwrap_or_default(),
            }));
        }
        Some(rows)
    } else {
        None
    };
    let addable: Vec<String> = if console.may(Permission::ManageUsers) {
        store
            .list_roles()
            .await?
            .into_iter()
            .map(|r| r.name)
            .filter(|r| !summary.roles.contains(r))
            .collect()
    } else {
        Vec::new()
    };
    let support = console
        .operator
        .require_on(store, Permission::SupportUsers, user)
        .await
        .is_ok();
    // Renaming and deleting: the API's `require_on(ManageUsers)`.
    let manage = console
        .operator
        .require_on(store, Permission::ManageUsers, user)
        .await
        .is_ok();
    let path = user_path(&user.username);
    let read_audit = events.is_some();
    let directory = store.directory_entry(&user.id).await?;
    let away = crate::web::absence::shown(state, user).await?;
    let mut ctx = context(req, state, console, "users");
    ctx.insert(
        "person",
        &serde_json::json!({
            "username": user.username, "display_name": user.display_name, "email": user.email,
            "phone": user.phone, "status": user.status.as_str(),
            "locked": crate::core::factors::password::lock::is_locked(store, &state.password_policy, user).await?,
            "created": rfc3339(user.created_at), "has_password": summary.has_password,
            "mfa_required": summary.mfa_required, "manager": manager, "roles": summary.roles,
            "addable_roles": addable, "factors": factors, "devices": devices, "resets": resets, "events": events,
            "sessions": sessions, "manage": manage,
            "path": path, "audit_link": format!("/admin/audit?user={}", encode(&user.username)),
            "open_reset_link": format!("/helpdesk/open?user={}", encode(&user.username)),
            "manage_roles": console.may(Permission::ManageUsers), "support": support,
            "recovery": console.may(Permission::Recovery), "read_audit": read_audit,
            "is_self": user.id == console.user.id,
            "source": directory.as_ref().map(|d| d.source.as_str()),
            "source_client": directory.as_ref().and_then(|d| d.source_client.clone()),
            "external_id": directory.as_ref().and_then(|d| d.external_id.clone()),
            "directory_deleted": directory.as_ref().and_then(|d| d.deleted_at).map(rfc3339),
            "away": away,
        }),
    );
    ctx.insert("error", &error);
    Ok(render(req, state, status, "admin/user.html", ctx))
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let console = match console(&req, &state, &user_path(&path), Need::Look).await? {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    if let Err(e) = console.operator.require(Permission::ReadUsers) {
        return Ok(refused(&e));
    }
    let user = match target(&state, &path).await? {
        Ok(user) => user,
        Err(answer) => return Ok(answer),
    };
    page(&req, &state, &console, &user, StatusCode::OK, None).await
}

/// The operator and the account of an action, after the CSRF check, the console's door (a change: recent sign-in)
/// and `permission` (on the account itself when `on_target`); or the answer to give instead.
pub(super) async fn acting(
    req: &HttpRequest,
    state: &AppState,
    username: &str,
    form: &ActionForm,
    permission: Permission,
    on_target: bool,
) -> Result<Result<(Console, User), HttpResponse>, WebError> {
    csrf::verify(req, state, form.csrf.as_deref())?;
    let console = match console(req, state, &user_path(username), Need::Change).await? {
        Ok(console) => console,
        Err(answer) => return Ok(Err(answer)),
    };
    if let Err(e) = console.operator.require(permission) {
        return Ok(Err(refused(&e)));
    }
    let user = match target(state, username).await? {
        Ok(user) => user,
        Err(answer) => return Ok(Err(answer)),
    };
    if on_target
        && let Err(e) = console
            .operator
            .require_on(state.store.as_ref(), permission, &user)
            .await
    {
        return Ok(Err(refused(&e)));
    }
    Ok(Ok((console, user)))
}
