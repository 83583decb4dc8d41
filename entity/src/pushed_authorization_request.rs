use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pushed_authorization_requests")]
pub struct Model {
    /// SHA-256 digest of the `request_uri`'s random part.
    #[sea_orm(primary_key, auto_increment = false)]
    pub uri_hash: String,
    pub client_id: String,
    pub params: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
