//! Resource indicators (RFC 8707): per client, the resource servers (absolute URIs, a JSON list) it may ask an
//! access token for with `resource`; empty for every client registered before, so none may until allowed.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    AllowedResources,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .add_column(
                        ColumnDef::new(OauthClients::AllowedResources)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .drop_column(OauthClients::AllowedResources)
                    .to_owned(),
            )
            .await
    }
}
