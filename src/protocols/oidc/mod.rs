//! The OpenID Provider: authorization code flow with PKCE, ID and access tokens (JWT, ES256), userinfo,
//! discovery and JWKS. What is not implemented yet is not advertised in discovery.
pub mod authorize;
pub mod clients;
pub mod http;
pub mod keys;
pub mod tokens;

use url::Url;

/// The issuer identifier: `public_url` without a trailing slash.
pub fn issuer(public_url: &Url) -> String {
    public_url.as_str().trim_end_matches('/').to_string()
}

pub const SCOPES: [&str; 5] = ["openid", "profile", "email", "phone", "roles"];
