use sea_orm::entity::prelude::*;

/// A browser session. The cookie holds a random token; only its SHA-256 is stored here.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    pub user_id: String,
    pub state: String,
    pub amr: String,
    pub created_at: DateTimeUtc,
    pub auth_time: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// JSON: when each assurance level was last proven; NULL before migration 000037.
    pub acr_proofs: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
