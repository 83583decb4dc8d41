//! Integration tests, compiled into one binary to save link time. Each test starts a real server on a
//! real database; see `common.rs`.
mod bad_input;
mod cli;
mod common;
mod factors;
mod instances;
mod interop_authlib;
mod interop_oidc;
mod interop_totp;
mod interop_webauthn;
mod login;
mod node;
mod oidc;
mod oidc_keys;
mod oidc_logout;
mod oidc_tokens;
mod oidcc_basic;
mod password_reset;
mod policy;
mod python;
mod sms;
mod store;
mod templates;
mod tokens;
mod webauthn;
