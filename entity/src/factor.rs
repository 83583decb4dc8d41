use sea_orm::entity::prelude::*;

/// A second factor of a user. Secrets are sealed (AEAD) in `secret_enc`; `last_step` is the TOTP time step
/// (or HOTP counter) last accepted, the replay guard.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub name: String,
    pub status: String,
    pub secret_enc: Option<String>,
    pub data: String,
    pub last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
