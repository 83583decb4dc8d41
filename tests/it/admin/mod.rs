//! The admin console under `/admin` through the real server: who gets in (sign-in, role, the sign-in's strength,
//! a recent sign-in for changes, CSRF), the users pages (search, pages, create, roles, status, trusted browsers,
//! profile, rename, delete, sessions, unlock, each destructive change confirmed first), role policies, clients,
//! service providers, keys and hardware tokens (each change's audit event compared with the API's), the audit log
//! (filter, pages, export), the dashboard with its recovery-readiness warning, and the console in German.
mod access;
mod clients;
pub(crate) mod common;
mod dashboard;
mod federation;
mod log;
mod profile;
mod readiness;
mod settings;
mod signals;
mod users;
