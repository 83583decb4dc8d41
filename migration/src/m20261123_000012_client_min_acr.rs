//! A client's minimum assurance level (`min_acr`, one of `core::policy::assurance::ALL`): every authorization for the
//! client must reach it, as if the client had sent it in `acr_values`. NULL: no minimum.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    MinAcr,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .add_column(ColumnDef::new(OauthClients::MinAcr).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .drop_column(OauthClients::MinAcr)
                    .to_owned(),
            )
            .await
    }
}
