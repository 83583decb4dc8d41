use sea_orm::entity::prelude::*;

/// One role's authentication policy; `allowed_factors` is a JSON list, `enforce_from` is `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
    pub allowed_factors: String,
    pub mfa_required: bool,
    pub enforce_from: Option<String>,
    pub grace_days: i32,
    pub trusted_device_days: i32,
    pub reauth_absolute_minutes: Option<i32>,
    pub reauth_idle_minutes: Option<i32>,
    /// JSON lists of CIDRs (migration 000013).
    pub ip_allow: String,
    pub ip_deny: String,
    /// Cooling-off of factor resets of members, in minutes; NULL: the server's default (migration 000017).
    pub recovery_delay_minutes: Option<i32>,
    /// JSON list of recovery path names; NULL: the role's built-in default (migration 000030).
    pub recovery_paths: Option<String>,
    /// Caller verification an execution needs (`none|either|user|manager|both`); NULL: the default.
    pub recovery_caller_check: Option<String>,
    /// JSON: maximum age per assurance level in minutes (`{"mfa": 1440}`); NULL: the defaults (migration 000037).
    pub acr_max_age: Option<String>,
    /// JSON: the role's passkey profile (`{"attestation": "required", "aaguids": […], "device_bound": true,
    /// "user_verification": true}`); NULL: none (migration 000039).
    pub passkey_profile: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
