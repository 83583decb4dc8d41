//! SAML, per-SP encryption and attributes: the SP's encryption certificates (taken from its metadata's
//! `KeyDescriptor use="encryption"` or without `use`), whether its assertions are encrypted and how
//! (`aes256-gcm` or `aes256-cbc`), and which
//! attributes it is sent under which names (JSON; NULL: the default set).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SamlServiceProviders {
    Table,
    EncryptionCertificates,
    EncryptAssertion,
    EncryptionMethod,
    Attributes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(text(SamlServiceProviders::EncryptionCertificates).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(boolean(SamlServiceProviders::EncryptAssertion).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(string_len(SamlServiceProviders::EncryptionMethod, 16).default("aes256-gcm"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(ColumnDef::new(SamlServiceProviders::Attributes).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            SamlServiceProviders::EncryptionCertificates,
            SamlServiceProviders::EncryptAssertion,
            SamlServiceProviders::EncryptionMethod,
            SamlServiceProviders::Attributes,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SamlServiceProviders::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
