//! Clients we did not write, against the real server (openid-client, authlib, pysaml2 and python3-saml, oathtool and
//! pyotp, Chromium); `node.rs` and `python.rs` run them. Under `GATEHOUSE_INTEROP=1` a missing client fails the test.
mod admin_api;
mod admin_console;
mod authlib;
mod doc_examples;
pub(crate) mod node;
mod oidc;
mod python;
mod saml;
mod totp;
pub(crate) mod webauthn;
