//! The SAML identity provider: SP- and IdP-initiated SSO, refusals, status responses, encryption and attribute mapping,
//! certificate rotation, single logout, stored request fixtures; `sp.rs` is the test service provider.
mod acr;
mod encryption;
mod fixtures;
mod idp_initiated;
mod keys;
mod rejects;
mod slo;
pub(crate) mod sp;
mod sso;
mod status;
