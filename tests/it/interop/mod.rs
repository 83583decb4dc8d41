//! Clients we did not write, against the real server (openid-client, authlib, pysaml2, oathtool and pyotp, Chromium);
//! `node.rs` and `python.rs` run them. Under `GATEHOUSE_INTEROP=1` a missing client fails the test.
mod authlib;
pub(crate) mod node;
mod oidc;
pub(crate) mod python;
mod saml;
mod totp;
mod webauthn;
