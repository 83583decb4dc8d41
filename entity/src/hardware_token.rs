use sea_orm::entity::prelude::*;

/// An imported hardware OATH token. `counter` is the next HOTP counter expected; `drift` the TOTP clock offset
/// in steps; `last_step` the last accepted TOTP step (replay guard).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hardware_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub serial: String,
    pub token_type: String,
    pub secret_enc: String,
    pub digits: i32,
    pub algorithm: String,
    pub period: i64,
    pub counter: i64,
    pub drift: i64,
    pub last_step: Option<i64>,
    pub imported_at: DateTimeUtc,
    pub bound_user_id: Option<String>,
    pub factor_id: Option<String>,
    pub bound_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
