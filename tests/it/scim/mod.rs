//! Directory provisioning over SCIM 2.0 (`/scim/v2`, `core::provisioning`): who may provision, what a SCIM user
//! and group become in Gatehouse (manager, phone, roles from groups, invitations, passwords), deprovisioning,
//! and SCIM errors for bad input with nothing changed. Third-party clients (scim2-tester, scim2-client) are in
//! `interop`.
mod auth;
pub(crate) mod common;
mod console;
mod deprovision;
mod groups;
mod lists;
mod managers;
mod patch;
mod users;
