//! The `gatehouse` binary run as a process: user and client administration (profile changes, deletion and
//! sessions in `profile.rs`), benchmark users in bulk (`bench_seed.rs`), configuration rules, `serve` until SIGTERM. `common.rs` is the harness the other
//! areas use for their command-line tests.
mod backup;
mod bench_seed;
mod clients;
pub(crate) mod common;
mod profile;
mod serve;
mod traces;
mod users;
