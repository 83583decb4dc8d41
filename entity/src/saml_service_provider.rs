use sea_orm::entity::prelude::*;

/// A registered SAML service provider. `acs_endpoints` and `certificates` are JSON lists taken from `metadata`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saml_service_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_id: String,
    pub metadata: String,
    pub acs_endpoints: String,
    pub certificates: String,
    pub authn_requests_signed: bool,
    pub want_assertions_signed: bool,
    pub sign_response: bool,
    pub name_id_format: String,
    pub allow_idp_initiated: bool,
    /// JSON list of SingleLogoutService endpoints from `metadata`.
    pub slo_endpoints: String,
    /// JSON list of role names; empty: every user.
    pub allowed_roles: String,
    /// The minimum assurance level (`core::policy::assurance::ALL`) for every Response to it; NULL: none.
    pub min_acr: Option<String>,
    /// JSON list of encryption certificates (base64 DER) from `metadata`.
    pub encryption_certificates: String,
    /// Assertions to it are encrypted with its encryption certificate.
    pub encrypt_assertion: bool,
    /// `aes256-gcm` or `aes256-cbc`.
    pub encryption_method: String,
    /// JSON list of attribute mappings; NULL: the default set.
    pub attributes: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
