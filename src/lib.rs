//! Gatehouse: a self-hosted identity provider.
//!
//! Layers (see `docs/architecture.md`): `web` (actix) and, later, `protocols` call into `core`, which is plain
//! Rust and talks to storage, mail and the clock only through the traits in `core::store`, `core::notify`
//! and `core::clock`. `store` implements the storage traits over sea-orm; `notify` implements mail.
pub mod app;
pub mod cli;
pub mod config;
pub mod core;
pub mod http;
pub mod notify;
pub mod protocols;
pub mod store;
pub mod templates;
pub mod web;
