//! Federation protocols on top of the core: OpenID Connect and SAML 2.0. Only the `http.rs` files
//! import actix.
pub mod oidc;
pub mod saml;
