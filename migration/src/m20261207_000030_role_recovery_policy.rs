//! A role's recovery policy (issue #17 item 1): `recovery_paths`, a JSON list of the recovery paths members may
//! take (`backup-factor`, `backup-sms`, `recovery-codes`, `approval`, `two-admins`), and `recovery_caller_check`,
//! the helpdesk caller verification an execution needs (`none|either|user|manager|both`). NULL: the built-in
//! default for the role's name (`core::policy::recovery`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RolePolicies {
    Table,
    RecoveryPaths,
    RecoveryCallerCheck,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [RolePolicies::RecoveryPaths, RolePolicies::RecoveryCallerCheck] {
            manager
                .alter_table(
                    Table::alter()
                        .table(RolePolicies::Table)
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [RolePolicies::RecoveryPaths, RolePolicies::RecoveryCallerCheck] {
            manager
                .alter_table(Table::alter().table(RolePolicies::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
