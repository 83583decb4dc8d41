//! The SAML 2.0 identity provider (Web Browser SSO profile, SP- and IdP-initiated, HTTP-Redirect and HTTP-POST
//! bindings in, HTTP-POST out).
//!
//! samael supplies the schema types, metadata parsing and the xmlsec bindings; the security-critical parts are
//! ours, because samael's own checks are not enough (see docs/decisions.md): every input passes `xml::parse`
//! (size, no DTD, depth) first; request signatures are verified over the raw query string (Redirect) or as exactly
//! one enveloped signature on the root referencing the root's ID (POST), with the SP's registered certificates
//! only and SHA-256 or stronger; the Response is written here, with a SHA-256 signature template, and signed
//! with xmlsec. Single logout (`slo`, `http_slo`) is front-channel in both directions. Certificates rotate
//! with an overlap (`keys`). Assertions are encrypted for SPs registered with `encrypt_assertion` (`encrypt`),
//! and each SP gets the attributes its mapping names (`attributes`).
pub mod attributes;
pub mod context;
pub mod encrypt;
pub mod http;
pub mod http_slo;
pub mod keys;
pub mod metadata;
pub mod request;
pub mod response;
pub mod slo;
pub mod sps;
pub mod xml;

use chrono::{DateTime, Utc};
use url::Url;

/// What the SAML identity provider keeps per instance beside the HTTP kit's state.
pub struct IdentityProvider {
    /// The signing key and certificate (cached per instance; the database holds them).
    pub keys: keys::SamlKeyRing,
}

pub const BINDING_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
pub const BINDING_REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// Password only: the password travelled over TLS.
pub const AC_PASSWORD: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
/// Two factors (REFEDS MFA Profile), whether or not one of them resists phishing.
pub const AC_MFA: &str = "https://refeds.org/profile/mfa";

/// The entity ID: the metadata URL, as most IdPs use (`<public_url>/saml/metadata`).
pub fn entity_id(public_url: &Url) -> String {
    format!("{}/saml/metadata", crate::protocols::oidc::issuer(public_url))
}

/// The SingleSignOnService location for both bindings; AuthnRequests must name it as their Destination.
pub fn sso_url(public_url: &Url) -> String {
    format!("{}/saml/sso", crate::protocols::oidc::issuer(public_url))
}

/// The SingleLogoutService location for both bindings; LogoutRequests and LogoutResponses name it as Destination.
pub fn slo_url(public_url: &Url) -> String {
    format!("{}/saml/slo", crate::protocols::oidc::issuer(public_url))
}

/// SAML's `xs:dateTime` in UTC, whole seconds.
pub fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A fresh message ID: `_` (an NCName cannot start with a digit) and 160 random bits in hex.
pub fn new_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    format!("_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_derive_from_the_public_url() {
        let url = Url::parse("https://id.example.com/").expect("url");
        assert_eq!(entity_id(&url), "https://id.example.com/saml/metadata");
        assert_eq!(sso_url(&url), "https://id.example.com/saml/sso");
    }
}
