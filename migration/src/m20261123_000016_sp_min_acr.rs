//! A SAML SP's minimum assurance level (`min_acr`, one of `core::policy::assurance::ALL`): every Response to the SP
//! must reach it, as an OIDC client's `min_acr` does. NULL: no minimum.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SamlServiceProviders {
    Table,
    MinAcr,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(ColumnDef::new(SamlServiceProviders::MinAcr).string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .drop_column(SamlServiceProviders::MinAcr)
                    .to_owned(),
            )
            .await
    }
}
