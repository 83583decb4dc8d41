use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ssf_streams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub client_id: String,
    /// JSON array of event-type URIs.
    pub events_requested: String,
    pub endpoint_url: String,
    /// Sealed.
    pub authorization_header: Option<String>,
    pub description: Option<String>,
    /// `enabled`, `paused` or `disabled`.
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
