//! The token endpoint's authorization_code grant, the tokens it issues, and userinfo.
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
use crate::core::oauth::{AuthMethod, Redemption};
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
            TokenError::Server(_) => "server_error",
        }
    }

    pub fn description(&self) -> String {
        match self {
            TokenError::InvalidRequest(d) | TokenError::InvalidGrant(d) => d.clone(),
            TokenError::InvalidClient { .. } => "Client authentication failed.".into(),
            TokenError::UnauthorizedClient => "This client may not use this grant.".into(),
            TokenError::UnsupportedGrantType => "Supported: authorization_code.".into(),
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
    let client_id = match (&presented.basic, &request.client_id) {
        (Some((basic_id, _)), Some(form_id)) if basic_id != form_id => {
            return Err(TokenError::InvalidRequest("Two different client ids.".into()));
        }
        (Some((id, _)), _) => id.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => return Err(TokenError::InvalidClient { basic: false }),
    };
    let client = store.client(&client_id).await?;
    let Some(client) = client.filter(|c| authenticate(c, presented, request)) else {
        audit::record(
            store,
            now,
            origin,
            "oidc.token",
            Outcome::Failure,
            None,
            json!({ "client_id": crate::core::model::truncate(&client_id, 64), "reason": "client_authentication" }),
        )
        .await?;
        return Err(TokenError::InvalidClient {
            basic: presented.basic.is_some(),
        });
    };
    match request.grant_type.as_deref() {
        Some("authorization_code") if client.grants.iter().any(|g| g == "authorization_code") => {}
        Some("authorization_code") => return Err(TokenError::UnauthorizedClient),
        None => return Err(TokenError::InvalidRequest("grant_type is missing.".into())),
        Some(_) => return Err(TokenError::UnsupportedGrantType),
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
    let user = store
        .user_by_id(&user_id)
        .await?
        .filter(|u| u.status == UserStatus::Active)
        .ok_or_else(|| TokenError::InvalidGrant("The user is not active.".into()))?;
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
    if let Some(nonce) = &grant.nonce {
        id_claims["nonce"] = nonce.clone().into();
    }
    if let Some(map) = id_claims.as_object_mut() {
        map.extend(scoped_claims(&user, &roles, &grant.scope));
    }
    let mut id_header = Header::new(Algorithm::ES256);
    id_header.kid = Some(kid);
    let id_token = jsonwebtoken::encode(&id_header, &id_claims, &key).map_err(|e| TokenError::Server(e.to_string()))?;

    store
        .insert_issued_token(
            &token_digest(&jti),
            &client.client_id,
            &user.id,
            Some(&code_hash),
            now + ACCESS_TOKEN_LIFETIME,
        )
        .await?;
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
    Ok(json!({
        "access_token": access_token, "token_type": "Bearer", "expires_in": ACCESS_TOKEN_LIFETIME.num_seconds(),
        "id_token": id_token, "scope": grant.scope,
    }))
}

/// Userinfo (OIDC Core §5.3): the access token must be ours (signature, issuer, audience, `typ`), unexpired and
/// not revoked; the user active.
pub async fn userinfo(
    store: &dyn Store,
    issuer: &str,
    now: DateTime<Utc>,
    access_token: &str,
) -> Result<Option<Value>> {
    let Ok(header) = jsonwebtoken::decode_header(access_token) else {
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
    let Ok(data) = jsonwebtoken::decode::<Value>(access_token, &key, &validation) else {
        return Ok(None);
    };
    let claims = data.claims;
    let jti = claims["jti"].as_str().unwrap_or_default();
    if !store.token_active(&token_digest(jti), now).await? {
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
