//! One module per grant type (RFC 6749 §4, RFC 8628). Each takes an authenticated client that is registered
//! for the grant and answers a token response or a `TokenError`.
pub mod authorization_code;
pub mod client_credentials;
pub mod device_code;
pub mod refresh_token;

use serde_json::Value;

use super::tokens::{Ctx, TokenError, TokenRequest};
use crate::core::model::{User, UserStatus};
use crate::core::oauth::Client;

/// The grants this provider implements (no implicit, no password grant).
pub const SUPPORTED: [&str; 4] = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    super::device::GRANT,
];

pub async fn run(
    ctx: &Ctx<'_>,
    client: &Client,
    grant_type: &str,
    request: &TokenRequest,
    dpop: Option<&str>,
) -> Result<Value, TokenError> {
    match grant_type {
        "authorization_code" => authorization_code::exchange(ctx, client, request, dpop).await,
        "refresh_token" => refresh_token::exchange(ctx, client, request, dpop).await,
        "client_credentials" => client_credentials::exchange(ctx, client, request, dpop).await,
        super::device::GRANT => device_code::exchange(ctx, client, request, dpop).await,
        _ => Err(TokenError::UnsupportedGrantType),
    }
}

/// The user a grant was issued to, if still active.
async fn active_user(ctx: &Ctx<'_>, user_id: &str) -> Result<User, TokenError> {
    ctx.store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.status == UserStatus::Active)
        .ok_or_else(|| TokenError::InvalidGrant("The user is not active.".into()))
}

/// The refresh binding of a new family (RFC 9449 §5): a public client's refresh tokens are bound to the key it
/// proved; a confidential client's are not (its own authentication already binds them).
fn refresh_binding(client: &Client, dpop: Option<&str>) -> Option<String> {
    dpop.filter(|_| client.public).map(str::to_string)
}

/// Refuses a grant bound to a key (`dpop_jkt` of the code, a public client's refresh binding) when the request
/// does not prove that key: `invalid_grant`, audited.
async fn require_binding(
    ctx: &Ctx<'_>,
    client: &Client,
    bound: Option<&str>,
    dpop: Option<&str>,
    what: &str,
) -> Result<(), TokenError> {
    let Some(bound) = bound else { return Ok(()) };
    if dpop == Some(bound) {
        return Ok(());
    }
    let reason = match dpop {
        None => format!("{what} is bound to a DPoP key and no proof was sent"),
        Some(_) => format!("{what} is bound to another DPoP key"),
    };
    super::dpop::audit_refusal(
        ctx.store,
        ctx.now,
        ctx.origin,
        "token",
        Some(&client.client_id),
        &reason,
    )
    .await?;
    Err(TokenError::InvalidGrant(format!(
        "The {what} is bound to a DPoP key (RFC 9449) that this request does not prove."
    )))
}
