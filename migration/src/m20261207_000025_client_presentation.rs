//! How a client presents itself to people, with OIDC Dynamic Client Registration's names: `client_name` (shown on
//! the consent and error pages instead of the id), `logo_uri`, `policy_uri` and `tos_uri` (https, or http on a
//! loopback host). All optional: NULL for every client registered before.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum OauthClients {
    Table,
    ClientName,
    LogoUri,
    PolicyUri,
    TosUri,
}

const COLUMNS: [OauthClients; 4] = [
    OauthClients::ClientName,
    OauthClients::LogoUri,
    OauthClients::PolicyUri,
    OauthClients::TosUri,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(OauthClients::Table)
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(Table::alter().table(OauthClients::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
