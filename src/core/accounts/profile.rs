//! The profile fields an administrator changes: e-mail address, display name, phone number, manager and
//! username. Each function writes its one field (`UserStore::update_profile`, so concurrent changes to other
//! fields stay), records one audit event with the old and new value and returns the user as stored afterwards.
//! Setting a field to the value it has changes nothing and is still audited (`changed: false`), as roles are.
//!
//! The user's id never changes: sessions, tokens (`sub`), SAML persistent NameIDs, factor-reset requests and
//! the audit log all point at the id, so a rename or a new address leaves them attached to the same person.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{display_name, find, in_field, reload};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{Email, Phone, User, Username, masked_phone, truncate};
use crate::core::notify::{Notifier, SmsGateway, notify};
use crate::core::store::{ProfileChange, Store};
use crate::core::{Error, Result};

/// How far up a chain of managers `set_manager` looks for a cycle. Deeper organisations are refused rather than
/// checked halfway: a cycle would make "the manager's manager" endless for whoever walks it.
pub const MAX_MANAGER_CHAIN: usize = crate::core::recovery::route::MAX_MANAGER_CHAIN;

async fn write(store: &dyn Store, now: DateTime<Utc>, user: &User, change: ProfileChange<'_>) -> Result<User> {
    if !store.update_profile(&user.id, &change, now).await? {
        return Err(Error::NotFound(format!("user '{}'", user.username)));
    }
    reload(store, user).await
}

async fn record(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    kind: AuditKind,
    details: serde_json::Value,
) -> Result<()> {
    audit::record(store, now, origin, kind, Outcome::Success, Some(&user.id), details).await
}

/// Changes the user's e-mail address: where their notices and password links go, and the `email` claim and
/// attribute relying parties receive. `Error::Conflict` naming the address when another user has it (whatever
/// its case). A notice goes to the old address, so a takeover by address change does not go unseen.
pub async fn set_email(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    notifier: &dyn Notifier,
    email: &str,
) -> Result<User> {
    let email = free_email(store, user, email).await?;
    let taken = || email_taken(&email);
    let changed = email.as_str() != user.email;
    let updated = if changed {
        match write(store, now, user, ProfileChange::Email(email.as_str())).await {
            // Another user took the address between the look-up and the write.
            Err(Error::Conflict(_)) => return Err(taken()),
            other => other?,
        }
    } else {
        user.clone()
    };
    record(
        store,
        now,
        origin,
        user,
        AuditKind::UserEmailChanged,
        json!({ "old": user.email, "new": updated.email, "changed": changed }),
    )
    .await?;
    if changed {
        let values = json!({
            "new_email": updated.email, "ip": origin.ip, "at": now.to_rfc3339(),
        });
        // `user` still holds the old address.
        notify(notifier, user, "email_changed", values).await;
    }
    Ok(updated)
}

/// Changes the name shown to the user and sent to relying parties (`name`). The rules of `create`: at most 128
/// characters, no control characters; an empty name means the username.
pub async fn set_display_name(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    name: &str,
) -> Result<User> {
    let name = display_name(Some(name), &user.username).map_err(|e| in_field("display_name", e))?;
    let changed = name != user.display_name;
    let updated = if changed {
        write(store, now, user, ProfileChange::DisplayName(&name)).await?
    } else {
        user.clone()
    };
    record(
        store,
        now,
        origin,
        user,
        AuditKind::UserDisplayNameChanged,
        json!({ "old": user.display_name, "new": updated.display_name, "changed": changed }),
    )
    .await?;
    Ok(updated)
}

/// Sets (`Some`, any form `Phone::parse` reads, stored as E.164) or clears (`None`) the phone number on the
/// user's profile.
///
/// The profile number is contact data, not an authenticator: it is the OIDC `phone_number` claim (scope
/// `phone`), the number factor-reset notices are texted to and a helpdesk agent calls back before executing a
/// reset ("number on file"), and the number offered when the user adds an SMS factor. Sign-in codes never go to
/// it: an SMS factor sends its codes only to the number it verified when it was added, kept in the factor's own
/// data, which this change leaves exactly as it is. Factors are never changed or removed here; removing one
/// goes through the recovery rules (`core::recovery`).
///
/// Because a helpdesk callback trusts the number on file, a change follows the rule of the user's own phone
/// change (`factors::sms::confirm_enrolment`): every browser trusted to skip the second factor is revoked
/// (reason `phone_changed`), and the user is told on the old channels — a mail to their address and a text to
/// the old number, if there was one — so a change they did not ask for does not go unseen.
pub async fn set_phone(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    notifier: &dyn Notifier,
    sms: &dyn SmsGateway,
    phone: Option<&str>,
) -> Result<User> {
    let phone = phone.map(Phone::parse).transpose().map_err(|e| in_field("phone", e))?;
    let new = phone.as_ref().map(|p| p.as_str().to_string());
    let changed = new != user.phone;
    let mut revoked = 0;
    let mut notified = Vec::new();
    let updated = if changed {
        let updated = write(store, now, user, ProfileChange::Phone(new.as_deref())).await?;
        revoked =
            crate::core::signin::trusted_devices::revoke_all(store, now, origin, &user.id, "phone_changed").await?;
        notified = tell_old_channels(notifier, sms, now, origin, user, new.as_deref()).await;
        updated
    } else {
        user.clone()
    };
    record(
        store,
        now,
        origin,
        user,
        AuditKind::UserPhoneChanged,
        json!({
            "old": user.phone.as_deref().map(masked_phone), "new": new.as_deref().map(masked_phone),
            "changed": changed, "trusted_devices_revoked": revoked, "notified": notified,
        }),
    )
    .await?;
    Ok(updated)
}

/// Mails the user's address and texts the old number (if any) that the profile number changed; the channels
/// reached. A channel that fails is logged, never a reason to undo the change.
async fn tell_old_channels(
    notifier: &dyn Notifier,
    sms: &dyn SmsGateway,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    new: Option<&str>,
) -> Vec<String> {
    let new_masked = new.map(masked_phone);
    let values = json!({
        "new_phone": new_masked, "ip": origin.ip, "at": now.to_rfc3339(),
    });
    let mut reached = Vec::new();
    if notify(notifier, user, "phone_changed", values).await {
        reached.push("mail".to_string());
    }
    if let Some(old) = user.phone.as_deref() {
        let username = ("username", user.username.as_str().into());
        let text = match &new_masked {
            Some(number) => crate::core::notify::text(
                notifier,
                user,
                "sms-phone-changed",
                &[username, ("new_phone", number.as_str().into())],
            ),
            None => crate::core::notify::text(notifier, user, "sms-phone-removed", &[username]),
        };
        match sms.send_sms(old, &text).await {
            Ok(()) => reached.push(format!("sms:{}", masked_phone(old))),
            Err(e) => tracing::warn!(error = %e, "could not text the phone change notice"),
        }
    }
    reached
}

/// Sets (by username or e-mail address, as `find` reads them) or clears (`None`) the user's manager, who
/// approves their factor-reset requests. Refused: an unknown user, the user themself, and a manager who already
/// reports to the user, directly or through others (a cycle; the chain is followed `MAX_MANAGER_CHAIN` steps up).
pub async fn set_manager(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    manager: Option<&str>,
) -> Result<User> {
    let manager = match manager {
        Some(text) => Some(allowed_manager(store, user, text).await?),
        None => None,
    };
    let old = match &user.manager_id {
        Some(id) => store.user_by_id(id).await?.map(|m| m.username),
        None => None,
    };
    let new_id = manager.as_ref().map(|m| m.id.clone());
    let changed = new_id != user.manager_id;
    let updated = if changed {
        write(store, now, user, ProfileChange::Manager(new_id.as_deref())).await?
    } else {
        user.clone()
    };
    record(
        store,
        now,
        origin,
        user,
        AuditKind::UserManagerChanged,
        json!({
            "old": old, "old_id": user.manager_id,
            "new": manager.as_ref().map(|m| &m.username), "new_id": new_id, "changed": changed,
        }),
    )
    .await?;
    Ok(updated)
}

/// Several profile changes at once, as a form gives them: `None` leaves a field alone; for the phone and the
/// manager `Some(None)` clears it.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileEdit<'a> {
    pub email: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub phone: Option<Option<&'a str>>,
    pub manager: Option<Option<&'a str>>,
}

/// Checks every change of `edit` as `set_email`, `set_display_name`, `set_phone` and `set_manager` will, without
/// changing anything, so a form that changes several fields is refused whole (the first refusal, naming its
/// field) before any of them is made. Each setter still checks again when it runs.
pub async fn check_profile(store: &dyn Store, user: &User, edit: &ProfileEdit<'_>) -> Result<()> {
    if let Some(email) = edit.email {
        free_email(store, user, email).await?;
    }
    if let Some(name) = edit.display_name {
        display_name(Some(name), &user.username).map_err(|e| in_field("display_name", e))?;
    }
    if let Some(Some(phone)) = edit.phone {
        Phone::parse(phone).map_err(|e| in_field("phone", e))?;
    }
    if let Some(Some(text)) = edit.manager {
        allowed_manager(store, user, text).await?;
    }
    Ok(())
}

fn email_taken(email: &Email) -> Error {
    Error::Conflict(format!("email: the address '{}' is already in use.", email.as_str()))
}

/// `text` as an e-mail address no other account has (`set_email` and `check_profile` alike).
async fn free_email(store: &dyn Store, user: &User, text: &str) -> Result<Email> {
    let email = Email::parse(text).map_err(|e| in_field("email", e))?;
    if store
        .user_by_email(&email.normalized())
        .await?
        .is_some_and(|other| other.id != user.id)
    {
        return Err(email_taken(&email));
    }
    Ok(email)
}

/// The user `text` names, when they may be `user`'s manager (`set_manager` and `check_profile` alike).
async fn allowed_manager(store: &dyn Store, user: &User, text: &str) -> Result<User> {
    let manager = find(store, text).await.map_err(|e| match e {
        Error::NotFound(_) => Error::invalid(format!("manager: no user '{}'.", truncate(text.trim(), 64))),
        other => other,
    })?;
    refuse_cycle(store, user, &manager).await?;
    Ok(manager)
}

/// Refuses `manager` for `user` when it is the user or anyone above the manager is the user.
pub async fn refuse_cycle(store: &dyn Store, user: &User, manager: &User) -> Result<()> {
    if manager.id == user.id {
        return Err(Error::invalid("manager: a user cannot be their own manager."));
    }
    let mut next = manager.manager_id.clone();
    for _ in 0..MAX_MANAGER_CHAIN {
        let Some(id) = next else {
            return Ok(());
        };
        if id == user.id {
            return Err(Error::invalid(format!(
                "manager: {} reports to {}, directly or through others; that would make a cycle.",
                manager.username, user.username
            )));
        }
        next = match store.user_by_id(&id).await? {
            Some(above) => above.manager_id,
            None => None,
        };
    }
    Err(Error::invalid(format!(
        "manager: the chain of managers above {} is longer than {MAX_MANAGER_CHAIN}; shorten it first.",
        manager.username
    )))
}

/// Gives the user a new username (the rules of `Username::parse`: stored lower-case). `Error::Conflict` naming
/// the username when another user has it. The id stays, so sessions, tokens, factors and the audit trail stay
/// attached; relying parties that key on the id (`sub`, persistent NameIDs) see the same user, those that show
/// `preferred_username` or a username attribute see the new name at the next sign-in.
pub async fn rename(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    new_username: &str,
) -> Result<User> {
    let username = Username::parse(new_username).map_err(|e| in_field("username", e))?;
    let taken = || Error::Conflict(format!("username: '{}' is already in use.", username.as_str()));
    if store
        .user_by_username(username.as_str())
        .await?
        .is_some_and(|other| other.id != user.id)
    {
        return Err(taken());
    }
    let changed = username.as_str() != user.username;
    let updated = if changed {
        match write(store, now, user, ProfileChange::Username(username.as_str())).await {
            Err(Error::Conflict(_)) => return Err(taken()),
            other => other?,
        }
    } else {
        user.clone()
    };
    record(
        store,
        now,
        origin,
        user,
        AuditKind::UserRenamed,
        json!({ "old": user.username, "new": updated.username, "changed": changed }),
    )
    .await?;
    Ok(updated)
}
