use sea_orm::entity::prelude::*;

/// A service provider a browser session signed in to over SAML, with the NameID and SessionIndex it was given:
/// what a LogoutRequest must name, and whom to log out when the session ends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saml_session_participants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_hash: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sp_entity_id: String,
    pub name_id: String,
    pub name_id_format: String,
    pub session_index: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
