use sea_orm::entity::prelude::*;

/// A browser trusted to skip one user's second factor until `expires_at`; `browser_hash` is the SHA-256 of the
/// browser's cookie. Unique per (browser_hash, user_id).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trusted_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub browser_hash: String,
    pub user_id: String,
    pub user_agent: String,
    pub created_at: DateTimeUtc,
    /// The last second factor that (re)established the trust; the window counts from here.
    pub trusted_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
