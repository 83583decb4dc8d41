//! The OpenID Provider: the code flow, the device grant, signing keys, logout, refresh tokens and their lifecycle,
//! cases after the OpenID certification plan.
pub(crate) mod code_flow;
mod device;
pub(crate) mod keys;
mod logout;
mod oidcc_basic;
mod token_lifecycle;
pub(crate) mod tokens;
