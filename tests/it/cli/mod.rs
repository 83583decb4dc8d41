//! The `gatehouse` binary run as a process: user and client administration, configuration rules, `serve` until
//! SIGTERM. `common.rs` is the harness the other areas use for their command-line tests.
mod clients;
pub(crate) mod common;
mod serve;
mod users;
