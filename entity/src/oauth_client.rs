use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    pub secret_hash: Option<String>,
    pub public: bool,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub auth_method: String,
    pub grants: String,
    pub trusted: bool,
    pub created_at: DateTimeUtc,
    pub signing_alg: String,
    pub jwks: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub min_acr: Option<String>,
    pub service_role: Option<String>,
    pub extra_scopes: String,
    pub client_name: Option<String>,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    pub require_par: bool,
    pub require_dpop: bool,
    /// RFC 8707: the resource URIs it may ask tokens for, a JSON list.
    pub allowed_resources: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
