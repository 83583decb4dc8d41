//! The admin REST API (`/api/v1`): who may call it (bearer tokens, service roles, a person's own token and the
//! strength of their sign-in), the resources, their errors as problem documents, and the OpenAPI document.
mod audit;
mod auth;
mod clients;
pub(crate) mod common;
mod credentials;
mod docs;
mod hardware_tokens;
mod keys;
mod openapi;
mod recovery;
mod recovery_verify;
mod roles;
mod sps;
mod users;
