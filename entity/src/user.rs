use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub username: String,
    pub email: String,
    #[sea_orm(unique)]
    pub email_normalized: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub status: String,
    pub manager_id: Option<String>,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<DateTimeUtc>,
    pub mfa_required: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The language the user last used (`en`, `de`, …); NULL when not known yet.
    pub locale: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
