//! Registered relying parties. A confidential client's secret (256 random bits) is shown once and stored as a
//! SHA-256 digest, compared in constant time; redirect URIs are absolute, without fragments, and https except on
//! loopback hosts.
use chrono::{DateTime, Utc};
use url::Url;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::oauth::{AuthMethod, Client, EXTRA_SCOPES, ServiceRole};
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
    let bad = |why: &str| Error::invalid(format!("The client's JWKS is not usable: {why}."));
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
/// What a client gets when no `--grant` is given: the sign-in grants (service accounts ask for client_credentials).
const DEFAULT_GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];

fn check_redirect(uri: &str) -> Result<String> {
    let bad = || {
        Error::invalid(format!(
            "'{uri}' is not a usable redirect URI (absolute, no fragment, https unless on a loopback host)."
        ))
    };
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
        return Err(Error::invalid("A client id has 1 to 128 of a-z A-Z 0-9 - _ . :"));
    }
    let redirect_uris = new
        .redirect_uris
        .iter()
        .map(|u| check_redirect(u))
        .collect::<Result<Vec<_>>>()?;
    let post_logout = new
        .post_logout_redirect_uris
        .iter()
        .map(|u| check_redirect(u))
        .collect::<Result<Vec<_>>>()?;
    let auth_method = match new.auth_method.as_deref() {
        Some(text) => AuthMethod::parse(text).ok_or_else(|| {
            Error::invalid(format!(
                "Unknown auth method '{text}': use client_secret_basic, client_secret_post, private_key_jwt or none."
            ))
        })?,
        None if new.public => AuthMethod::None,
        None => AuthMethod::ClientSecretBasic,
    };
    let jwks = new.jwks.as_deref().map(check_jwks).transpose()?;
    if (auth_method == AuthMethod::PrivateKeyJwt) != jwks.is_some() {
        return Err(Error::invalid(
            "private_key_jwt needs the client's public keys (--jwks), and only it uses them.",
        ));
    }
    let signing_alg = new
        .signing_alg
        .clone()
        .unwrap_or_else(|| super::keys::ALGORITHMS[0].to_string());
    if !super::keys::ALGORITHMS.contains(&signing_alg.as_str()) {
        return Err(Error::invalid(format!(
            "Unknown signing algorithm '{signing_alg}': use {}.",
            super::keys::ALGORITHMS.join(", ")
        )));
    }
    let backchannel_logout_uri = new.backchannel_logout_uri.as_deref().map(check_redirect).transpose()?;
    if let Some(level) = &new.min_acr
        && !crate::core::policy::assurance::ALL.contains(&level.as_str())
    {
        return Err(Error::invalid(format!(
            "Unknown assurance level '{level}' for --min-acr: use {}.",
            crate::core::policy::assurance::ALL.join(", ")
        )));
    }
    if new.public != (auth_method == AuthMethod::None) {
        return Err(Error::invalid(
            "Public clients use --auth-method none, and only they do.",
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
            "The grant '{unknown}' is not available yet; available: {}.",
            GRANTS.join(", ")
        )));
    }
    // Only the code flow redirects; a device-flow CLI or a service account has nowhere to be sent back to.
    if new.redirect_uris.is_empty() && grants.iter().any(|g| g == "authorization_code") {
        return Err(Error::invalid(
            "At least one --redirect-uri is needed for the authorization_code grant.",
        ));
    }
    // Public clients may use the device grant: like the code flow with PKCE, it needs no client secret (RFC 8628 §3.1).
    if new.public && grants.iter().any(|g| g == "client_credentials") {
        return Err(Error::invalid(
            "client_credentials needs a confidential client (one with a secret).",
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
            "scopes: '{}' cannot be allowed; available: {}.",
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
