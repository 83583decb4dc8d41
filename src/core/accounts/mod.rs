//! Account administration, the one service layer the CLI, the admin REST API and the admin console share: each
//! function validates its input (an `Error::Invalid` names the field, e.g. `email: …`), changes the store and
//! records one audit event of its own kind. Here: creating and finding users, passwords set by an administrator,
//! enabling and disabling, roles. Beside it, one concern per file: the profile fields (`profile.rs`: e-mail
//! address, display name, phone number, manager, username), deleting a user (`removal.rs`), a user's browser
//! sessions (`sessions.rs`), the applications they let in (`apps.rs`), whether enough administrators can sign in
//! (`readiness.rs`), a person's absence and delegate (`absence.rs`), and reading the manager graph (`graph.rs`).
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::audit::{self, AuditKind, Origin, Outcome};
use super::factors::password::{self, PasswordPool};
use super::model::{Email, Phone, User, UserStatus, Username};
use super::provisioning::directory::{AccountSource, DirectoryEntry};
use super::store::Store;
use super::{Error, Result};

pub mod absence;
mod apps;
pub mod graph;
mod profile;
pub mod readiness;
mod removal;
pub mod seed;
mod sessions;

pub use apps::{ConnectedApp, connected_apps, revoke_app};
pub use profile::{
    ProfileEdit, check_profile, refuse_cycle, rename, set_display_name, set_email, set_manager, set_phone,
};
pub use removal::delete;
pub use sessions::{SessionInfo, end_other_sessions, end_session, end_sessions, sessions};

/// An `Invalid` error about `field`, prefixed with its name (`email: …`) so an API can point at the field.
fn in_field(field: &str, error: Error) -> Error {
    match error {
        Error::Invalid(message) => Error::Invalid(format!("{field}: {message}")),
        other => other,
    }
}

/// The user as stored now; `NotFound` when they were deleted meanwhile.
async fn reload(store: &dyn Store, user: &User) -> Result<User> {
    store
        .user_by_id(&user.id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user '{}'", user.username)))
}

#[derive(Clone, Debug, Default)]
pub struct NewAccount {
    pub username: String,
    pub email: String,
    pub display_name: Option<String>,
    pub roles: Vec<String>,
    pub manager: Option<String>,
    pub phone: Option<String>,
    pub password: Option<String>,
    /// Where the request came from, shown beside the account (`None`: the command line when the actor is
    /// `cli:…`, else the console).
    pub source: Option<AccountSource>,
}

/// What an administrator sees of an account (never the password hash).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AccountSummary {
    pub id: String,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub status: UserStatus,
    pub manager: Option<String>,
    pub roles: Vec<String>,
    pub mfa_required: bool,
    pub has_password: bool,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Where the account came from; `None` for accounts made before sources were recorded.
    pub source: Option<AccountSource>,
    /// The provisioning system's id for the person (SCIM `externalId`).
    pub external_id: Option<String>,
}

fn display_name(input: Option<&str>, fallback: &str) -> Result<String> {
    let name = input.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(fallback);
    if name.chars().count() > 128 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "A display name has at most 128 characters and no control characters.",
        ));
    }
    Ok(name.to_string())
}

pub async fn create(
    store: &dyn Store,
    passwords: &PasswordPool,
    now: DateTime<Utc>,
    origin: &Origin,
    req: NewAccount,
) -> Result<User> {
    let source = req.source.unwrap_or(if origin.actor.starts_with("cli:") {
        AccountSource::Cli
    } else {
        AccountSource::Console
    });
    create_in_directory(store, passwords, now, origin, req, DirectoryEntry::new("", source, now)).await
}

/// [`create`] with the directory's record of the account (`entry`; its `user_id` is filled in here): the
/// account, its roles and the record are stored in one transaction.
pub async fn create_in_directory(
    store: &dyn Store,
    passwords: &PasswordPool,
    now: DateTime<Utc>,
    origin: &Origin,
    req: NewAccount,
    mut entry: DirectoryEntry,
) -> Result<User> {
    let username = Username::parse(&req.username)?;
    let email = Email::parse(&req.email)?;
    let display_name = display_name(req.display_name.as_deref(), username.as_str())?;
    let phone = req.phone.as_deref().map(Phone::parse).transpose()?;
    let manager_id = match req.manager.as_deref() {
        Some(manager) => Some(find(store, manager).await?.id),
        None => None,
    };
    let known: Vec<String> = store.list_roles().await?.into_iter().map(|r| r.name).collect();
    let mut roles = if req.roles.is_empty() {
        vec!["user".to_string()]
    } else {
        req.roles.clone()
    };
    roles.sort();
    roles.dedup();
    if let Some(unknown) = roles.iter().find(|r| !known.contains(r)) {
        return Err(Error::invalid(format!(
            "Unknown role '{unknown}'. Known roles: {}.",
            known.join(", ")
        )));
    }
    super::policy::roles::check_role_set(store, now, &roles).await?;
    let password_hash = match req.password {
        Some(password) => {
            password::check_strength(&password, &[username.as_str(), email.as_str(), &display_name])?;
            Some(passwords.hash(password).await?)
        }
        None => None,
    };
    let user = User {
        id: uuid::Uuid::new_v4().to_string(),
        username: username.as_str().to_string(),
        email: email.as_str().to_string(),
        display_name,
        phone: phone.map(|p| p.as_str().to_string()),
        status: UserStatus::Active,
        manager_id,
        password_changed_at: password_hash.as_ref().map(|_| now),
        password_hash,
        mfa_required: false,
        created_at: now,
        updated_at: now,
        locale: None,
    };
    entry.user_id = user.id.clone();
    store.insert_account(&user, &roles, &entry).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserCreated,
        Outcome::Success,
        Some(&user.id),
        json!({
            "username": user.username, "roles": roles, "source": entry.source,
        }),
    )
    .await?;
    Ok(user)
}

/// Finds a user by username, or by e-mail address when the text contains `@` and no username matches.
pub async fn find(store: &dyn Store, username_or_email: &str) -> Result<User> {
    let text = username_or_email.trim();
    let not_found = || Error::NotFound(format!("user '{}'", super::model::truncate(text, 64)));
    if let Ok(username) = Username::parse(text)
        && let Some(user) = store.user_by_username(username.as_str()).await?
    {
        return Ok(user);
    }
    if text.contains('@')
        && let Ok(email) = Email::parse(text)
        && let Some(user) = store.user_by_email(&email.normalized()).await?
    {
        return Ok(user);
    }
    Err(not_found())
}

pub async fn summary(store: &dyn Store, user: &User) -> Result<AccountSummary> {
    let roles = store.roles_of(&user.id).await?;
    summary_with_roles(store, user, roles).await
}

/// [`summary`] for a user whose roles were read already.
pub async fn summary_with_roles(store: &dyn Store, user: &User, roles: Vec<String>) -> Result<AccountSummary> {
    let manager = match &user.manager_id {
        Some(id) => store.user_by_id(id).await?.map(|m| m.username),
        None => None,
    };
    let directory = store.directory_entry(&user.id).await?;
    Ok(AccountSummary {
        id: user.id.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        phone: user.phone.clone(),
        status: user.status,
        manager,
        roles,
        mfa_required: user.mfa_required,
        has_password: user.password_hash.is_some(),
        password_changed_at: user.password_changed_at,
        created_at: user.created_at,
        source: directory.as_ref().map(|d| d.source),
        external_id: directory.and_then(|d| d.external_id),
    })
}

/// An administrator sets a user's password: strength rules apply and every session of the user ends.
pub async fn set_password(
    store: &dyn Store,
    passwords: &PasswordPool,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    new_password: String,
) -> Result<()> {
    password::check_strength(&new_password, &[&user.username, &user.email, &user.display_name])?;
    let hash = passwords.hash(new_password).await?;
    store.set_password_hash(&user.id, &hash, Some(now), now).await?;
    let ended = store.end_sign_ins_of_user(&user.id, now).await?;
    super::signin::trusted_devices::revoke_all(store, now, origin, &user.id, "password_set_by_admin").await?;
    // A new password from an administrator ends a password lockout too (`factors::password::lock`).
    super::factors::password::lock::clear(store, now, origin, user, "password_set_by_admin").await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::PasswordSetByAdmin,
        Outcome::Success,
        Some(&user.id),
        json!({ "sessions_ended": ended }),
    )
    .await
}

/// Disabling ends every session at once; enabling restores sign-in with the same password and factors.
pub async fn set_status(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    status: UserStatus,
) -> Result<()> {
    store.set_status(&user.id, status, now).await?;
    let ended = if status == UserStatus::Disabled {
        store.end_sign_ins_of_user(&user.id, now).await?
    } else {
        0
    };
    let kind = if status == UserStatus::Disabled {
        AuditKind::UserDisabled
    } else {
        AuditKind::UserEnabled
    };
    audit::record(
        store,
        now,
        origin,
        kind,
        Outcome::Success,
        Some(&user.id),
        json!({ "sessions_ended": ended }),
    )
    .await
}

pub async fn add_role(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, user: &User, role: &str) -> Result<bool> {
    if !store.list_roles().await?.iter().any(|r| r.name == role) {
        return Err(Error::invalid(format!(
            "Unknown role '{}'.",
            super::model::truncate(role, 64)
        )));
    }
    let mut roles = store.roles_of(&user.id).await?;
    if !roles.iter().any(|r| r == role) {
        roles.push(role.to_string());
        super::policy::roles::check_role_set(store, now, &roles).await?;
    }
    let added = store.add_role(&user.id, role, now).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserRoleAdded,
        Outcome::Success,
        Some(&user.id),
        json!({ "role": role, "changed": added }),
    )
    .await?;
    Ok(added)
}

/// Refuses to remove `admin` from the last administrator, which would leave nobody able to administer.
pub async fn remove_role(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    role: &str,
) -> Result<bool> {
    let roles = store.roles_of(&user.id).await?;
    if role == "admin" && roles.iter().any(|r| r == "admin") && store.count_users_with_role("admin").await? <= 1 {
        return Err(Error::Conflict(
            "Refusing to remove the role 'admin' from the last administrator.".into(),
        ));
    }
    let removed = store.remove_role(&user.id, role).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::UserRoleRemoved,
        Outcome::Success,
        Some(&user.id),
        json!({ "role": role, "changed": removed }),
    )
    .await?;
    Ok(removed)
}
