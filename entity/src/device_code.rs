use sea_orm::entity::prelude::*;

/// A device authorization (RFC 8628): digests of its device code and user code, its state, and its polling.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_code_hash: String,
    #[sea_orm(unique)]
    pub user_code_hash: String,
    pub client_id: String,
    pub scope: String,
    /// pending, approved, denied or redeemed.
    pub status: String,
    pub interval_secs: i32,
    pub polls: i32,
    pub last_polled_at: Option<DateTimeUtc>,
    pub user_id: Option<String>,
    /// What the user approved (JSON), fixed at approval.
    pub grant: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub redeemed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
