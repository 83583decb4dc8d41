//! Federation protocols on top of the core: OpenID Connect and SAML 2.0. Only the `http.rs` files
//! import actix. What they say to people on Gatehouse's own pages is a [`message::Message`] from the catalogue.
pub mod message;
pub mod oidc;
pub mod saml;
pub mod ssf;
