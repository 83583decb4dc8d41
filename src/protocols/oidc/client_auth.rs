//! Client authentication at the token, device authorization, pushed authorization request, revocation and
//! introspection endpoints (RFC 6749 §2.3, OIDC Core §9): each client authenticates only by the one method it registered. Failures are audited and
//! answered `invalid_client` (401 with `WWW-Authenticate` when Basic was tried).
//!
//! `private_key_jwt` (RFC 7523): a JWT signed by a key of the client's registered JWKS, with `iss` = `sub` = the
//! client, our issuer or an endpoint of ours as audience, a short life, and a `jti` accepted once (a replay guard
//! in the database, so it holds across instances). The algorithm must be an asymmetric one matching the key:
//! `none` and HMAC (the "public key as HMAC secret" confusion) are refused.
use std::sync::Arc;

use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Value, json};

use super::tokens::{Ctx, Presented, TokenError, TokenRequest};
use super::{clients, keys};
use crate::core::audit::{self, AuditKind, Outcome};
use crate::core::oauth::{AuthMethod, Client};
use crate::core::secrets::token_digest;

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Longest accepted assertion life (exp − now): it bounds how long a jti must be remembered.
const MAX_ASSERTION_LIFETIME: i64 = 600;
const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn secret_or_none(client: &Client, presented: &Presented, request: &TokenRequest) -> bool {
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
        AuthMethod::PrivateKeyJwt => false,
    }
}

/// The unverified `sub` of an assertion: which client it claims to be (checked against the signature later).
fn claimed_client(assertion: &str) -> Option<String> {
    let claims = super::token_info::unverified_claims(assertion)?;
    claims["sub"].as_str().map(str::to_string)
}

/// Whether `assertion` is a valid, fresh, first-seen private_key_jwt assertion of `client`.
async fn assertion_valid(ctx: &Ctx<'_>, client: &Client, assertion: &str) -> Result<bool, TokenError> {
    let Some(jwks) = client.jwks.as_ref().and_then(|j| j["keys"].as_array()) else {
        return Ok(false);
    };
    if assertion.len() > 8192 {
        return Ok(false);
    }
    let Ok(header) = jsonwebtoken::decode_header(assertion) else {
        return Ok(false);
    };
    if !ASYMMETRIC.contains(&header.alg) {
        return Ok(false);
    }
    let alg_name = serde_json::to_value(header.alg).ok();
    let candidates = jwks.iter().filter(|k| {
        header.kid.as_deref().is_none_or(|kid| k["kid"].as_str() == Some(kid))
            && (k.get("alg").is_none() || Some(&k["alg"]) == alg_name.as_ref())
    });
    let endpoints = [
        ctx.issuer.to_string(),
        format!("{}/token", ctx.issuer),
        format!("{}/revoke", ctx.issuer),
        format!("{}/introspect", ctx.issuer),
        format!("{}/device_authorization", ctx.issuer),
        format!("{}/par", ctx.issuer),
    ];
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[&client.client_id]);
    validation.sub = Some(client.client_id.clone());
    validation.set_audience(&endpoints);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.validate_exp = false;
    let claims = candidates
        .filter_map(keys::public_key)
        .find_map(|key| jsonwebtoken::decode::<Value>(assertion, &key, &validation).ok())
        .map(|d| d.claims);
    let Some(claims) = claims else {
        return Ok(false);
    };
    let now = ctx.now.timestamp();
    let (Some(exp), Some(jti)) = (claims["exp"].as_i64(), claims["jti"].as_str()) else {
        return Ok(false);
    };
    if exp <= now || exp > now + MAX_ASSERTION_LIFETIME || jti.is_empty() || jti.len() > 256 {
        return Ok(false);
    }
    let expires_at = chrono::DateTime::from_timestamp(exp, 0).unwrap_or(ctx.now);
    Ok(ctx
        .store
        .use_client_assertion(&client.client_id, &token_digest(jti), expires_at, ctx.now)
        .await?)
}

/// The calling client, authenticated by its registered method.
pub async fn authenticate_client(
    ctx: &Ctx<'_>,
    presented: &Presented,
    request: &TokenRequest,
) -> Result<Arc<Client>, TokenError> {
    let assertion = match (
        request.client_assertion_type.as_deref(),
        request.client_assertion.as_deref(),
    ) {
        (None, None) => None,
        (Some(JWT_BEARER), Some(assertion)) if presented.basic.is_none() && request.client_secret.is_none() => {
            Some(assertion)
        }
        _ => {
            return Err(TokenError::InvalidRequest(
                "client_assertion needs client_assertion_type jwt-bearer, and no other credentials.".into(),
            ));
        }
    };
    let claimed = assertion.and_then(claimed_client);
    let client_id = match (&presented.basic, &request.client_id, &claimed) {
        (Some((a, _)), Some(b), _) | (_, Some(a), Some(b)) if a != b => {
            return Err(TokenError::InvalidRequest("Two different client ids.".into()));
        }
        (Some((id, _)), _, _) | (None, Some(id), _) | (None, None, Some(id)) => id.clone(),
        (None, None, None) => return Err(TokenError::InvalidClient { basic: false }),
    };
    let client = ctx.clients.client(ctx.store, &client_id).await?;
    let authenticated = match (&client, assertion) {
        (Some(c), Some(assertion)) if c.auth_method == AuthMethod::PrivateKeyJwt => {
            assertion_valid(ctx, c, assertion).await?
        }
        (Some(c), None) => secret_or_none(c, presented, request),
        _ => false,
    };
    match client {
        Some(client) if authenticated => Ok(client),
        _ => {
            audit::record(
                ctx.store,
                ctx.now,
                ctx.origin,
                AuditKind::OidcClientAuthentication,
                Outcome::Failure,
                None,
                json!({ "client_id": crate::core::model::truncate(&client_id, 64) }),
            )
            .await?;
            Err(TokenError::InvalidClient {
                basic: presented.basic.is_some(),
            })
        }
    }
}
