use sea_orm::entity::prelude::*;

/// An AuthnRequest ID seen (SHA-256 of the SP's entity ID and the request ID), kept until the request could no
/// longer be accepted anyway: the replay cache shared by every instance.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saml_request_ids")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_hash: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
