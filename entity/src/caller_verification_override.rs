use sea_orm::entity::prelude::*;

/// The override of a factor-reset request's caller verification: at most one per request, recorded by a second
/// agent with a reason.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "caller_verification_overrides")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: String,
    pub override_by: String,
    pub override_reason: String,
    pub override_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
