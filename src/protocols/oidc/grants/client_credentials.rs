//! Service accounts (RFC 6749 §4.4): a confidential client acting for itself. No user, so no ID token, no refresh
//! token, and never a factor prompt; the access token's `sub` is the client. OpenID scopes are refused: they
//! describe a user.
use serde_json::{Value, json};

use super::super::issue::{self, ACCESS_TOKEN_LIFETIME};
use super::super::tokens::{Ctx, TokenError, TokenRequest};
use crate::core::oauth::Client;

pub async fn exchange(
    ctx: &Ctx<'_>,
    client: &Client,
    request: &TokenRequest,
    dpop: Option<&str>,
) -> Result<Value, TokenError> {
    if client.public {
        return Err(TokenError::UnauthorizedClient);
    }
    let scope = request.scope.as_deref().unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let valid = scope.len() <= 1024
        && scopes
            .iter()
            .all(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b":._-/".contains(&b)));
    if !valid || scopes.iter().any(|s| super::super::SCOPES.contains(s)) {
        return Err(TokenError::InvalidScope);
    }
    let scope = scopes.join(" ");
    let mut claims = json!({ "sub": client.client_id, "scope": scope });
    if let Some(resource) = super::super::tokens::target(client, request, None)? {
        claims["aud"] = resource.into();
    }
    let access_token = issue::client_token(ctx, client, claims, dpop).await?;
    Ok(json!({
        "access_token": access_token, "token_type": issue::token_type(dpop),
        "expires_in": ACCESS_TOKEN_LIFETIME.num_seconds(),
        "scope": scope,
    }))
}
