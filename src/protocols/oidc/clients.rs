//! Registered relying parties. A confidential client's secret (256 random bits) is shown once and stored as a
//! SHA-256 digest, compared in constant time; redirect URIs are absolute, without fragments, and https except on
//! loopback hosts, at registration and at every later change. How a client presents itself to people (OIDC Dynamic
//! Client Registration's `client_name`, `logo_uri`, `policy_uri`, `tos_uri`) is checked the same way: a name of at
//! most 100 characters without control or text-direction characters, addresses that are https (http only on a
//! loopback host), without user name or password, at most 2048 bytes. Each refusal starts with the name of the
//! setting at fault (`redirect_uris: …`), which the admin API reports as the field; nothing is stored when any
//! setting is refused.
use chrono::{DateTime, Utc};
use url::Url;

use crate::core::audit::{self, AuditKind, Origin, Outcome};
use crate::core::oauth::{AuthMethod, Client, ClientSettings, EXTRA_SCOPES, ServiceRole};
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
    /// The name people are shown instead of the client id; empty or `None`: none.
    pub client_name: Option<String>,
    /// A logo shown on the consent page.
    pub logo_uri: Option<String>,
    /// The client's privacy policy and terms of service, linked from the consent page.
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// It must push its authorization requests to `/par` (RFC 9126).
    pub require_par: bool,
    /// Its token requests must carry a DPoP proof (RFC 9449): every token it receives is bound to its key.
    pub require_dpop: bool,
    /// The resource servers (RFC 8707, absolute URIs without a fragment) it may ask access tokens for.
    pub allowed_resources: Vec<String>,
}

/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest logo, policy or terms address, in bytes.
pub const MAX_PAGE_URI_BYTES: usize = 2048;

/// Characters that reorder text around them: a name holding them could read as another name.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A display name: trimmed; empty is none.
fn check_name(name: Option<&str>) -> Result<Option<String>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(format!(
            "client_name: A client's name has at most {MAX_NAME_CHARS} characters."
        )));
    }
    if name.chars().any(|c| c.is_control() || is_direction_mark(c)) {
        return Err(Error::invalid(
            "client_name: A client's name cannot hold control characters (line breaks, tabs) or text-direction marks.",
        ));
    }
    Ok(Some(name.to_string()))
}

/// A logo, policy or terms address for the setting `field`: trimmed, kept as given; empty is none.
fn check_page_uri(field: &str, uri: Option<&str>) -> Result<Option<String>> {
    let Some(uri) = uri.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        Error::invalid(format!(
            "{field}: '{}' is not a usable address (absolute, https unless on localhost, no user name or password, \
             at most {MAX_PAGE_URI_BYTES} bytes).",
            crate::core::model::truncate(uri, 256)
        ))
    };
    if uri.len() > MAX_PAGE_URI_BYTES {
        return Err(bad());
    }
    let url = Url::parse(uri).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let scheme_ok = match url.scheme() {
        "https" => url.host_str().is_some_and(|h| !h.is_empty()),
        "http" => loopback,
        _ => false,
    };
    if !scheme_ok || !url.username().is_empty() || url.password().is_some() {
        return Err(bad());
    }
    Ok(Some(uri.to_string()))
}

/// The four presentation settings, each checked.
struct Presentation {
    client_name: Option<String>,
    logo_uri: Option<String>,
    policy_uri: Option<String>,
    tos_uri: Option<String>,
}

fn check_presentation(
    client_name: Option<&str>,
    logo_uri: Option<&str>,
    policy_uri: Option<&str>,
    tos_uri: Option<&str>,
) -> Result<Presentation> {
    Ok(Presentation {
        client_name: check_name(client_name)?,
        logo_uri: check_page_uri("logo_uri", logo_uri)?,
        policy_uri: check_page_uri("policy_uri", policy_uri)?,
        tos_uri: check_page_uri("tos_uri", tos_uri)?,
    })
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
    let (redirect_uris, post_logout) = check_redirects(&new.redirect_uris, &new.post_logout_redirect_uris)?;
    let allowed_resources = check_resources(&new.allowed_resources)?;
    let presentation = check_presentation(
        new.client_name.as_deref(),
        new.logo_uri.as_deref(),
        new.policy_uri.as_deref(),
        new.tos_uri.as_deref(),
    )?;
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
                "service_role: unknown role '{}': use admin, helpdesk, auditor, scim or ssf.",
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
        client_name: presentation.client_name,
        logo_uri: presentation.logo_uri,
        policy_uri: presentation.policy_uri,
        tos_uri: presentation.tos_uri,
        require_par: new.require_par,
        require_dpop: new.require_dpop,
        allowed_resources,
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
            "client_name": client.client_name, "require_par": client.require_par,
            "require_dpop": client.require_dpop, "allowed_resources": client.allowed_resources,
        }),
    )
    .await?;
    Ok((client, secret))
}

/// Both redirect lists, each URI checked as at registration.
fn check_redirects(
    redirect_uris: &[String],
    post_logout_redirect_uris: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let check = |field: &str, list: &[String]| {
        if list.len() > MAX_REDIRECT_URIS {
            return Err(Error::invalid(format!("{field}: at most {MAX_REDIRECT_URIS} URIs.")));
        }
        list.iter()
            .map(|u| check_redirect(field, u))
            .collect::<Result<Vec<_>>>()
    };
    Ok((
        check("redirect_uris", redirect_uris)?,
        check("post_logout_redirect_uris", post_logout_redirect_uris)?,
    ))
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

/// What `update` changes. A list: `None` keeps the current one, an empty list clears it. A presentation setting:
/// `None` keeps it, `Some(None)` or an empty text removes it.
#[derive(Clone, Debug, Default)]
pub struct ClientChanges {
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub client_name: Option<Option<String>>,
    pub logo_uri: Option<Option<String>>,
    pub policy_uri: Option<Option<String>>,
    pub tos_uri: Option<Option<String>>,
    /// `None` keeps whether the client must use PAR.
    pub require_par: Option<bool>,
    /// `None` keeps whether the client must send DPoP proofs.
    pub require_dpop: Option<bool>,
    /// `None` keeps the resources it may ask tokens for; a list replaces them.
    pub allowed_resources: Option<Vec<String>>,
}

/// The most resources one client may be allowed.
const MAX_RESOURCES: usize = 100;

/// Resource indicators a client may be allowed (RFC 8707 §2): absolute URIs without a fragment, sorted, no repeats.
fn check_resources(resources: &[String]) -> Result<Vec<String>> {
    if resources.len() > MAX_RESOURCES {
        return Err(Error::invalid(format!(
            "allowed_resources: At most {MAX_RESOURCES} resources."
        )));
    }
    if let Some(bad) = resources.iter().find(|r| !super::resources::is_resource_uri(r)) {
        return Err(Error::invalid(format!(
            "allowed_resources: '{}' is not an absolute URI without a fragment.",
            crate::core::model::truncate(bad, 256)
        )));
    }
    let mut resources = resources.to_vec();
    resources.sort();
    resources.dedup();
    Ok(resources)
}

/// Changes a client's redirect URIs, post-logout redirect URIs, presentation and whether it must use PAR, checked as at registration (a
/// client with the authorization_code grant keeps at least one redirect URI); all or nothing. Audited
/// (`client.updated`) with the settings before and after; nothing is stored or audited when nothing changes.
/// Returns the client as it is now.
pub async fn update(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    client_id: &str,
    changes: ClientChanges,
) -> Result<Client> {
    let not_found = || Error::NotFound(format!("client '{}'", crate::core::model::truncate(client_id, 128)));
    let mut client = store.client(client_id).await?.ok_or_else(not_found)?;
    let before = client.settings();
    let (redirect_uris, post_logout_redirect_uris) = check_redirects(
        changes.redirect_uris.as_deref().unwrap_or(&before.redirect_uris),
        changes
            .post_logout_redirect_uris
            .as_deref()
            .unwrap_or(&before.post_logout_redirect_uris),
    )?;
    check_code_flow_redirects(&client.grants, &redirect_uris)?;
    let pick = |change: &Option<Option<String>>, current: &Option<String>| match change {
        None => current.clone(),
        Some(value) => value.clone(),
    };
    let presentation = check_presentation(
        pick(&changes.client_name, &before.client_name).as_deref(),
        pick(&changes.logo_uri, &before.logo_uri).as_deref(),
        pick(&changes.policy_uri, &before.policy_uri).as_deref(),
        pick(&changes.tos_uri, &before.tos_uri).as_deref(),
    )?;
    let after = ClientSettings {
        redirect_uris,
        post_logout_redirect_uris,
        client_name: presentation.client_name,
        logo_uri: presentation.logo_uri,
        policy_uri: presentation.policy_uri,
        tos_uri: presentation.tos_uri,
        require_par: changes.require_par.unwrap_or(before.require_par),
        require_dpop: changes.require_dpop.unwrap_or(before.require_dpop),
        allowed_resources: match &changes.allowed_resources {
            Some(resources) => check_resources(resources)?,
            None => before.allowed_resources.clone(),
        },
    };
    if after == before {
        return Ok(client);
    }
    if !store.set_client_settings(client_id, &before, &after).await? {
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
    client.client_name = after.client_name;
    client.logo_uri = after.logo_uri;
    client.policy_uri = after.policy_uri;
    client.tos_uri = after.tos_uri;
    client.require_par = after.require_par;
    client.require_dpop = after.require_dpop;
    client.allowed_resources = after.allowed_resources;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_plain() {
        assert_eq!(check_name(Some("  Wiki  ")).unwrap().as_deref(), Some("Wiki"));
        assert_eq!(check_name(Some("   ")).unwrap(), None);
        assert_eq!(check_name(None).unwrap(), None);
        assert!(check_name(Some(&"é".repeat(MAX_NAME_CHARS))).is_ok());
        assert!(check_name(Some(&"é".repeat(MAX_NAME_CHARS + 1))).is_err());
        for bad in ["Wi\nki", "Wiki\u{7}", "Wiki\u{202e}ikiW", "a\u{2066}b"] {
            let e = check_name(Some(bad)).unwrap_err().to_string();
            assert!(e.starts_with("client_name: "), "{e}");
        }
    }

    #[test]
    fn page_addresses_are_https_or_local_http() {
        for good in [
            "https://wiki.example.com/logo.png",
            "https://wiki.example.com:8443/privacy#data",
            "http://localhost:8080/logo.svg",
            "http://127.0.0.1/terms",
            "http://[::1]:9/x",
        ] {
            assert_eq!(check_page_uri("logo_uri", Some(good)).unwrap().as_deref(), Some(good));
        }
        assert_eq!(check_page_uri("logo_uri", Some(" ")).unwrap(), None);
        let long = format!("https://example.com/{}", "a".repeat(MAX_PAGE_URI_BYTES));
        for bad in [
            "http://wiki.example.com/logo.png",
            "ftp://example.com/logo.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "/logo.png",
            "https://user:pw@example.com/logo.png",
            "https://user@example.com/logo.png",
            long.as_str(),
        ] {
            let e = check_page_uri("tos_uri", Some(bad)).unwrap_err().to_string();
            assert!(e.starts_with("tos_uri: "), "{bad}: {e}");
        }
    }
}
