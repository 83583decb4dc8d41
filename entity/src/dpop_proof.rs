use sea_orm::entity::prelude::*;

/// A DPoP proof seen (RFC 9449 §11.1): its key's thumbprint and its `jti`'s digest, kept until its `iat` is too old
/// for the proof to be accepted anyway, so it is accepted once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dpop_proofs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub jkt: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti_hash: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
