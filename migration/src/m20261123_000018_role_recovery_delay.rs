//! A role's cooling-off for factor resets (`recovery_delay_minutes`): how long an executed reset of a member's
//! factors waits before it takes effect. NULL: the server's defaults (`recovery_cooling_off_minutes`, or
//! `recovery_cooling_off_admin_minutes` for `admin`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RolePolicies {
    Table,
    RecoveryDelayMinutes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RolePolicies::Table)
                    .add_column(ColumnDef::new(RolePolicies::RecoveryDelayMinutes).integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RolePolicies::Table)
                    .drop_column(RolePolicies::RecoveryDelayMinutes)
                    .to_owned(),
            )
            .await
    }
}
