//! The applications (OIDC clients) a user let in: those they consented to, and those holding a live refresh
//! family for them (a trusted client needs no consent but still holds tokens). Taking one back removes the
//! consent and revokes every refresh family (`offline_access` too) and access token that client holds for the
//! user, in one store transaction (`OidcStore::revoke_consent`), audited as `oidc.consent_revoked`; the client's
//! next refresh fails and its next sign-in asks for consent again.
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::model::{User, truncate};
use crate::core::store::{ConsentRevocation, Store};
use crate::core::{Error, Result};

/// One application the user let in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConnectedApp {
    pub client_id: String,
    /// What the user allowed (the consent's scopes, then any further ones its live grants hold), once each.
    pub scopes: Vec<String>,
    /// When the user last allowed it; `None` for a trusted client, used without consent.
    pub consented_at: Option<DateTime<Utc>>,
    /// When its newest usable refresh token was issued (a sign-in or a refresh); `None` without one.
    pub last_token_at: Option<DateTime<Utc>>,
    /// How many refresh families it holds for the user.
    pub grants: usize,
    /// Whether one of them works while the user is signed out (`offline_access`).
    pub offline: bool,
}

fn add_scopes(scopes: &mut Vec<String>, scope: &str) {
    for s in scope.split_whitespace() {
        if !scopes.iter().any(|have| have == s) {
            scopes.push(s.to_string());
        }
    }
}

/// The applications the user consented to or that hold a live refresh family for them, by client id.
pub async fn connected_apps(store: &dyn Store, now: DateTime<Utc>, user: &User) -> Result<Vec<ConnectedApp>> {
    let mut apps: Vec<ConnectedApp> = store
        .consents_of_user(&user.id)
        .await?
        .into_iter()
        .map(|c| {
            let mut scopes = Vec::new();
            add_scopes(&mut scopes, &c.scope);
            ConnectedApp {
                client_id: c.client_id,
                scopes,
                consented_at: Some(c.created_at),
                last_token_at: None,
                grants: 0,
                offline: false,
            }
        })
        .collect();
    for live in store.live_grants_of_user(&user.id, now).await? {
        let index = match apps.iter().position(|a| a.client_id == live.client_id) {
            Some(i) => i,
            None => {
                apps.push(ConnectedApp {
                    client_id: live.client_id.clone(),
                    scopes: Vec::new(),
                    consented_at: None,
                    last_token_at: None,
                    grants: 0,
                    offline: false,
                });
                apps.len() - 1
            }
        };
        let app = &mut apps[index];
        add_scopes(&mut app.scopes, &live.grant.scope);
        app.grants += 1;
        app.offline |= live.grant.offline();
        app.last_token_at = app.last_token_at.max(Some(live.issued_at));
    }
    apps.sort_by(|a, b| a.client_id.cmp(&b.client_id));
    Ok(apps)
}

/// Takes back what the user gave `client_id`: the consent, and every token the client holds for them.
/// `Error::NotFound` when there was neither.
pub async fn revoke_app(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    user: &User,
    client_id: &str,
) -> Result<ConsentRevocation> {
    let client_id = client_id.trim();
    let revoked = store.revoke_consent(&user.id, client_id, now).await?;
    if !revoked.consent_removed && revoked.tokens_revoked == 0 {
        return Err(Error::NotFound(format!(
            "application '{}' connected to {}",
            truncate(client_id, 64),
            user.username
        )));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::OidcConsentRevoked,
        Outcome::Success,
        Some(&user.id),
        json!({
            "client_id": client_id, "consent_removed": revoked.consent_removed,
            "tokens_revoked": revoked.tokens_revoked,
        }),
    )
    .await?;
    Ok(revoked)
}
