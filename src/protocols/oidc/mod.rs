//! The OpenID Provider: authorization code flow with PKCE, the device authorization grant, ID and access tokens
//! (JWT: ES256, RS256 or EdDSA per client), refresh rotation, client credentials, userinfo, introspection,
//! revocation, discovery and JWKS; PAR (RFC 9126) and DPoP-bound tokens (RFC 9449).
//! What is not implemented is not advertised in discovery.
pub mod authorize;
pub mod client_auth;
pub mod client_cache;
pub mod clients;
pub mod device;
pub mod dpop;
pub mod grants;
pub mod http;
pub mod http_device;
pub mod http_dpop;
pub mod http_logout;
pub mod http_par;
pub mod http_userinfo;
pub mod issue;
pub mod jws;
pub mod keys;
pub mod logout;
pub mod par;
pub mod resources;
pub mod stepup;
pub mod token_info;
pub mod tokens;

use url::Url;

/// What the OpenID Provider keeps per instance beside the HTTP kit's state: caches of what the database holds.
pub struct Provider {
    /// The signing keys (cached per instance; the database holds them).
    pub keys: keys::KeyRing,
    /// Registered clients as client authentication sees them (cached for a few seconds).
    pub clients: client_cache::ClientCache,
}

/// The issuer identifier: `public_url` without a trailing slash.
pub fn issuer(public_url: &Url) -> String {
    public_url.as_str().trim_end_matches('/').to_string()
}

pub const SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "phone",
    "roles",
    crate::core::oauth::OFFLINE_ACCESS,
];
