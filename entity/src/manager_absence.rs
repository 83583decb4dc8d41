use sea_orm::entity::prelude::*;

/// An out-of-office record: while it lasts, factor-reset approvals that would go to `user_id` go to
/// `delegate_id`, or up the chain of managers. `until` NULL: until cleared.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "manager_absences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub delegate_id: Option<String>,
    pub until: Option<DateTimeUtc>,
    /// The audit actor who set it.
    pub set_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
