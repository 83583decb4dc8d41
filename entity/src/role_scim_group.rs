use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_scim_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub role_name: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_normalized: String,
    pub group_name: String,
    pub allow_admin: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
