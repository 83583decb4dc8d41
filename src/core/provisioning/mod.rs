//! Directory provisioning: what it means for Gatehouse when an HR system or directory (over SCIM, `src/scim/`)
//! creates, changes, deactivates or deletes a person, or changes a group (`docs/integrate/scim.md`).
//!
//! The rules, each in the function that applies it:
//! - A provisioned person is an ordinary account (`accounts::create_in_directory`) plus the directory's record
//!   (`DirectoryEntry`: externalId, name parts, employee number, department). Every change goes through the same
//!   account functions the console and the CLI use, so it is audited alike, with the actor `scim:<client>`.
//! - The manager the directory names becomes the Gatehouse manager (who approves factor resets); one not yet
//!   provisioned is remembered and linked when they arrive (`managers`). A cycle is refused, nothing changed.
//! - A mobile number goes through the phone-change rules (`accounts::set_phone`: trusted browsers revoked, the
//!   old channels told), exactly as when the person changes it themself.
//! - Groups grant roles only through the explicit table an operator keeps (`mapping`); an administrative role
//!   only where the operator allowed it.
//! - A person created without a password is mailed a single-use invitation (`invitation`); a password the HR
//!   system sends passes the password policy and is stored hashed.
//! - Deactivation (`active: false`) ends every session, token grant and trusted browser at once; deletion does
//!   the same, hides the person from SCIM, and purges their personal data after the retention period
//!   (`purge_due`), keeping the audit trail.
//!
//! Input is validated in full before the first change, so a refused request leaves the account as it was.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::Result;
use super::accounts::{self, NewAccount};
use super::audit::{AuditKind, Outcome};
use super::context::RequestCtx;
use super::model::{Email, Phone, User, UserStatus, Username, truncate};
use super::{Error, factors::password};
use directory::{AccountSource, DirectoryEntry};

pub mod directory;
pub mod groups;
pub mod invitation;
mod managers;
pub mod mapping;
pub mod tokens;

/// The provisioning settings (`docs/configuration.md`).
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long an invitation link works.
    pub invitation_ttl: Duration,
    /// How long a person deleted over SCIM stays (disabled, invisible to SCIM) before their data is purged.
    pub deletion_retention: Duration,
    /// Where links in mails point.
    pub public_url: url::Url,
}

/// A person as the directory describes them: the attributes Gatehouse keeps. A full description (SCIM POST and
/// PUT, and PATCH after it is applied): an attribute left out is cleared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DirectoryPerson {
    pub user_name: String,
    pub external_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// The number of type `mobile`: the profile phone number.
    pub mobile: Option<String>,
    /// `preferredLanguage` when it names a language Gatehouse speaks.
    pub locale: Option<String>,
    /// `None` (not sent): active when created, unchanged otherwise — a deprovisioned account comes back only
    /// when the directory says `active: true`.
    pub active: Option<bool>,
    /// Write-only; never stored but as a hash.
    pub password: Option<String>,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    /// `manager.value`: the manager's SCIM id, or their externalId or username.
    pub manager: Option<String>,
}

/// A directory text attribute: trimmed, empty is absent, at most `max` characters, no control characters.
fn attribute(field: &str, value: &Option<String>, max: usize) -> Result<Option<String>> {
    let Some(text) = value.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "{field}: at most {max} characters and no control characters."
        )));
    }
    Ok(Some(text.to_string()))
}

/// The checked form of a [`DirectoryPerson`].
struct Checked {
    username: Username,
    email: Email,
    display_name: Option<String>,
    mobile: Option<Phone>,
    entry: DirectoryEntry,
}

/// Everything about `person` that can be checked without the store. The e-mail address falls back to the
/// userName when that is an address (Okta's default mapping sends only the userName).
fn check(person: &DirectoryPerson, base: DirectoryEntry) -> Result<Checked> {
    let username = Username::parse(&person.user_name).map_err(|e| in_field("userName", e))?;
    let email = match person.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => Email::parse(email).map_err(|e| in_field("emails", e))?,
        None => Email::parse(&person.user_name).map_err(|_| {
            Error::invalid("emails: an e-mail address is required (a work address, or a userName that is one).")
        })?,
    };
    let display_name = attribute("displayName", &person.display_name, 128)?;
    let mobile = person
        .mobile
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Phone::parse)
        .transpose()
        .map_err(|e| in_field("phoneNumbers", e))?;
    let entry = DirectoryEntry {
        external_id: attribute("externalId", &person.external_id, 256)?,
        given_name: attribute("name.givenName", &person.given_name, 128)?,
        family_name: attribute("name.familyName", &person.family_name, 128)?,
        employee_number: attribute("employeeNumber", &person.employee_number, 128)?,
        department: attribute("department", &person.department, 128)?,
        manager_ref: None,
        ..base
    };
    if let Some(password) = &person.password
        && password.chars().count() > password::MAX_CHARS
    {
        return Err(Error::invalid("password: too long."));
    }
    Ok(Checked {
        username,
        email,
        display_name,
        mobile,
        entry,
    })
}

fn in_field(field: &str, error: Error) -> Error {
    match error {
        Error::Invalid(message) => Error::Invalid(format!("{field}: {message}")),
        other => other,
    }
}

/// A display name the directory did not send: "Given Family", else the username.
fn display_name_of(checked: &Checked) -> String {
    checked.display_name.clone().unwrap_or_else(|| {
        let parts: Vec<&str> = [&checked.entry.given_name, &checked.entry.family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if parts.is_empty() {
            checked.username.as_str().to_string()
        } else {
            parts.join(" ")
        }
    })
}

/// `Conflict` when `external_id` belongs to an account other than `user_id`.
async fn external_id_free(ctx: &RequestCtx<'_>, external_id: Option<&str>, user_id: Option<&str>) -> Result<()> {
    if let Some(external_id) = external_id
        && let Some(other) = ctx.store.user_by_external_id(external_id).await?
        && Some(other.id.as_str()) != user_id
    {
        return Err(Error::Conflict(format!(
            "externalId: '{}' belongs to another account.",
            truncate(external_id, 64)
        )));
    }
    Ok(())
}

/// Creates a provisioned person; an active one without a password is mailed an invitation.
pub async fn create(ctx: &RequestCtx<'_>, settings: &Settings, person: &DirectoryPerson) -> Result<User> {
    let mut entry = DirectoryEntry::new("", AccountSource::Scim, ctx.now);
    entry.source_client = Some(ctx.origin.actor.clone());
    let checked = check(person, entry)?;
    external_id_free(ctx, checked.entry.external_id.as_deref(), None).await?;
    let manager = managers::resolve(ctx.store, person.manager.as_deref()).await?;
    let mut entry = checked.entry.clone();
    if manager.is_none() {
        entry.manager_ref = attribute("manager", &person.manager, 256)?;
    }
    let request = NewAccount {
        username: checked.username.as_str().to_string(),
        email: checked.email.as_str().to_string(),
        display_name: Some(display_name_of(&checked)),
        roles: vec!["user".to_string()],
        manager: manager.as_ref().map(|m| m.username.clone()),
        phone: checked.mobile.as_ref().map(|p| p.as_str().to_string()),
        password: person.password.clone(),
        source: Some(AccountSource::Scim),
    };
    let mut user = accounts::create_in_directory(ctx.store, ctx.passwords, ctx.now, ctx.origin, request, entry).await?;
    if let Some(locale) = &person.locale {
        ctx.store.set_locale(&user.id, Some(locale)).await?;
        user.locale = Some(locale.clone());
    }
    if person.active == Some(false) {
        deactivate(ctx, &user).await?;
        user.status = UserStatus::Disabled;
    } else if user.password_hash.is_none() {
        invitation::invite(ctx, settings, &user).await?;
    }
    managers::link_waiting_reports(ctx, &user, checked.entry.external_id.as_deref()).await?;
    Ok(user)
}

/// Makes `user` what `person` describes. Everything is checked before the first change.
pub async fn replace(ctx: &RequestCtx<'_>, settings: &Settings, user: &User, person: &DirectoryPerson) -> Result<User> {
    let current = match ctx.store.directory_entry(&user.id).await? {
        Some(entry) => entry,
        None => DirectoryEntry::new(&user.id, AccountSource::Scim, ctx.now),
    };
    let checked = check(person, current.clone())?;
    external_id_free(ctx, checked.entry.external_id.as_deref(), Some(&user.id)).await?;
    let manager = managers::resolve(ctx.store, person.manager.as_deref()).await?;
    if let Some(manager) = &manager {
        accounts::refuse_cycle(ctx.store, user, manager).await?;
    }
    if checked.username.as_str() != user.username
        && let Some(other) = ctx.store.user_by_username(checked.username.as_str()).await?
        && other.id != user.id
    {
        return Err(Error::Conflict(format!(
            "userName: '{}' is already in use.",
            checked.username.as_str()
        )));
    }
    if checked.email.normalized() != user.email.to_lowercase()
        && let Some(other) = ctx.store.user_by_email(&checked.email.normalized()).await?
        && other.id != user.id
    {
        return Err(Error::Conflict("emails: that e-mail address is already in use.".into()));
    }
    if let Some(new_password) = &person.password {
        password::check_strength(new_password, &[checked.username.as_str(), checked.email.as_str()])
            .map_err(|e| in_field("password", e))?;
    }
    if person.active == Some(false) {
        refuse_last_administrator(ctx, user).await?;
    }

    // Checked: now change, each through the account function that audits it.
    let mut user = user.clone();
    if checked.username.as_str() != user.username {
        user = accounts::rename(ctx.store, ctx.now, ctx.origin, &user, checked.username.as_str()).await?;
    }
    if checked.email.as_str() != user.email {
        user = accounts::set_email(
            ctx.store,
            ctx.now,
            ctx.origin,
            &user,
            ctx.notifier,
            checked.email.as_str(),
        )
        .await?;
    }
    let display_name = display_name_of(&checked);
    if display_name != user.display_name {
        user = accounts::set_display_name(ctx.store, ctx.now, ctx.origin, &user, &display_name).await?;
    }
    let mobile = checked.mobile.as_ref().map(|p| p.as_str().to_string());
    if mobile != user.phone {
        user = accounts::set_phone(
            ctx.store,
            ctx.now,
            ctx.origin,
            &user,
            ctx.notifier,
            ctx.sms,
            mobile.as_deref(),
        )
        .await?;
    }
    let manager_id = manager.as_ref().map(|m| m.id.clone());
    if manager_id != user.manager_id {
        let name = manager.as_ref().map(|m| m.username.as_str());
        user = accounts::set_manager(ctx.store, ctx.now, ctx.origin, &user, name).await?;
    }
    if let Some(new_password) = &person.password {
        accounts::set_password(
            ctx.store,
            ctx.passwords,
            ctx.now,
            ctx.origin,
            &user,
            new_password.clone(),
        )
        .await?;
        user = ctx
            .store
            .user_by_id(&user.id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("user '{}'", user.username)))?;
    }
    if person.locale.is_some() && person.locale != user.locale {
        ctx.store.set_locale(&user.id, person.locale.as_deref()).await?;
        user.locale = person.locale.clone();
    }
    let mut entry = checked.entry;
    entry.manager_ref = match manager {
        Some(_) => None,
        None => attribute("manager", &person.manager, 256)?,
    };
    entry.updated_at = ctx.now;
    if !same_attributes(&entry, &current) {
        ctx.store.put_directory_entry(&entry).await?;
        ctx.audit(
            AuditKind::DirectoryUpdated,
            Outcome::Success,
            Some(&user.id),
            json!({
                "old": attributes_json(&current), "new": attributes_json(&entry),
            }),
        )
        .await?;
    }
    match (person.active, user.status) {
        (Some(false), UserStatus::Active) => {
            deactivate(ctx, &user).await?;
            user.status = UserStatus::Disabled;
        }
        (Some(true), UserStatus::Disabled) => {
            accounts::set_status(ctx.store, ctx.now, ctx.origin, &user, UserStatus::Active).await?;
            user.status = UserStatus::Active;
            if user.password_hash.is_none() {
                invitation::invite(ctx, settings, &user).await?;
            }
        }
        _ => {}
    }
    managers::link_waiting_reports(ctx, &user, entry.external_id.as_deref()).await?;
    Ok(user)
}

/// A directory may not disable the last active administrator: nobody could administer (or undo it) afterwards.
async fn refuse_last_administrator(ctx: &RequestCtx<'_>, user: &User) -> Result<()> {
    if user.status != UserStatus::Active || !ctx.store.roles_of(&user.id).await?.iter().any(|r| r == "admin") {
        return Ok(());
    }
    let active_admins = ctx
        .store
        .users_with_role("admin", crate::core::store::MEMBERS_READ_AT_MOST)
        .await?
        .iter()
        .filter(|u| u.status == UserStatus::Active)
        .count();
    if active_admins <= 1 {
        return Err(Error::NotAllowed(format!(
            "Refusing to disable {}, the last active administrator: give another user the role 'admin' first.",
            user.username
        )));
    }
    Ok(())
}

fn same_attributes(a: &DirectoryEntry, b: &DirectoryEntry) -> bool {
    attributes_json(a) == attributes_json(b)
}

fn attributes_json(e: &DirectoryEntry) -> serde_json::Value {
    json!({
        "external_id": e.external_id, "given_name": e.given_name, "family_name": e.family_name,
        "employee_number": e.employee_number, "department": e.department, "manager_ref": e.manager_ref,
    })
}

/// Disables `user` and ends, at once, every browser session, token grant (refresh families included) and
/// trusted browser of theirs.
pub async fn deactivate(ctx: &RequestCtx<'_>, user: &User) -> Result<()> {
    refuse_last_administrator(ctx, user).await?;
    accounts::set_status(ctx.store, ctx.now, ctx.origin, user, UserStatus::Disabled).await?;
    let revoked =
        super::signin::trusted_devices::revoke_all(ctx.store, ctx.now, ctx.origin, &user.id, "deprovisioned").await?;
    ctx.audit(
        AuditKind::DirectoryDeactivated,
        Outcome::Success,
        Some(&user.id),
        json!({ "username": user.username, "trusted_devices_revoked": revoked }),
    )
    .await
}

/// Deletes `user` for the directory: deactivated now, invisible to SCIM from now on, and purged — the account and
/// everything stored for it, the audit trail kept — once the retention period has passed (at once when it is
/// zero).
pub async fn delete(ctx: &RequestCtx<'_>, settings: &Settings, user: &User) -> Result<()> {
    if user.status == UserStatus::Active {
        deactivate(ctx, user).await?;
    }
    let mut entry = match ctx.store.directory_entry(&user.id).await? {
        Some(entry) => entry,
        None => DirectoryEntry::new(&user.id, AccountSource::Scim, ctx.now),
    };
    entry.deleted_at = Some(ctx.now);
    entry.updated_at = ctx.now;
    ctx.store.put_directory_entry(&entry).await?;
    let purge_at = ctx.now + settings.deletion_retention;
    ctx.audit(
        AuditKind::DirectoryDeleted,
        Outcome::Success,
        Some(&user.id),
        json!({ "username": user.username, "purge_at": purge_at }),
    )
    .await?;
    if settings.deletion_retention <= Duration::zero() {
        accounts::delete(ctx.store, ctx.now, ctx.origin, user).await?;
    }
    Ok(())
}

/// Purges the accounts deleted over SCIM whose retention period has passed; how many. Run by the server's
/// sweeper (and `gatehouse scim purge`).
pub async fn purge_due(
    store: &dyn super::store::Store,
    now: DateTime<Utc>,
    origin: &super::audit::Origin,
    retention: Duration,
) -> Result<u64> {
    let mut purged = 0;
    for entry in store.deleted_entries_before(now - retention).await? {
        let Some(user) = store.user_by_id(&entry.user_id).await? else {
            continue;
        };
        match accounts::delete(store, now, origin, &user).await {
            Ok(_) => purged += 1,
            // The last administrator stays (disabled) rather than leave nobody able to administer.
            Err(Error::Conflict(message)) => tracing::warn!(user = %user.username, %message, "purge postponed"),
            Err(other) => return Err(other),
        }
    }
    Ok(purged)
}
