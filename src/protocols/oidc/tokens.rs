//! The token endpoint (authorization_code and refresh_token grants), the tokens it issues, userinfo,
//! revocation and introspection.
//!
//! A code is redeemed by one conditional UPDATE: of concurrent redemptions exactly one succeeds, and any replay
//! revokes what the first issued (RFC 6749 §4.1.2). Codes are bound to the client, the redirect URI and the PKCE
//! challenge. ID tokens and access tokens (RFC 9068, `typ: at+jwt`) are ES256 JWTs; access tokens are recorded
//! by `jti` so they can be revoked.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{clients, keys};
use crate::core::audit::{self, Origin, Outcome};
use crate::core::crypto::Sealer;
use crate::core::model::{User, UserStatus};
use crate::core::oauth::{AuthMethod, Client, Redemption, RefreshGrant, RefreshUse};
use crate::core::secrets::{constant_time_eq, random_token, token_digest};
use crate::core::store::Store;
use crate::core::{Error, Result};

pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(10);
pub const ID_TOKEN_LIFETIME: Duration = Duration::minutes(10);

#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    /// Revocation and introspection.
    pub token: Option<String>,
    pub token_type_hint: Option<String>,
}

/// How the client presented itself.
#[derive(Debug, Default)]
pub struct Presented {
    /// From `Authorization: Basic`.
    pub basic: Option<(String, String)>,
}

/// RFC 6749 §5.2 errors.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    InvalidRequest(String),
    /// `basic`: the client tried HTTP Basic, so the answer is 401 with `WWW-Authenticate`.
    InvalidClient {
        basic: bool,
    },
    InvalidGrant(String),
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    Server(String),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        TokenError::Server(e.to_string())
    }
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::InvalidRequest(_) => "invalid_request",
            TokenError::InvalidClient { .. } => "invalid_client",
            TokenError::InvalidGrant(_) => "invalid_grant",
            TokenError::UnauthorizedClient => "unauthorized_client",
            TokenError::UnsupportedGrantType => "unsupported_grant_type",
            TokenError::InvalidScope => "invalid_scope",
            TokenError::Server(_) => "server_error",
        }
    }

    pub fn description(&self) -> String {
        match self {
            TokenError::InvalidRequest(d) | TokenError::InvalidGrant(d) => d.clone(),
            TokenError::InvalidClient { .. } => "Client authentication failed.".into(),
            TokenError::UnauthorizedClient => "This client may not use this grant.".into(),
            TokenError::UnsupportedGrantType => {
                "Supported: authorization_code, refresh_token, client_credentials.".into()
            }
            TokenError::InvalidScope => "The scope asked for exceeds what was granted.".into(),
            TokenError::Server(_) => "The server could not complete the request.".into(),
        }
    }
}

fn authenticate(client: &crate::core::oauth::Client, presented: &Presented, request: &TokenRequest) -> bool {
    match client.auth_method {
        AuthMethod::ClientSecretBasic => presented
            .basic
            .as_ref()
            .is_some_and(|(id, secret)| *id == client.client_id && clients::secret_matches(client, secret)),
        AuthMethod::ClientSecretPost => {
            presented.basic.is_none()
                && request
                    .client_secret
                    .as_deref()
                    .is_some_and(|secret| clients::secret_matches(client, secret))
        }
        AuthMethod::None => presented.basic.is_none() && request.client_secret.is_none(),
    }
}

fn verifier_matches(challenge: &str, verifier: &str) -> bool {
    let valid = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    valid
        && constant_time_eq(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())).as_bytes(),
            challenge.as_bytes(),
        )
}

/// The left half of the SHA-256 of the access token (OIDC Core §3.1.3.6).
fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

/// Claims released for the granted scopes.
pub fn scoped_claims(user: &User, roles: &[String], scope: &str) -> Map<String, Value> {
    let mut claims = Map::new();
    let has = |s: &str| scope.split_whitespace().any(|g| g == s);
    if has("profile") {
        claims.insert("name".into(), user.display_name.clone().into());
        claims.insert("preferred_username".into(), user.username.clone().into());
        claims.insert("updated_at".into(), user.updated_at.timestamp().into());
    }
    if has("email") {
        claims.insert("email".into(), user.email.clone().into());
        claims.insert("email_verified".into(), false.into());
    }
    if has("phone")
        && let Some(phone) = &user.phone
    {
        claims.insert("phone_number".into(), phone.clone().into());
    }
    if has("roles") {
        claims.insert("roles".into(), roles.to_vec().into());
    }
    claims
}

/// Refresh-token families end this long after the sign-in that started them, however often they are used.
pub const REFRESH_FAMILY_LIFETIME: Duration = Duration::days(30);

/// Authenticates the calling client by its registered method (token, revocation and introspection endpoints).
pub async fn authenticate_client(
    store: &dyn Store,
    now: DateTime<Utc>,
    origin: &Origin,
    presented: &Presented,
    request: &TokenRequest,
) -> std::result::Result<Client, TokenError> {
    let client_id = match (&presented.basic, &request.client_id) {
        (Some((basic_id, _)), Some(form_id)) if basic_id != form_id => {
            return Err(TokenError::InvalidRequest("Two different client ids.".into()));
        }
        (Some((id, _)), _) => id.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => return Err(TokenError::InvalidClient { basic: false }),
    };
    let client = store.client(&client_id).await?;
    match client.filter(|c| authenticate(c, presented, request)) {
        Some(client) => Ok(client),
        None => {
            audit::record(
                store,
                now,
                origin,
                "oidc.client_authentication",
                Outcome::Failure,
                None,
                json!({
                    "client_id": crate::core::model::truncate(&client_id, 64),
                }),
            )
            .await?;
            Err(TokenError::InvalidClient {
                basic: presented.basic.is_some(),
            })
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn exchange(
    store: &dyn Store,
    sealer: &Sealer,
    issuer: &str,
    now: DateTime<Utc>,
    origin: &Origin,
    presented: &Presented,
    request: &TokenRequest,
) -> std::result::Result<Value, TokenError> {
    let client = authenticate_client(store, now, origin, presented, request).await?;
    let grant_type = request
        .grant_type
        .as_deref()
        .ok_or_else(|| TokenError::InvalidRequest("grant_type is missing.".into()))?;
    if !clients::GRANTS.contains(&grant_type) {
        return Err(TokenError::UnsupportedGrantType);
    }
    if !client.grants.iter().any(|g| g == grant_type) {
        return Err(TokenError::UnauthorizedClient);
    }
    if grant_type == "refresh_token" {
        return refresh(store, sealer, issuer, now, origin, &client, request).await;
    }
    if grant_type == "client_credentials" {
        return client_credentials(store, sealer, issuer, now, origin, &client, request).await;
    }
    let code = request
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 128)
        .ok_or_else(|| TokenError::InvalidRequest("code is missing.".into()))?;
    let code_hash = token_digest(code);
    let (user_id, grant) = match store.redeem_code(&code_hash, now).await? {
        Redemption::Fresh {
            client_id: owner,
            user_id,
            grant,
        } if owner == client.client_id => (user_id, grant),
        Redemption::Fresh { .. } | Redemption::Invalid => {
            return Err(TokenError::InvalidGrant("The code is invalid or expired.".into()));
        }
        Redemption::Replayed => {
            let revoked = store.revoke_tokens_from_code(&code_hash, now).await?;
            audit::record(
                store,
                now,
                origin,
                "oidc.code_replayed",
                Outcome::Denied,
                None,
                json!({ "client_id": client.client_id, "tokens_revoked": revoked }),
            )
            .await?;
            return Err(TokenError::InvalidGrant(
                "The code was already used; tokens issued from it are revoked.".into(),
            ));
        }
    };
    if request.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err(TokenError::InvalidGrant(
            "redirect_uri does not match the authorization request.".into(),
        ));
    }
    match (&grant.code_challenge, request.code_verifier.as_deref()) {
        (Some(challenge), Some(verifier)) if verifier_matches(challenge, verifier) => {}
        (Some(_), _) => {
            return Err(TokenError::InvalidGrant(
                "The PKCE code_verifier does not match.".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(TokenError::InvalidGrant(
                "A code_verifier without a code_challenge.".into(),
            ));
        }
        (None, None) => {}
    }
    let user = active_user(store, &user_id).await?;
    let carried = RefreshGrant {
        scope: grant.scope,
        auth_time: grant.auth_time,
        amr: grant.amr,
        acr: grant.acr,
        sid: grant.sid,
    };
    let family = client
        .grants
        .iter()
        .any(|g| g == "refresh_token")
        .then(|| (random_token(), now + REFRESH_FAMILY_LIFETIME));
    let issued = Issue {
        code_hash: Some(&code_hash),
        nonce: grant.nonce.as_deref(),
        family: family.as_ref().map(|(id, until)| (id.as_str(), *until)),
    };
    let body = mint(store, sealer, issuer, now, &client, &user, &carried, issued).await?;
    audit::record(
        store,
        now,
        origin,
        "oidc.token",
        Outcome::Success,
        Some(&user.id),
        json!({ "client_id": client.client_id, "grant": "authorization_code" }),
    )
    .await?;
    Ok(body)
}

async fn active_user(store: &dyn Store, user_id: &str) -> std::result::Result<User, TokenError> {
    store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.status == UserStatus::Active)
        .ok_or_else(|| TokenError::InvalidGrant("The user is not active.".into()))
}

/// The refresh_token grant: rotation (a new refresh token each time), reuse detection (the family is revoked),
/// optional narrowing of the scope; never a factor prompt.
async fn refresh(
    store: &dyn Store,
    sealer: &Sealer,
    issuer: &str,
    now: DateTime<Utc>,
    origin: &Origin,
    client: &Client,
    request: &TokenRequest,
) -> std::result::Result<Value, TokenError> {
    let token = request
        .refresh_token
        .as_deref()
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(|| TokenError::InvalidRequest("refresh_token is missing.".into()))?;
    let (family_id, user_id, mut grant, family_expires_at) =
        match store.use_refresh_token(&token_digest(token), now).await? {
            RefreshUse::Fresh {
                family_id,
                client_id,
                user_id,
                grant,
                family_expires_at,
            } if client_id == client.client_id => (family_id, user_id, *grant, family_expires_at),
            RefreshUse::Fresh { .. } | RefreshUse::Invalid => {
                return Err(TokenError::InvalidGrant(
                    "The refresh token is invalid or expired.".into(),
                ));
            }
            RefreshUse::Reused { family_id } => {
                let revoked = store.revoke_family(&family_id, now).await?;
                audit::record(
                    store,
                    now,
                    origin,
                    "oidc.refresh_token_reused",
                    Outcome::Denied,
                    None,
                    json!({ "client_id": client.client_id, "tokens_revoked": revoked }),
                )
                .await?;
                return Err(TokenError::InvalidGrant(
                    "The refresh token was already used; its whole family is revoked.".into(),
                ));
            }
        };
    if let Some(requested) = request.scope.as_deref() {
        if !requested
            .split_whitespace()
            .all(|s| grant.scope.split_whitespace().any(|g| g == s))
        {
            return Err(TokenError::InvalidScope);
        }
        grant.scope = requested.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let user = active_user(store, &user_id).await?;
    let issued = Issue {
        code_hash: None,
        nonce: None,
        family: Some((family_id.as_str(), family_expires_at)),
    };
    let body = mint(store, sealer, issuer, now, client, &user, &grant, issued).await?;
    audit::record(
        store,
        now,
        origin,
        "oidc.token",
        Outcome::Success,
        Some(&user.id),
        json!({ "client_id": client.client_id, "grant": "refresh_token" }),
    )
    .await?;
    Ok(body)
}

/// Service accounts (RFC 6749 §4.4): a confidential client acting for itself. No user, so no ID token, no refresh
/// token, and never a factor prompt; the token's `sub` is the client.
async fn client_credentials(
    store: &dyn Store,
    sealer: &Sealer,
    issuer: &str,
    now: DateTime<Utc>,
    origin: &Origin,
    client: &Client,
    request: &TokenRequest,
) -> std::result::Result<Value, TokenError> {
    if client.public {
        return Err(TokenError::UnauthorizedClient);
    }
    let scope = request.scope.as_deref().unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let valid = scope.len() <= 1024
        && scopes
            .iter()
            .all(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b":._-/".contains(&b)));
    if !valid || scopes.iter().any(|s| super::SCOPES.contains(s)) {
        return Err(TokenError::InvalidScope);
    }
    let scope = scopes.join(" ");
    let (kid, key) = keys::active(store, sealer).await?;
    let jti = random_token();
    let claims = json!({
        "iss": issuer, "sub": client.client_id, "aud": issuer, "client_id": client.client_id,
        "iat": now.timestamp(), "exp": (now + ACCESS_TOKEN_LIFETIME).timestamp(), "jti": jti, "scope": scope,
    });
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid);
    header.typ = Some("at+jwt".into());
    let access_token = jsonwebtoken::encode(&header, &claims, &key).map_err(|e| TokenError::Server(e.to_string()))?;
    store
        .insert_issued_token(
            &token_digest(&jti),
            &client.client_id,
            "",
            None,
            None,
            now + ACCESS_TOKEN_LIFETIME,
        )
        .await?;
    audit::record(
        store,
        now,
        origin,
        "oidc.token",
        Outcome::Success,
        None,
        json!({ "client_id": client.client_id, "grant": "client_credentials" }),
    )
    .await?;
    Ok(
        json!({ "access_token": access_token, "token_type": "Bearer", "expires_in": ACCESS_TOKEN_LIFETIME.num_seconds(), "scope": scope }),
    )
}

/// Where issued tokens come from: a code (for revocation on replay), a nonce to echo, a refresh family.
struct Issue<'a> {
    code_hash: Option<&'a str>,
    nonce: Option<&'a str>,
    family: Option<(&'a str, DateTime<Utc>)>,
}

/// Signs an access token and an ID token, records the access token, and (for a family) rotates in a new refresh token.
#[allow(clippy::too_many_arguments)]
async fn mint(
    store: &dyn Store,
    sealer: &Sealer,
    issuer: &str,
    now: DateTime<Utc>,
    client: &Client,
    user: &User,
    grant: &RefreshGrant,
    issued: Issue<'_>,
) -> std::result::Result<Value, TokenError> {
    let roles = store.roles_of(&user.id).await?;
    let (kid, key) = keys::active(store, sealer).await?;
    let jti = random_token();
    let access_claims = json!({
        "iss": issuer, "sub": user.id, "aud": issuer, "client_id": client.client_id,
        "iat": now.timestamp(), "exp": (now + ACCESS_TOKEN_LIFETIME).timestamp(), "jti": jti,
        "scope": grant.scope, "auth_time": grant.auth_time.timestamp(), "acr": grant.acr, "amr": grant.amr,
    });
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.clone());
    header.typ = Some("at+jwt".into());
    let access_token =
        jsonwebtoken::encode(&header, &access_claims, &key).map_err(|e| TokenError::Server(e.to_string()))?;

    let mut id_claims = json!({
        "iss": issuer, "sub": user.id, "aud": client.client_id, "azp": client.client_id,
        "iat": now.timestamp(), "exp": (now + ID_TOKEN_LIFETIME).timestamp(),
        "auth_time": grant.auth_time.timestamp(), "acr": grant.acr, "amr": grant.amr, "sid": grant.sid,
        "at_hash": at_hash(&access_token),
    });
    if let Some(nonce) = issued.nonce {
        id_claims["nonce"] = nonce.into();
    }
    if let Some(map) = id_claims.as_object_mut() {
        map.extend(scoped_claims(user, &roles, &grant.scope));
    }
    let mut id_header = Header::new(Algorithm::ES256);
    id_header.kid = Some(kid);
    let id_token = jsonwebtoken::encode(&id_header, &id_claims, &key).map_err(|e| TokenError::Server(e.to_string()))?;

    let family_id = issued.family.map(|(id, _)| id);
    store
        .insert_issued_token(
            &token_digest(&jti),
            &client.client_id,
            &user.id,
            issued.code_hash,
            family_id,
            now + ACCESS_TOKEN_LIFETIME,
        )
        .await?;
    let mut body = json!({
        "access_token": access_token, "token_type": "Bearer", "expires_in": ACCESS_TOKEN_LIFETIME.num_seconds(),
        "id_token": id_token, "scope": grant.scope,
    });
    if let Some((family_id, family_expires_at)) = issued.family {
        let refresh_token = random_token();
        store
            .insert_refresh_token(
                &token_digest(&refresh_token),
                family_id,
                &client.client_id,
                &user.id,
                grant,
                now,
                family_expires_at,
            )
            .await?;
        body["refresh_token"] = refresh_token.into();
    }
    Ok(body)
}

/// RFC 7009: revokes a refresh token (its whole family) or an access token of the calling client. Unknown tokens
/// and other clients' tokens change nothing, and the answer is the same.
pub async fn revoke(
    store: &dyn Store,
    issuer: &str,
    now: DateTime<Utc>,
    origin: &Origin,
    client: &Client,
    token: &str,
) -> Result<()> {
    if let Some(info) = store.refresh_token_info(&token_digest(token), now).await?
        && info.client_id == client.client_id
    {
        let revoked = store.revoke_family(&info.family_id, now).await?;
        audit::record(
            store,
            now,
            origin,
            "oidc.token_revoked",
            Outcome::Success,
            Some(&info.user_id),
            json!({ "client_id": client.client_id, "kind": "refresh_token", "tokens_revoked": revoked }),
        )
        .await?;
        return Ok(());
    }
    if let Some(claims) = verified_access_token(store, issuer, token, false).await?
        && claims["client_id"].as_str() == Some(client.client_id.as_str())
        && store
            .revoke_access_token(
                &token_digest(claims["jti"].as_str().unwrap_or_default()),
                &client.client_id,
                now,
            )
            .await?
    {
        audit::record(
            store,
            now,
            origin,
            "oidc.token_revoked",
            Outcome::Success,
            claims["sub"].as_str(),
            json!({ "client_id": client.client_id, "kind": "access_token" }),
        )
        .await?;
    }
    Ok(())
}

/// RFC 7662: what a token of the calling client is; anything else is `{"active": false}`.
pub async fn introspect(
    store: &dyn Store,
    issuer: &str,
    now: DateTime<Utc>,
    client: &Client,
    token: &str,
) -> Result<Value> {
    let inactive = json!({ "active": false });
    if let Some(info) = store.refresh_token_info(&token_digest(token), now).await? {
        if info.client_id != client.client_id || !info.active {
            return Ok(inactive);
        }
        return Ok(json!({
            "active": true, "token_type": "refresh_token", "client_id": info.client_id, "sub": info.user_id,
            "scope": info.scope, "exp": info.family_expires_at.timestamp(), "iss": issuer,
        }));
    }
    let Some(claims) = verified_access_token(store, issuer, token, true).await? else {
        return Ok(inactive);
    };
    if claims["client_id"].as_str() != Some(client.client_id.as_str())
        || !store
            .token_active(&token_digest(claims["jti"].as_str().unwrap_or_default()), now)
            .await?
    {
        return Ok(inactive);
    }
    Ok(json!({
        "active": true, "token_type": "Bearer", "client_id": claims["client_id"], "sub": claims["sub"], "scope": claims["scope"],
        "exp": claims["exp"], "iat": claims["iat"], "iss": claims["iss"], "aud": claims["aud"], "jti": claims["jti"],
    }))
}

/// The claims of one of our access tokens if its signature, `typ`, issuer and audience hold (and, with
/// `check_expiry`, it has not expired).
async fn verified_access_token(
    store: &dyn Store,
    issuer: &str,
    token: &str,
    check_expiry: bool,
) -> Result<Option<Value>> {
    if token.len() > 8192 {
        return Ok(None);
    }
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return Ok(None);
    };
    if header.alg != Algorithm::ES256 || header.typ.as_deref() != Some("at+jwt") {
        return Ok(None);
    }
    let Some(key) = keys::decoding_key(store, header.kid.as_deref().unwrap_or_default()).await? else {
        return Ok(None);
    };
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[issuer]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.validate_exp = check_expiry;
    Ok(jsonwebtoken::decode::<Value>(token, &key, &validation)
        .ok()
        .map(|d| d.claims))
}

/// Userinfo (OIDC Core §5.3): the access token must be ours (signature, issuer, audience, `typ`), unexpired and
/// not revoked; the user active.
pub async fn userinfo(
    store: &dyn Store,
    issuer: &str,
    now: DateTime<Utc>,
    access_token: &str,
) -> Result<Option<Value>> {
    let Some(claims) = verified_access_token(store, issuer, access_token, true).await? else {
        return Ok(None);
    };
    if !store
        .token_active(&token_digest(claims["jti"].as_str().unwrap_or_default()), now)
        .await?
    {
        return Ok(None);
    }
    let Some(user) = store
        .user_by_id(claims["sub"].as_str().unwrap_or_default())
        .await?
        .filter(|u| u.status == UserStatus::Active)
    else {
        return Ok(None);
    };
    let roles = store.roles_of(&user.id).await?;
    let mut body = Map::new();
    body.insert("sub".into(), user.id.clone().into());
    body.extend(scoped_claims(
        &user,
        &roles,
        claims["scope"].as_str().unwrap_or_default(),
    ));
    Ok(Some(Value::Object(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256() {
        // The challenge computed independently: base64url(sha256(verifier)) with Python's hashlib.
        let verifier = "dBjftJeZ4CVP-mJ92K2sd4XqZ3Xa6hgCUsQnMZCy4nY";
        assert!(verifier_matches(
            "30OElLd_2t-qRTeHhvU5JWdxwD0xvF_edSl1ShH_BpY",
            verifier
        ));
        assert!(!verifier_matches(
            "30OElLd_2t-qRTeHhvU5JWdxwD0xvF_edSl1ShH_BpY",
            "short"
        ));
        assert!(!verifier_matches(verifier, verifier), "plain is not S256");
    }
}
