//! Registered relying parties. A confidential client's secret (256 random bits) is shown once and stored as a
//! SHA-256 digest, compared in constant time; redirect URIs are absolute, without fragments, and https except on
//! loopback hosts, at registration and at every later change. Each refusal starts with the name of the setting at
//! fault (`redirect_uris: …`), which the admin API reports as the field.
use chrono::{DateTime, Utc};
use url::Url;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::oauth::{AuthMethod, Client, ClientRedirects, EXTRA_SCOPES, ServiceRole};
use crate::core::secrets::{constant_time_eq, random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result};

#[derive(Default)]
pub struct NewClient {
    pub client_id: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    pub auth_method: Option<String>,
    pub grants: Vec<String>,
    pub trusted: bool,
    /// ES256 (default), RS256 or EdDSA.
    pub signing_alg: Option<String>,
    /// A JWK Set (JSON text) with the client's public keys, for private_key_jwt.
    pub jwks: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    /// A level from `core::policy::assurance::ALL` every authorization must reach.
    pub min_acr: Option<String>,
    /// `admin`, `helpdesk` or `auditor`: the role this client's `client_credentials` tokens act with at the admin API.
    pub service_role: Option<String>,
    /// Scopes beyond OpenID's it may ask for on a person's behalf (`gatehouse:admin`).
    pub extra_scopes: Vec<String>,
}

/// A client's JWK Set: public asymmetric keys only (never `oct`, never private parts), at most 10.
fn check_jwks(text: &str) -> Result<serde_json::Value> {
    let bad = |why: &str| Error::invalid(format!("jwks: The client's JWKS is not usable: {why}."));
    if text.len() > 16 * 1024 {
        return Err(bad("larger than 16 KiB"));
    }
    let jwks: serde_json::Value = serde_json::from_str(text).map_err(|_| bad("not JSON"))?;
    let keys = jwks["keys"].as_array().ok_or_else(|| bad("no \"keys\" array"))?;
    if keys.is_empty() || keys.len() > 10 {
        return Err(bad("it must hold 1 to 10 keys"));
    }
    for key in keys {
        if !matches!(key["kty"].as_str(), Some("RSA" | "EC" | "OKP")) {
            return Err(bad("only RSA, EC and OKP public keys are accepted"));
        }
        if key.get("d").is_some() {
            return Err(bad("it holds a private key: register the public half only"));
        }
        if super::keys::public_key(key).is_none() {
            return Err(bad("a key cannot be read"));
        }
    }
    Ok(serde_json::json!({ "keys": keys }))
}

/// Grants this provider implements.
pub use super::grants::SUPPORTED as GRANTS;
/// More redirect URIs than any real client has: a bound on what one client stores.
const MAX_REDIRECT_URIS: usize = 100;
/// What a client gets when no `--grant` is given: the sign-in grants (service accounts ask for client_credentials).
const DEFAULT_GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];

/// A redirect URI for the setting `field`, kept exactly as given.
fn check_redirect(field: &str, uri: &str) -> Result<String> {
    let bad = || {
        Error::invalid(format!(
            "{field}: '{}' is not a usable redirect URI (absolute, no fragment, https unless on a loopback host).",
            crate::core::model::truncate(uri, 256)
        ))
    };
    if uri.len() > 2048 {
        return Err(bad());
    }
    let url = Url::parse(uri).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    // https anywhere; http only on loopback (RFC 8252 §7.3); private-use schemes such as com.example.app:/cb (§7.1).
    let scheme_ok = match url.scheme() {
        "https" => true,
        "http" => loopback,
        scheme => scheme.contains('.'),
    };
    if !scheme_ok || url.fragment().is_some() {
        return Err(bad());
    }
    // Kept exactly as registered: comparison at /authorize is by exact string.
    Ok(uri.to_string())
}

/// Registers a client; returns it and, for confidential clients, the secret (shown once).
pub async fn register(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    new: NewClient,
) -> Result<(Client, Option<String>)> {
    let id = new.client_id.trim();
    if id.is_empty() || id.len() > 128 || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c)) {
        return Err(Error::invalid(
            "client_id: A client id has 1 to 128 of a-z A-Z 0-9 - _ . :",
        ));
    }
    let ClientRedirects {
        redirect_uris,
        post_logout_redirect_uris: post_logout,
    } = check_redirects(&new.redirect_uris, &new.post_logout_redirect_uris)?;
    let auth_method = match new.auth_method.as_deref() {
        Some(text) => AuthMethod::parse(text).ok_or_else(|| {
            Error::invalid(format!(
                "auth_method: Unknown auth method '{}': use client_secret_basic, client_secret_post, \
                 private_key_jwt or none.",
                crate::core::model::truncate(text, 32)
            ))
        })?,
        None if new.public => AuthMethod::None,
        None => AuthMethod::ClientSecretBasic,
    };
    let jwks = new.jwks.as_deref().map(check_jwks).transpose()?;
    if (auth_method == AuthMethod::PrivateKeyJwt) != jwks.is_some() {
        return Err(Error::invalid(
            "jwks: private_key_jwt needs the client's public keys (--jwks), and only it uses them.",
        ));
    }
    let signing_alg = new
        .signing_alg
        .clone()
        .unwrap_or_else(|| super::keys::ALGORITHMS[0].to_string());
    if !super::keys::ALGORITHMS.contains(&signing_alg.as_str()) {
        return Err(Error::invalid(format!(
            "signing_alg: Unknown signing algorithm '{}': use {}.",
            crate::core::model::truncate(&signing_alg, 32),
            super::keys::ALGORITHMS.join(", ")
        )));
    }
    let backchannel_logout_uri = new
        .backchannel_logout_uri
        .as_deref()
        .map(|uri| check_redirect("backchannel_logout_uri", uri))
        .transpose()?;
    if let Some(level) = &new.min_acr
        && !crate::core::policy::assurance::ALL.contains(&level.as_str())
    {
        return Err(Error::invalid(format!(
            "min_acr: Unknown assurance level '{}' for --min-acr: use {}.",
            crate::core::model::truncate(level, 64),
            crate::core::policy::assurance::ALL.join(", ")
        )));
    }
    if new.public != (auth_method == AuthMethod::None) {
        return Err(Error::invalid(
            "auth_method: Public clients use --auth-method none, and only they do.",
        ));
    }
    // Refresh tokens rotate, so public clients may have them too.
    let grants: Vec<String> = if new.grants.is_empty() {
        DEFAULT_GRANTS.iter().map(|g| g.to_string()).collect()
    } else {
        new.grants.clone()
    };
    if let Some(unknown) = grants.iter().find(|g| !GRANTS.contains(&g.as_str())) {
        return Err(Error::invalid(format!(
            "grants: The grant '{}' is not available yet; available: {}.",
            crate::core::model::truncate(unknown, 64),
            GRANTS.join(", ")
        )));
    }
    check_code_flow_redirects(&grants, &redirect_uris)?;
    // Public clients may use the device grant: like the code flow with PKCE, it needs no client secret (RFC 8628 §3.1).
    if new.public && grants.iter().any(|g| g == "client_credentials") {
        return Err(Error::invalid(
            "grants: client_credentials needs a confidential client (one with a secret).",
        ));
    }
    let service_role = match new.service_role.as_deref() {
        Some(text) => Some(ServiceRole::parse(text).ok_or_else(|| {
            Error::invalid(format!(
                "service_role: unknown role '{}': use admin, helpdesk or auditor.",
                crate::core::model::truncate(text, 32)
            ))
        })?),
        None => None,
    };
    if service_role.is_some() && !grants.iter().any(|g| g == "client_credentials") {
        return Err(Error::invalid(
            "service_role: a service role acts through client_credentials tokens: add --grant client_credentials.",
        ));
    }
    let mut extra_scopes = new.extra_scopes.clone();
    extra_scopes.sort();
    extra_scopes.dedup();
    if let Some(unknown) = extra_scopes.iter().find(|s| !EXTRA_SCOPES.contains(&s.as_str())) {
        return Err(Error::invalid(format!(
            "extra_scopes: '{}' cannot be allowed; available: {}.",
            crate::core::model::truncate(unknown, 64),
            EXTRA_SCOPES.join(", ")
        )));
    }
    let secret = (!new.public && auth_method != AuthMethod::PrivateKeyJwt).then(random_token);
    let client = Client {
        client_id: id.to_string(),
        secret_hash: secret.as_deref().map(token_digest),
        public: new.public,
        redirect_uris,
        post_logout_redirect_uris: post_logout,
        auth_method,
        grants,
        trusted: new.trusted,
        created_at: now,
        signing_alg,
        jwks,
        backchannel_logout_uri,
        min_acr: new.min_acr.clone(),
        service_role,
        extra_scopes,
    };
    store.insert_client(&client).await?;
    audit::record(
        store,
        now,
        origin,
        AuditKind::ClientRegistered,
        Outcome::Success,
        None,
        serde_json::json!({
            "client_id": client.client_id, "grants": client.grants,
            "service_role": client.service_role, "extra_scopes": client.extra_scopes,
        }),
    )
    .await?;
    Ok((client, secret))
}

/// Both redirect lists, each URI checked as at registration.
fn check_redirects(redirect_uris: &[String], post_logout_redirect_uris: &[String]) -> Result<ClientRedirects> {
    let check = |field: &str, list: &[String]| {
        if list.len() > MAX_REDIRECT_URIS {
            return Err(Error::invalid(format!("{field}: at most {MAX_REDIRECT_URIS} URIs.")));
        }
        list.iter()
            .map(|u| check_redirect(field, u))
            .collect::<Result<Vec<_>>>()
    };
    Ok(ClientRedirects {
        redirect_uris: check("redirect_uris", redirect_uris)?,
        post_logout_redirect_uris: check("post_logout_redirect_uris", post_logout_redirect_uris)?,
    })
}

/// Only the code flow redirects; a device-flow CLI or a service account has nowhere to be sent back to.
fn check_code_flow_redirects(grants: &[String], redirect_uris: &[String]) -> Result<()> {
    if redirect_uris.is_empty() && grants.iter().any(|g| g == "authorization_code") {
        return Err(Error::invalid(
            "redirect_uris: At least one --redirect-uri is needed for the authorization_code grant.",
        ));
    }
    Ok(())
}

/// What `update` changes; `None` keeps the current list, an empty list clears it.
#[derive(Clone, Debug, Default)]
pub struct RedirectChanges {
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
}

/// Changes a client's redirect URIs and post-logout redirect URIs, checked as at registration (a client with the
/// authorization_code grant keeps at least one redirect URI). Audited (`client.updated`) with the lists before
/// and after; nothing is stored or audited when nothing changes. Returns the client as it is now.
pub async fn update(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    client_id: &str,
    changes: RedirectChanges,
) -> Result<Client> {
    let not_found = || Error::NotFound(format!("client '{}'", crate::core::model::truncate(client_id, 128)));
    let mut client = store.client(client_id).await?.ok_or_else(not_found)?;
    let before = client.redirects();
    let after = check_redirects(
        changes.redirect_uris.as_deref().unwrap_or(&before.redirect_uris),
        changes
            .post_logout_redirect_uris
            .as_deref()
            .unwrap_or(&before.post_logout_redirect_uris),
    )?;
    check_code_flow_redirects(&client.grants, &after.redirect_uris)?;
    if after == before {
        return Ok(client);
    }
    if !store.set_client_redirects(client_id, &before, &after).await? {
        return Err(match store.client(client_id).await? {
            None => not_found(),
            Some(_) => Error::Conflict(format!(
                "The client '{}' was changed by someone else meanwhile: read it again and retry.",
                crate::core::model::truncate(client_id, 128)
            )),
        });
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::ClientUpdated,
        Outcome::Success,
        None,
        serde_json::json!({ "client_id": client_id, "before": before, "after": after }),
    )
    .await?;
    client.redirect_uris = after.redirect_uris;
    client.post_logout_redirect_uris = after.post_logout_redirect_uris;
    Ok(client)
}

pub async fn rotate_secret(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, client_id: &str) -> Result<String> {
    let secret = random_token();
    if !store.set_client_secret(client_id, &token_digest(&secret)).await? {
        return Err(Error::NotFound(format!("confidential client '{client_id}'")));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::ClientSecretRotated,
        Outcome::Success,
        None,
        serde_json::json!({ "client_id": client_id }),
    )
    .await?;
    Ok(secret)
}

/// Removes a client. Its issued tokens stop at their next check (refresh, introspection, the admin API).
pub async fn remove(store: &dyn Store, now: DateTime<Utc>, origin: &Origin, client_id: &str) -> Result<()> {
    if !store.delete_client(client_id).await? {
        return Err(Error::NotFound(format!(
            "client '{}'",
            crate::core::model::truncate(client_id, 128)
        )));
    }
    audit::record(
        store,
        now,
        origin,
        AuditKind::ClientRemoved,
        Outcome::Success,
        None,
        serde_json::json!({ "client_id": client_id }),
    )
    .await
}

pub fn secret_matches(client: &Client, secret: &str) -> bool {
    client
        .secret_hash
        .as_deref()
        .is_some_and(|hash| constant_time_eq(hash.as_bytes(), token_digest(secret).as_bytes()))
}
