//! Shared Signals (OpenID SSF 1.0 transmitter): stream management for `--service-role ssf` receivers, SETs
//! derived from credential, session and account changes, signed with our keys and pushed (RFC 8935) from the
//! durable outbox — retried after failures, kept across a restart, sent once by several instances.
pub(crate) mod common;
mod delivery;
mod outbox;
mod revocations;
mod status;
mod streams;
