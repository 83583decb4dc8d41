//! The sign-in a factor-reset decision was made with: `factor_resets.approver_amr`, a JSON array of the methods
//! (`amr`: `pwd`, `otp`, `hwk`, `mfa`, …) the deciding person's browser session had proved. NULL before a decision,
//! for decisions from the command line or the admin API, and for requests decided before this column existed.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FactorResets {
    Table,
    ApproverAmr,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FactorResets::Table)
                    .add_column(ColumnDef::new(FactorResets::ApproverAmr).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FactorResets::Table)
                    .drop_column(FactorResets::ApproverAmr)
                    .to_owned(),
            )
            .await
    }
}
