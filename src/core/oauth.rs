//! OAuth/OIDC data the provider keeps: registered clients, signing keys, and what an authorization code
//! grants. The protocol logic lives in `protocols::oidc`; these are the shapes it stores.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Session, User};
use super::policy::HeldRole;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// A JWT signed with a key from the client's registered JWKS (RFC 7523, OIDC Core §9).
    PrivateKeyJwt,
    /// Public clients (apps, SPAs): no secret, PKCE required.
    None,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "client_secret_basic" => Some(AuthMethod::ClientSecretBasic),
            "client_secret_post" => Some(AuthMethod::ClientSecretPost),
            "private_key_jwt" => Some(AuthMethod::PrivateKeyJwt),
            "none" => Some(AuthMethod::None),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Client {
    pub client_id: String,
    #[serde(skip)]
    pub secret_hash: Option<String>,
    pub public: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub auth_method: AuthMethod,
    pub grants: Vec<String>,
    /// Trusted (first-party) clients skip the consent page.
    pub trusted: bool,
    pub created_at: DateTime<Utc>,
    /// The JWS algorithm of the ID and access tokens this client receives: ES256 (default), RS256 or EdDSA.
    pub signing_alg: String,
    /// The client's public keys (a JWK Set), for `private_key_jwt`.
    pub jwks: Option<serde_json::Value>,
    /// Where logout tokens are POSTed when a session that signed in to this client ends.
    pub backchannel_logout_uri: Option<String>,
    /// The lowest assurance level (`core::policy::assurance`) any authorization for this client must reach.
    pub min_acr: Option<String>,
    /// The role its `client_credentials` tokens act with at the admin API; `None` for every other client.
    pub service_role: Option<ServiceRole>,
    /// Scopes beyond OpenID's the client may ask for on a person's behalf ([`ADMIN_SCOPE`] only, today).
    pub extra_scopes: Vec<String>,
    /// How the client presents itself to people on the consent and error pages (OIDC Dynamic Client
    /// Registration's names): a display name, a logo, its privacy policy and its terms of service.
    pub client_name: Option<String>,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// It must push its authorization requests to `/par` (RFC 9126) — a plain `/authorize` is refused. Shown
    /// with RFC 9126's client metadata name.
    #[serde(rename = "require_pushed_authorization_requests")]
    pub require_par: bool,
    /// Its token requests must carry a DPoP proof (RFC 9449), so every token it receives is bound to a key.
    /// Shown with RFC 9449's client metadata name.
    #[serde(rename = "dpop_bound_access_tokens")]
    pub require_dpop: bool,
    /// The resource servers (RFC 8707 resource indicators, absolute URIs) it may ask an access token for; a token
    /// asked for one has that one as its only audience. Empty: `resource` is refused.
    pub allowed_resources: Vec<String>,
}

/// What an administrator may change on a registered client: where it may send browsers back to (after sign-in
/// and after sign-out, each compared exactly), how it presents itself, whether it must push its requests (PAR)
/// and whether its tokens must be bound to a key (DPoP).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClientSettings {
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub client_name: Option<String>,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    #[serde(rename = "require_pushed_authorization_requests")]
    pub require_par: bool,
    #[serde(rename = "dpop_bound_access_tokens")]
    pub require_dpop: bool,
    pub allowed_resources: Vec<String>,
}

impl Client {
    pub fn settings(&self) -> ClientSettings {
        ClientSettings {
            redirect_uris: self.redirect_uris.clone(),
            post_logout_redirect_uris: self.post_logout_redirect_uris.clone(),
            client_name: self.client_name.clone(),
            logo_uri: self.logo_uri.clone(),
            policy_uri: self.policy_uri.clone(),
            tos_uri: self.tos_uri.clone(),
            require_par: self.require_par,
            require_dpop: self.require_dpop,
            allowed_resources: self.allowed_resources.clone(),
        }
    }
}

/// The scope that lets an administrator's or helpdesk agent's own access token call the admin API.
pub const ADMIN_SCOPE: &str = "gatehouse:admin";
/// Every scope a client may be allowed beyond OpenID's.
pub const EXTRA_SCOPES: [&str; 1] = [ADMIN_SCOPE];

/// The role a service client acts with at the admin API (`core::delegation` says what each may do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ServiceRole {
    Admin,
    Helpdesk,
    Auditor,
    /// A provisioning system (an HR system or directory): `/scim/v2` only, nothing of the admin API.
    Scim,
    /// A Shared Signals receiver: its stream at `/ssf/…` only, nothing of the admin API.
    Ssf,
}

impl ServiceRole {
    pub const ALL: [ServiceRole; 5] = [
        ServiceRole::Admin,
        ServiceRole::Helpdesk,
        ServiceRole::Auditor,
        ServiceRole::Scim,
        ServiceRole::Ssf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceRole::Admin => "admin",
            ServiceRole::Helpdesk => "helpdesk",
            ServiceRole::Auditor => "auditor",
            ServiceRole::Scim => "scim",
            ServiceRole::Ssf => "ssf",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    pub alg: String,
    /// PKCS#8, sealed.
    pub private_enc: String,
    pub public_jwk: serde_json::Value,
    pub created_at: DateTime<Utc>,
    /// When it starts signing; before that it is published only, so relying parties' JWKS caches learn it first.
    pub activates_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// What an authorization code stands for, fixed when it is issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeGrant {
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub auth_time: DateTime<Utc>,
    pub amr: Vec<String>,
    pub acr: String,
    pub sid: String,
    /// The JWK thumbprint (RFC 7638) the authorization request named in `dpop_jkt` (RFC 9449 §10): the token
    /// request must prove that key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_jkt: Option<String>,
    /// The resource (RFC 8707) the authorization request named: the code's tokens are for it alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redemption {
    /// First use: the grant, the client and the user.
    Fresh {
        client_id: String,
        user_id: String,
        grant: Box<CodeGrant>,
    },
    /// The code was used before (or concurrently): whatever it issued must be revoked.
    Replayed,
    /// Unknown or expired.
    Invalid,
}

/// The scope that lets a refresh family outlive the browser session that started it (OIDC Core §11).
pub const OFFLINE_ACCESS: &str = "offline_access";

/// What a refresh token carries forward from the original sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshGrant {
    pub scope: String,
    pub auth_time: DateTime<Utc>,
    pub amr: Vec<String>,
    pub acr: String,
    pub sid: String,
    /// The key a public client's refresh tokens are bound to (RFC 9449 §5): its JWK thumbprint. Every refresh
    /// must prove it; confidential clients' refresh tokens are never bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_jkt: Option<String>,
    /// The resource (RFC 8707) the grant is for: every access token of the family has it as its audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl RefreshGrant {
    /// Whether the grant includes `offline_access`.
    pub fn offline(&self) -> bool {
        self.scope.split_whitespace().any(|s| s == OFFLINE_ACCESS)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshUse {
    Fresh {
        family_id: String,
        client_id: String,
        user_id: String,
        grant: Box<RefreshGrant>,
        family_expires_at: DateTime<Utc>,
        /// Granted `offline_access`: outlives the sign-in's browser session.
        offline: bool,
    },
    /// A rotated (already used) token came back: the family is compromised.
    Reused {
        family_id: String,
    },
    Invalid,
}

/// What a refresh is judged on, read together: the presented token; its user, the roles that user holds (with
/// their stored policies) and the browser session behind the token's sign-in at its client, where they exist.
#[derive(Clone, Debug)]
pub struct RefreshContext {
    pub token: RefreshUse,
    pub user: Option<User>,
    pub roles: Vec<HeldRole>,
    pub session: Option<Session>,
}

/// What the provider knows about a refresh token, for introspection and revocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshTokenInfo {
    pub family_id: String,
    pub client_id: String,
    pub user_id: String,
    pub scope: String,
    pub active: bool,
    pub family_expires_at: DateTime<Utc>,
}

/// Where a device authorization (RFC 8628) stands. Each state changes once: the user decides a pending one, the
/// device redeems an approved one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    Redeemed,
}

impl DeviceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Pending => "pending",
            DeviceStatus::Approved => "approved",
            DeviceStatus::Denied => "denied",
            DeviceStatus::Redeemed => "redeemed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeviceStatus::Pending),
            "approved" => Some(DeviceStatus::Approved),
            "denied" => Some(DeviceStatus::Denied),
            "redeemed" => Some(DeviceStatus::Redeemed),
            _ => None,
        }
    }
}

/// A device authorization as stored: the digests of its two codes, what the client asked for, its polling
/// bookkeeping, and (once the user approved) who approved it and how they had signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub device_code_hash: String,
    pub user_code_hash: String,
    pub client_id: String,
    pub scope: String,
    pub status: DeviceStatus,
    /// The minimum seconds between polls; grows by 5 with every `slow_down`.
    pub interval_secs: i64,
    /// Polls recorded so far: the compare-and-swap counter of the polling bookkeeping.
    pub polls: i64,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub user_id: Option<String>,
    /// Fixed when the user approves: the scope, and `auth_time`, `amr`, `acr`, `sid` of their session.
    pub grant: Option<RefreshGrant>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}
