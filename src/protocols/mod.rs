//! Federation protocols on top of the core: OpenID Connect now, SAML 2.0 later. Only the `http.rs` files
//! import actix.
pub mod oidc;
