//! Integration tests, compiled into one binary to save link time. Each test starts a real server on a
//! real database; see `common.rs`. One folder per area; each `mod.rs` says what its area covers.
mod account;
mod admin;
pub(crate) mod api;
mod cli;
mod common;
mod factors;
mod interop;
mod oidc;
mod policy;
mod recovery;
mod saml;
mod scim;
mod server;
mod signin;
mod ssf;
mod store;
