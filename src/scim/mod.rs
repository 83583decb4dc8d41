//! The SCIM 2.0 service provider at `/scim/v2` (RFC 7643, RFC 7644): HR systems and directories (Entra ID,
//! Okta, Workday, …) create, update and deprovision Gatehouse users and groups here. Handlers parse and answer
//! SCIM; what a change means for an account (roles from groups, the manager, the phone-change rules,
//! invitations, deprovisioning) is `core::provisioning`'s.
pub mod discovery;
pub mod error;
pub mod filter;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod patch;
pub mod query;
pub mod schema;

pub use schema::Kind;

/// The core User schema, the Enterprise User extension, the Group schema, and the protocol's messages.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
