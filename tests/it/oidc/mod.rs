//! The OpenID Provider: the code flow, consent and the authorization endpoint's error pages, the device grant,
//! signing keys, logout, refresh tokens and their lifecycle, cases after the OpenID certification plan.
pub(crate) mod acr_age;
mod code_flow;
pub(crate) mod common;
mod consent;
mod device;
pub(crate) mod dpop;
pub(crate) mod keys;
mod logout;
mod oidcc_basic;
mod par;
mod resources;
pub(crate) mod token_lifecycle;
mod tokens;
