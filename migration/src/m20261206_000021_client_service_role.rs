//! Clients of the admin API. `service_role` (`admin`, `helpdesk` or `auditor`; NULL for every other client) is the
//! role a `client_credentials` token of the client acts with at `/api/v1`. `extra_scopes` lists, space-separated,
//! the scopes beyond OpenID's that the client may ask for on a person's behalf — today only `gatehouse:admin`, which
//! lets an administrator's or helpdesk agent's own access token call the admin API.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    ServiceRole,
    ExtraScopes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .add_column(ColumnDef::new(OauthClients::ServiceRole).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .add_column(
                        ColumnDef::new(OauthClients::ExtraScopes)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [OauthClients::ServiceRole, OauthClients::ExtraScopes] {
            manager
                .alter_table(Table::alter().table(OauthClients::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
