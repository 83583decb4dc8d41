//! The `gatehouse` binary run as a process: user and client administration, configuration rules, `serve` until SIGTERM.
pub(crate) mod commands;
