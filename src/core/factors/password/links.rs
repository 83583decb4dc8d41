//! Single-use links that set a password: "forgot password" by mail, and the first administrator's setup
//! link printed at start-up.
//!
//! A password reset changes the password, ends the user's sessions and clears a password lockout — nothing else. It never removes,
//! disables or bypasses a second factor; factor recovery is a separate flow.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use url::Url;

use super::{self as password, PasswordPool};
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{OneTimeToken, TokenPurpose, User, UserStatus};
use crate::core::notify::Notifier;
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result, accounts};

/// Reset mails one account receives per hour at most.
pub const RESET_MAILS_PER_HOUR: u32 = 5;

#[derive(Clone, Debug)]
pub struct LinkSettings {
    pub public_url: Url,
    pub reset_ttl: Duration,
    pub setup_ttl: Duration,
}

impl LinkSettings {
    fn link(&self, token: &str) -> String {
        let mut url = self.public_url.clone();
        url.set_path("/password/reset");
        url.set_query(None);
        url.query_pairs_mut().append_pair("token", token);
        url.to_string()
    }
}

pub(crate) async fn issue(
    store: &dyn Store,
    now: DateTime<Utc>,
    user: &User,
    purpose: TokenPurpose,
    ttl: Duration,
) -> Result<String> {
    store.revoke_tokens(&user.id, purpose, now).await?;
    let token = random_token();
    store
        .insert_token(&OneTimeToken {
            token_hash: token_digest(&token),
            purpose,
            user_id: user.id.clone(),
            created_at: now,
            expires_at: now + ttl,
            used_at: None,
        })
        .await?;
    Ok(token)
}

/// "Forgot password": mails a link when the username or address belongs to an active account. The caller
/// answers the same whatever happens here, so nothing tells whether the account exists.
pub async fn request(
    store: &dyn Store,
    notifier: &dyn Notifier,
    now: DateTime<Utc>,
    origin: &Origin,
    settings: &LinkSettings,
    identifier: &str,
) -> Result<()> {
    let user = match accounts::find(store, identifier).await {
        Ok(user) if user.status == UserStatus::Active => user,
        Ok(user) => {
            audit::record(
                store,
                now,
                origin,
                AuditKind::PasswordResetRequested,
                Outcome::Denied,
                Some(&user.id),
                json!({ "reason": "disabled" }),
            )
            .await?;
            return Ok(());
        }
        Err(Error::NotFound(_)) => {
            audit::record(
                store,
                now,
                origin,
                AuditKind::PasswordResetRequested,
                Outcome::Failure,
                None,
                json!({
                    "identifier": crate::core::model::truncate(identifier, 64), "reason": "unknown_user",
                }),
            )
            .await?;
            return Ok(());
        }
        Err(other) => return Err(other),
    };
    // At most a few mails an hour, so the form cannot be used to flood someone's inbox.
    if crate::core::throttle::take_quota(
        store,
        &format!("reset-mail:{}", user.id),
        RESET_MAILS_PER_HOUR,
        Duration::hours(1),
        now,
    )
    .await
    .is_err()
    {
        audit::record(
            store,
            now,
            origin,
            AuditKind::PasswordResetRequested,
            Outcome::Denied,
            Some(&user.id),
            json!({ "reason": "quota" }),
        )
        .await?;
        return Ok(());
    }
    let token = issue(store, now, &user, TokenPurpose::PasswordReset, settings.reset_ttl).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::PasswordResetRequested,
        Outcome::Success,
        Some(&user.id),
        json!({}),
    )
    .await?;
    crate::core::notify::mail(
        notifier,
        &user,
        "password_reset",
        json!({
            "display_name": user.display_name,
            "username": user.username,
            "link": settings.link(&token),
            "minutes": settings.reset_ttl.num_minutes(),
        }),
    )
    .await
}

/// The link's purpose and user, if it can still be used. Does not use it up.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, token: &str) -> Result<(TokenPurpose, User)> {
    if token.is_empty() || token.len() > 128 {
        return Err(Error::InvalidLink);
    }
    let record = store
        .token_by_hash(&token_digest(token))
        .await?
        .ok_or(Error::InvalidLink)?;
    if record.used_at.is_some() || now >= record.expires_at {
        return Err(Error::InvalidLink);
    }
    let user = store.user_by_id(&record.user_id).await?.ok_or(Error::InvalidLink)?;
    if user.status != UserStatus::Active {
        return Err(Error::InvalidLink);
    }
    Ok((record.purpose, user))
}

/// Sets the new password through a link. The password is checked before the link is used up, so a
/// rejected password leaves the link valid; the link is then redeemed atomically with the change.
pub async fn complete(
    store: &dyn Store,
    passwords: &PasswordPool,
    now: DateTime<Utc>,
    origin: &Origin,
    token: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<User> {
    let (purpose, user) = check(store, now, token).await?;
    if new_password != confirmation {
        return Err(Error::invalid("The two passwords do not match."));
    }
    password::check_strength(new_password, &[&user.username, &user.email, &user.display_name])?;
    let hash = passwords.hash(new_password.to_string()).await?;
    let redeemed = store
        .redeem_password_token(
            &token_digest(token),
            &[
                TokenPurpose::PasswordReset,
                TokenPurpose::InitialSetup,
                TokenPurpose::Invitation,
            ],
            &hash,
            now,
        )
        .await?;
    if redeemed.as_deref() != Some(user.id.as_str()) {
        audit::record(
            store,
            now,
            origin,
            AuditKind::PasswordResetCompleted,
            Outcome::Failure,
            Some(&user.id),
            json!({ "reason": "link_already_used" }),
        )
        .await?;
        return Err(Error::InvalidLink);
    }
    crate::core::signin::trusted_devices::revoke_all(store, now, origin, &user.id, "password_reset").await?;
    // Proving the mailbox is how a user ends a password lockout (`lock`).
    super::lock::clear(store, now, origin, &user, "password_reset").await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::PasswordChanged,
        Outcome::Success,
        Some(&user.id),
        json!({
            "via": purpose, "all_sessions_ended": true,
        }),
    )
    .await?;
    Ok(user)
}

/// On a fresh installation (no administrator has a password yet), makes sure the first administrator
/// account exists and returns a one-time link with which it sets its password. No default password exists.
pub async fn bootstrap_first_admin(
    store: &dyn Store,
    passwords: &PasswordPool,
    now: DateTime<Utc>,
    settings: &LinkSettings,
    username: &str,
    email: &str,
) -> Result<Option<String>> {
    let origin = Origin {
        actor: "system:bootstrap".into(),
        ..Default::default()
    };
    let admin = match accounts::find(store, username).await {
        Ok(user) => user,
        Err(Error::NotFound(_)) => {
            if store.count_users_with_role("admin").await? > 0 {
                return Ok(None);
            }
            let request = accounts::NewAccount {
                username: username.into(),
                email: email.into(),
                display_name: Some("Administrator".into()),
                roles: vec!["admin".into()],
                source: Some(crate::core::provisioning::directory::AccountSource::Setup),
                ..Default::default()
            };
            match accounts::create(store, passwords, now, &origin, request).await {
                Ok(user) => user,
                // Another instance created it at the same moment.
                Err(Error::Conflict(_)) => accounts::find(store, username).await?,
                Err(other) => return Err(other),
            }
        }
        Err(other) => return Err(other),
    };
    if admin.password_hash.is_some() {
        return Ok(None);
    }
    let token = issue(store, now, &admin, TokenPurpose::InitialSetup, settings.setup_ttl).await?;
    audit::record(
        store,
        now,
        &origin,
        AuditKind::SetupLinkIssued,
        Outcome::Success,
        Some(&admin.id),
        json!({}),
    )
    .await?;
    Ok(Some(settings.link(&token)))
}
