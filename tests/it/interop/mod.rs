//! Clients we did not write, against the real server (openid-client, authlib, pysaml2 and python3-saml, oathtool and
//! pyotp, Chromium for WebAuthn and for the account pages on a phone-sized screen, scim2-client and scim2-tester);
//! `node.rs` and `python.rs` run them. Under `GATEHOUSE_INTEROP=1` a missing client fails the test.
mod admin_api;
mod admin_console;
mod approval;
mod authlib;
mod caller_verify;
mod doc_examples;
mod doc_step_up;
mod narrow;
pub(crate) mod node;
mod oidc;
mod pages_tour;
mod passkey_profile;
mod python;
mod recovery_pass;
mod saml;
mod scim;
mod scim_found;
mod ssf;
mod totp;
pub(crate) mod webauthn;
