//! `/api/v1/users`: accounts, their roles, factors and trusted browsers. A user is named in the path by id or by
//! username. Every change goes through `core::accounts` (as the CLI's does), so the audit events are the same.
use crate::core::provisioning::directory::AccountSource;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::page::{Cursor, Page};
use super::problem::Problem;
use crate::core::accounts::{self, AccountSummary, NewAccount};
use crate::core::delegation::Permission;
use crate::core::factors::{FactorKind, webauthn};
use crate::core::model::{User, UserStatus};
use crate::core::signin::trusted_devices as devices;
use crate::core::store::Store;

/// An account as administrators see it (never a password hash).
#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub email: String,
    pub display_name: String,
    /// E.164, e.g. `+41446681800`.
    pub phone: Option<String>,
    /// `active` or `disabled`.
    pub status: String,
    /// The manager's username.
    pub manager: Option<String>,
    pub roles: Vec<String>,
    /// A second factor is required of this user whatever their roles say.
    pub mfa_required: bool,
    pub has_password: bool,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Where the account came from: `cli`, `console`, `api`, `scim` (a provisioning system) or `setup` (the first
    /// administrator); absent for accounts made before sources were recorded.
    pub source: Option<String>,
    /// The provisioning system's id for the person (SCIM `externalId`).
    pub external_id: Option<String>,
}

impl From<AccountSummary> for UserView {
    fn from(s: AccountSummary) -> Self {
        UserView {
            id: s.id,
            username: s.username,
            email: s.email,
            display_name: s.display_name,
            phone: s.phone,
            status: s.status.as_str().to_string(),
            manager: s.manager,
            roles: s.roles,
            mfa_required: s.mfa_required,
            has_password: s.has_password,
            password_changed_at: s.password_changed_at,
            created_at: s.created_at,
            source: s.source.map(|s| s.as_str().to_string()),
            external_id: s.external_id,
        }
    }
}

/// The user a path names: by id, else by username (or e-mail address).
pub async fn resolve(store: &dyn Store, text: &str) -> Result<User, Problem> {
    if let Some(user) = store.user_by_id(text).await? {
        return Ok(user);
    }
    Ok(accounts::find(store, text).await?)
}

async fn view(store: &dyn Store, user: &User) -> Result<UserView, Problem> {
    Ok(accounts::summary(store, user).await?.into())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only users whose username, e-mail address or display name contains this text (any case).
    pub q: Option<String>,
    /// From `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// At most this many (1–200, default 50).
    pub limit: Option<u64>,
}

/// Users by username, optionally searched.
#[utoipa::path(tag = "users", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<UserView>), (status = 400, body = super::problem::ProblemBody)))]
#[get("/users")]
pub async fn list(caller: Caller, query: web::Query<ListQuery>) -> Result<web::Json<Page<UserView>>, Problem> {
    caller.require(Permission::ReadUsers)?;
    let limit = super::page::limit(query.limit)?;
    let after = Cursor::decode(query.cursor.as_deref())?;
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if needle.is_some_and(|q| q.chars().count() > 128) {
        return Err(Problem::field("q", "at most 128 characters"));
    }
    let store = caller.store();
    let mut users = store.page_users(needle, after.as_deref(), limit + 1).await?;
    let more = users.len() as u64 > limit;
    users.truncate(limit as usize);
    let next = more
        .then(|| users.last().map(|u| Cursor::encode(&u.username)))
        .flatten();
    let mut items = Vec::with_capacity(users.len());
    for user in &users {
        items.push(view(store, user).await?);
    }
    Ok(web::Json(Page {
        items,
        next_cursor: next,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 1–64 of a-z 0-9 . _ - @ (stored lower-case).
    pub username: String,
    pub email: String,
    pub display_name: Option<String>,
    /// Default `user`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The manager's username or e-mail address: who approves this user's factor resets.
    pub manager: Option<String>,
    /// E.164.
    pub phone: Option<String>,
}

/// Creates a user without a password: send them a setup or reset link, or set one with the CLI.
#[utoipa::path(tag = "users", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 400, body = super::problem::ProblemBody),
        (status = 409, body = super::problem::ProblemBody)))]
#[post("/users")]
pub async fn create(caller: Caller, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, Problem> {
    caller.require(Permission::ManageUsers)?;
    let body: NewUser = super::body::json(&req, payload, super::MAX_JSON_BYTES).await?;
    let store = caller.store();
    let user = accounts::create(
        store,
        &caller.state.passwords,
        caller.now(),
        &caller.origin,
        NewAccount {
            username: body.username,
            email: body.email,
            display_name: body.display_name,
            roles: body.roles,
            manager: body.manager,
            phone: body.phone,
            password: None,
            source: Some(AccountSource::Api),
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", user.id)))
        .json(view(store, &user).await?))
}

/// One user, by id or username.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    security(("bearer" = [])), responses((status = 200, body = UserView), (status = 404, body = super::problem::ProblemBody)))]
#[get("/users/{user}")]
pub async fn show(caller: Caller, path: web::Path<String>) -> Result<web::Json<UserView>, Problem> {
    caller.require(Permission::ReadUsers)?;
    let user = resolve(caller.store(), &path).await?;
    Ok(web::Json(view(caller.store(), &user).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// A new e-mail address; the old address is told of the change.
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// E.164; `null` removes it. Like a user's own change it revokes their trusted browsers and tells them on the
    /// old channels. An SMS factor keeps its own number: factors change only through the recovery rules.
    #[serde(default, deserialize_with = "super::body::nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// The manager's username or e-mail address; `null` removes it. Never the user or someone below them.
    #[serde(default, deserialize_with = "super::body::nullable")]
    #[schema(value_type = Option<String>)]
    pub manager: Option<Option<String>>,
    /// `active` or `disabled` (disabling ends every session at once).
    pub status: Option<String>,
    /// Require a second factor of this user whatever their roles say (`true`), or leave it to the roles. Only
    /// administrators change it.
    pub mfa_required: Option<bool>,
}

/// Changes what is given, each change audited as the CLI's is.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")),
    request_body = UserChange, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody)))]
#[patch("/users/{user}")]
pub async fn update(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<web::Json<UserView>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    let body: UserChange = super::body::json(&req, payload, super::MAX_JSON_BYTES).await?;
    // Checked before anything changes: a refused member refuses the whole request.
    if body.mfa_required.is_some() && caller.require(Permission::ManageUsers).is_err() {
        return Err(Problem::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "mfa_required: only an administrator changes whether a second factor is required.",
        ));
    }
    let status = match body.status.as_deref() {
        Some("active") => Some(UserStatus::Active),
        Some("disabled") => Some(UserStatus::Disabled),
        Some(_) => return Err(Problem::field("status", "use active or disabled")),
        None => None,
    };
    // Every member is checked before any is applied: a refusal changes nothing.
    let edit = accounts::ProfileEdit {
        email: body.email.as_deref(),
        display_name: body.display_name.as_deref(),
        phone: body.phone.as_ref().map(|p| p.as_deref()),
        manager: body.manager.as_ref().map(|m| m.as_deref()),
    };
    accounts::check_profile(store, &user, &edit).await?;
    let (now, origin, state) = (caller.now(), &caller.origin, &caller.state);
    // Each change is its own audited step, in this order; the first refusal stops the rest.
    let mut user = user;
    if let Some(email) = &body.email {
        user = accounts::set_email(store, now, origin, &user, state.notifier.as_ref(), email)
            .await
            .map_err(Problem::at("email"))?;
    }
    if let Some(name) = &body.display_name {
        user = accounts::set_display_name(store, now, origin, &user, name)
            .await
            .map_err(Problem::at("display_name"))?;
    }
    if let Some(phone) = &body.phone {
        let (notifier, sms) = (state.notifier.as_ref(), state.sms.as_ref());
        user = accounts::set_phone(store, now, origin, &user, notifier, sms, phone.as_deref())
            .await
            .map_err(Problem::at("phone"))?;
    }
    if let Some(manager) = &body.manager {
        user = accounts::set_manager(store, now, origin, &user, manager.as_deref())
            .await
            .map_err(Problem::at("manager"))?;
    }
    if let Some(status) = status
        && status != user.status
    {
        accounts::set_status(store, now, origin, &user, status).await?;
    }
    if let Some(required) = body.mfa_required {
        crate::core::policy::roles::set_user_mfa_required(store, now, origin, &user, required).await?;
    }
    let user = resolve(store, &user.id).await?;
    Ok(web::Json(view(store, &user).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// 1–64 of a-z 0-9 . _ - @. The id, sessions, tokens and audit trail stay with the account.
    pub username: String,
}

/// Renames a user.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), request_body = Rename, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody),
        (status = 409, body = super::problem::ProblemBody)))]
#[post("/users/{user}/rename")]
pub async fn rename(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<web::Json<UserView>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::ManageUsers, &user).await?;
    let body: Rename = super::body::json(&req, payload, super::MAX_JSON_BYTES).await?;
    let user = accounts::rename(store, caller.now(), &caller.origin, &user, &body.username)
        .await
        .map_err(Problem::at("username"))?;
    Ok(web::Json(view(store, &user).await?))
}

/// Deletes a user for good (docs/admin.md, "Deleting a user"): sessions end, tokens are revoked, factors, trusted
/// browsers, consents, links and factor-reset requests go, reports lose their manager; the audit log keeps its
/// entries. Never the last administrator.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[delete("/users/{user}")]
pub async fn remove(caller: Caller, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::ManageUsers, &user).await?;
    accounts::delete(store, caller.now(), &caller.origin, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A browser session of the user.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// What `DELETE /users/{user}/sessions/{id}` takes (the session's `sid`, as relying parties see it).
    pub id: String,
    /// `authenticated`, or a sign-in waiting for its second factor or enrolment.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub amr: Vec<String>,
    pub acr: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The user's live browser sessions.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionView>), (status = 404, body = super::problem::ProblemBody)))]
#[get("/users/{user}/sessions")]
pub async fn sessions(caller: Caller, path: web::Path<String>) -> Result<web::Json<Vec<SessionView>>, Problem> {
    caller.require(Permission::ReadUsers)?;
    let store = caller.store();
    let user = resolve(store, &path).await?;
    let sessions = accounts::sessions(store, caller.now(), caller.state.limits, &user).await?;
    Ok(web::Json(
        sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                state: s.state.to_string(),
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                auth_time: s.auth_time,
                expires_at: s.expires_at,
                amr: s.amr,
                acr: s.acr.to_string(),
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Ended {
    pub ended: u64,
}

/// Ends every session of the user and revokes every token they earned.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 200, body = Ended), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[delete("/users/{user}/sessions")]
pub async fn end_sessions(caller: Caller, path: web::Path<String>) -> Result<web::Json<Ended>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    let ended = accounts::end_sessions(store, caller.now(), &caller.origin, &user).await?;
    Ok(web::Json(Ended { ended }))
}

/// Ends one session of the user and revokes the tokens its sign-in earned (`offline_access` excepted).
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice"), ("session" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[delete("/users/{user}/sessions/{session}")]
pub async fn end_session(caller: Caller, path: web::Path<(String, String)>) -> Result<HttpResponse, Problem> {
    let store = caller.store();
    let user = resolve(store, &path.0).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    accounts::end_session(store, caller.now(), &caller.origin, &user, &path.1).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives a user a role (409 when the combination of roles has no factor kind in common).
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice"), ("role" = String, Path, example = "helpdesk")), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400, body = super::problem::ProblemBody),
        (status = 403, body = super::problem::ProblemBody), (status = 404, body = super::problem::ProblemBody)))]
#[put("/users/{user}/roles/{role}")]
pub async fn add_role(caller: Caller, path: web::Path<(String, String)>) -> Result<web::Json<UserView>, Problem> {
    caller.require(Permission::ManageUsers)?;
    let store = caller.store();
    let user = resolve(store, &path.0).await?;
    accounts::add_role(store, caller.now(), &caller.origin, &user, &path.1)
        .await
        .map_err(Problem::at("role"))?;
    Ok(web::Json(view(store, &user).await?))
}

/// Takes a role from a user (never `admin` from the last administrator).
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice"), ("role" = String, Path, example = "helpdesk")), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody), (status = 409, body = super::problem::ProblemBody)))]
#[delete("/users/{user}/roles/{role}")]
pub async fn remove_role(caller: Caller, path: web::Path<(String, String)>) -> Result<web::Json<UserView>, Problem> {
    caller.require(Permission::ManageUsers)?;
    let store = caller.store();
    let user = resolve(store, &path.0).await?;
    accounts::remove_role(store, caller.now(), &caller.origin, &user, &path.1).await?;
    Ok(web::Json(view(store, &user).await?))
}

/// A second factor as administrators see it (never its secret).
#[derive(Serialize, ToSchema)]
pub struct FactorView {
    pub id: String,
    /// `totp`, `sms`, `webauthn`, `recovery_codes`, `oath_token`.
    pub kind: String,
    pub name: String,
    /// `active` or `pending`.
    pub status: String,
    /// A security key whose signature counter went backwards (a suspected copy): refused until cleared.
    pub flagged: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A user's second factors. There is no way to remove one here: factors are removed by the user, or through a
/// factor reset under the recovery rules.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 200, body = Vec<FactorView>), (status = 404, body = super::problem::ProblemBody)))]
#[get("/users/{user}/factors")]
pub async fn factors(caller: Caller, path: web::Path<String>) -> Result<web::Json<Vec<FactorView>>, Problem> {
    caller.require(Permission::ReadUsers)?;
    let store = caller.store();
    let user = resolve(store, &path).await?;
    let factors = store.factors_of(&user.id).await?;
    Ok(web::Json(
        factors
            .iter()
            .map(|f| FactorView {
                id: f.id.clone(),
                kind: serde_json::to_value(f.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                name: f.name.clone(),
                status: serde_json::to_value(f.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                flagged: f.kind == FactorKind::WebAuthn && webauthn::is_flagged(f),
                created_at: f.created_at,
                last_used_at: f.last_used_at,
            })
            .collect(),
    ))
}

/// A browser trusted to skip the user's second factor.
#[derive(Serialize, ToSchema)]
pub struct TrustedDeviceView {
    pub id: String,
    /// The browser and system, from its user agent.
    pub browser: String,
    pub user_agent: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The browsers trusted to skip the user's second factor, as today's policy counts them.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 200, body = Vec<TrustedDeviceView>), (status = 404, body = super::problem::ProblemBody)))]
#[get("/users/{user}/trusted-devices")]
pub async fn trusted_devices(
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<Vec<TrustedDeviceView>>, Problem> {
    caller.require(Permission::ReadUsers)?;
    let store = caller.store();
    let user = resolve(store, &path).await?;
    let days = crate::core::policy::enforcement::requirement_for(store, caller.now(), &user)
        .await?
        .trusted_device_days;
    let devices = devices::list(store, caller.now(), &user, days).await?;
    Ok(web::Json(
        devices
            .iter()
            .map(|d| TrustedDeviceView {
                id: d.id.clone(),
                browser: d.browser(),
                user_agent: d.user_agent.clone(),
                first_seen: d.created_at,
                last_seen: d.last_seen_at,
                expires_at: d.expires_at,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Revoked {
    pub revoked: u64,
}

/// Revokes every trusted browser of the user: the next sign-in asks for a second factor again.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 200, body = Revoked), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[delete("/users/{user}/trusted-devices")]
pub async fn revoke_trusted_devices(caller: Caller, path: web::Path<String>) -> Result<web::Json<Revoked>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    let revoked = devices::revoke_all(store, caller.now(), &caller.origin, &user.id, "admin").await?;
    Ok(web::Json(Revoked { revoked }))
}

/// Revokes one trusted browser.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice"), ("device" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[delete("/users/{user}/trusted-devices/{device}")]
pub async fn revoke_trusted_device(caller: Caller, path: web::Path<(String, String)>) -> Result<HttpResponse, Problem> {
    let store = caller.store();
    let user = resolve(store, &path.0).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    devices::revoke(store, caller.now(), &caller.origin, &user, &path.1).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct Unlocked {
    /// Whether the password was locked (the failed attempts are cleared either way).
    pub was_locked: bool,
}

/// Ends a password lockout after too many wrong passwords.
#[utoipa::path(tag = "users", params(("user" = String, Path, description = "id or username", example = "alice")), security(("bearer" = [])),
    responses((status = 200, body = Unlocked), (status = 403, body = super::problem::ProblemBody),
        (status = 404, body = super::problem::ProblemBody)))]
#[post("/users/{user}/unlock")]
pub async fn unlock(caller: Caller, path: web::Path<String>) -> Result<web::Json<Unlocked>, Problem> {
    let store = caller.store();
    let user = resolve(store, &path).await?;
    caller.require_on(Permission::SupportUsers, &user).await?;
    let was_locked = crate::core::factors::password::lock::unlock(
        store,
        &caller.state.password_policy,
        caller.now(),
        &caller.origin,
        &user,
    )
    .await?;
    Ok(web::Json(Unlocked { was_locked }))
}
