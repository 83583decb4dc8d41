//! Static bearer tokens for provisioning systems. Most HR systems and directories (Entra ID's "Secret Token",
//! Okta's "HTTP Header" authentication, Workday) can only send a long-lived secret, not run an OAuth flow; so
//! beside `client_credentials` tokens of a client with the service role `scim`, an operator may create a named
//! static token (`gatehouse scim token create NAME`). Only its SHA-256 digest is stored (the token carries 256
//! bits of randomness, so a fast digest is safe); it is shown once, listed by name with its last use, and
//! revocable. The look-up is by digest, so no comparison of secrets happens outside the database's index.
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::directory::ScimToken;
use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::secrets::{random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result};

/// Every static token starts with this, so a leaked one is recognisable (secret scanners) and is never mistaken
/// for an OAuth access token.
pub const PREFIX: &str = "ghscim_";

/// How often a token's "last used" time is written: at most once a minute, so a sync of thousands of requests
/// does not write once per request.
const TOUCH_EVERY: i64 = 60;

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "A token name has 1 to 64 of a-z 0-9 . _ - (e.g. entra-prod).",
        ))
    }
}

/// Creates a token named `name`; the token itself, which is never shown again.
pub async fn create(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, name: &str) -> Result<(ScimToken, String)> {
    check_name(name)?;
    let secret = format!("{PREFIX}{}", random_token());
    let token = ScimToken {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
        token_hash: token_digest(&secret),
        created_at: now,
        created_by: origin.actor.clone(),
        last_used_at: None,
        revoked_at: None,
    };
    store.insert_scim_token(&token).await.map_err(|e| match e {
        Error::Conflict(_) => Error::Conflict(format!("A SCIM token named '{name}' exists already.")),
        other => other,
    })?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::DirectoryTokenChanged,
        Outcome::Success,
        None,
        json!({ "token": name, "change": "created" }),
    )
    .await?;
    Ok((token, secret))
}

pub async fn revoke(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, name: &str) -> Result<()> {
    if !store.revoke_scim_token(name, now).await? {
        return Err(Error::NotFound(format!(
            "SCIM token '{}'",
            crate::core::model::truncate(name, 64)
        )));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::DirectoryTokenChanged,
        Outcome::Success,
        None,
        json!({ "token": name, "change": "revoked" }),
    )
    .await
}

/// The unrevoked token `bearer` is, if any (its last use recorded).
pub async fn authenticate(store: &dyn Store, now: DateTime<Utc>, bearer: &str) -> Result<Option<ScimToken>> {
    if !bearer.starts_with(PREFIX) || bearer.len() > 128 {
        return Ok(None);
    }
    let Some(token) = store.scim_token_by_hash(&token_digest(bearer)).await? else {
        return Ok(None);
    };
    if token.revoked_at.is_some() {
        return Ok(None);
    }
    if token
        .last_used_at
        .is_none_or(|at| now - at >= Duration::seconds(TOUCH_EVERY))
    {
        store.touch_scim_token(&token.id, now).await?;
    }
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn names_are_short_plain_words() {
        assert!(check_name("entra-prod").is_ok());
        assert!(check_name("okta_1.test").is_ok());
        for bad in ["", "Entra", "with space", "ü", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
