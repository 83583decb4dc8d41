use sea_orm::entity::prelude::*;

/// A caller-verification prompt of a factor-reset request (`core::recovery::verify`). `choices` holds the three
/// numbers offered, comma-separated; `token_hash` the link token's SHA-256 digest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "caller_verifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub request_id: String,
    pub target: String,
    pub target_user_id: String,
    pub channel: String,
    pub sent_by: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub number: i16,
    pub choices: String,
    pub state: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
