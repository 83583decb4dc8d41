//! The token endpoint (RFC 6749 §3.2): the request it takes, the errors it answers (§5.2), and the dispatch to one
//! module per grant under `grants/`. Client authentication is in `client_auth`, token minting in `issue`.
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::client_auth;
use super::client_cache::ClientCache;
use super::grants;
use super::keys::KeyRing;
use crate::core::Error;
use crate::core::audit::Origin;
use crate::core::signin::sessions::SessionLimits;
use crate::core::store::Store;

/// What every token operation needs: storage, the signing keys, the issuer, the time, and who is asking (the
/// protocol's own context; the interactive sign-in's is `core::context::RequestCtx`).
pub struct Ctx<'a> {
    pub store: &'a dyn Store,
    pub keys: &'a KeyRing,
    /// Registered clients, as client authentication reads them.
    pub clients: &'a ClientCache,
    pub issuer: &'a str,
    pub now: DateTime<Utc>,
    pub origin: &'a Origin,
    /// Browser-session limits: a refresh family lives no longer than its sign-in.
    pub limits: SessionLimits,
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub client_assertion: Option<String>,
    pub client_assertion_type: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    pub device_code: Option<String>,
    /// RFC 8707: the resource server the access token is for.
    pub resource: Option<String>,
    /// Revocation and introspection.
    pub token: Option<String>,
    pub token_type_hint: Option<String>,
}

/// How the client presented itself.
#[derive(Debug, Default)]
pub struct Presented {
    /// From `Authorization: Basic`.
    pub basic: Option<(String, String)>,
    /// The thumbprint of the key a valid DPoP proof (RFC 9449) proved, checked before the client is known.
    pub dpop: Option<String>,
}

/// RFC 6749 §5.2 errors (and RFC 8628 §3.5 for the device grant).
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
    /// RFC 8628: the user has not finished yet / polls too fast / the code expired / the user declined.
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    AccessDenied,
    /// RFC 9449 §5: the DPoP proof is missing where required, malformed, replayed or stale.
    InvalidDpopProof(String),
    /// RFC 9449 §8: the proof needs a nonce of ours; the answer carries one in `DPoP-Nonce`.
    UseDpopNonce,
    /// RFC 8707 §2: the `resource` is malformed or not one the client or the grant may have.
    InvalidTarget(String),
    /// The store is unavailable (RFC 6749 §4.1.2.1 `temporarily_unavailable`): 503 with `Retry-After`.
    TemporarilyUnavailable,
    Server(String),
}

impl From<Error> for TokenError {
    fn from(e: Error) -> Self {
        match e {
            Error::Unavailable(_) | Error::Busy { .. } => TokenError::TemporarilyUnavailable,
            other => TokenError::Server(other.to_string()),
        }
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
            TokenError::AuthorizationPending => "authorization_pending",
            TokenError::SlowDown => "slow_down",
            TokenError::ExpiredToken => "expired_token",
            TokenError::AccessDenied => "access_denied",
            TokenError::InvalidDpopProof(_) => "invalid_dpop_proof",
            TokenError::UseDpopNonce => "use_dpop_nonce",
            TokenError::InvalidTarget(_) => "invalid_target",
            TokenError::TemporarilyUnavailable => "temporarily_unavailable",
            TokenError::Server(_) => "server_error",
        }
    }

    pub fn description(&self) -> String {
        match self {
            TokenError::InvalidRequest(d)
            | TokenError::InvalidGrant(d)
            | TokenError::InvalidDpopProof(d)
            | TokenError::InvalidTarget(d) => d.clone(),
            TokenError::UseDpopNonce => super::dpop::Refusal::UseNonce.description(),
            TokenError::InvalidClient { .. } => "Client authentication failed.".into(),
            TokenError::UnauthorizedClient => "This client may not use this grant.".into(),
            TokenError::UnsupportedGrantType => format!("Supported: {}.", grants::SUPPORTED.join(", ")),
            TokenError::InvalidScope => {
                "The scope asked for is malformed, unknown, or exceeds what was granted.".into()
            }
            TokenError::AuthorizationPending => "The user has not finished signing in yet.".into(),
            TokenError::SlowDown => "Polling too fast: wait longer between requests.".into(),
            TokenError::ExpiredToken => "The device code has expired: start again.".into(),
            TokenError::AccessDenied => "The user declined.".into(),
            TokenError::TemporarilyUnavailable => {
                "The service is briefly unavailable; try again in a few seconds.".into()
            }
            TokenError::Server(_) => "The server could not complete the request.".into(),
        }
    }
}

/// The resource (RFC 8707) a token request's access token is for, judged against the client and the grant.
pub fn target(
    client: &crate::core::oauth::Client,
    request: &TokenRequest,
    granted: Option<&str>,
) -> Result<Option<String>, TokenError> {
    super::resources::judge(&client.allowed_resources, request.resource.as_deref(), granted)
        .map_err(|reason| TokenError::InvalidTarget(reason.into()))
}

/// Authenticates the client, checks it may use the grant, and runs the grant.
pub async fn exchange(ctx: &Ctx<'_>, presented: &Presented, request: &TokenRequest) -> Result<Value, TokenError> {
    let client = client_auth::authenticate_client(ctx, presented, request).await?;
    let grant_type = request
        .grant_type
        .as_deref()
        .ok_or_else(|| TokenError::InvalidRequest("grant_type is missing.".into()))?;
    if !grants::SUPPORTED.contains(&grant_type) {
        return Err(TokenError::UnsupportedGrantType);
    }
    if !client.grants.iter().any(|g| g == grant_type) {
        return Err(TokenError::UnauthorizedClient);
    }
    if client.require_dpop && presented.dpop.is_none() {
        let reason = "this client must send a DPoP proof";
        super::dpop::audit_refusal(ctx.store, ctx.now, ctx.origin, "token", Some(&client.client_id), reason).await?;
        return Err(TokenError::InvalidDpopProof(
            "This client must prove possession of its key: send a DPoP proof (RFC 9449).".into(),
        ));
    }
    // A resource the client may not ask for is refused before any code or refresh token is spent.
    target(&client, request, None)?;
    grants::run(ctx, &client, grant_type, request, presented.dpop.as_deref()).await
}
