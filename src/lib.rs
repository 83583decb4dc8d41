//! Gatehouse: a self-hosted identity provider.
//!
//! Layers (see `docs/architecture.md`): `app` puts the rest together; the first-party pages (`web`) and the
//! protocols (`protocols`) use the HTTP kit (`http`) and call into `core`, which is plain Rust and talks to
//! storage, mail and the clock only through the traits in `core::store`, `core::notify` and `core::clock`.
//! `store` implements the storage traits over sea-orm; `notify` implements mail and SMS. The admin REST API
//! (`api`) is another user of the HTTP kit and `core`, beside the pages. The admin console (`web::admin`) alone
//! of the pages also calls `protocols`, to administer clients, service providers and keys; protocols never
//! import `web`.
pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod core;
pub mod http;
pub mod i18n;
pub mod notify;
pub mod protocols;
pub mod scim;
pub mod store;
pub mod templates;
pub mod web;
