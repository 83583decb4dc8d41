//! Hardware OATH tokens imported by an administrator (seed sealed at rest) and bound to a user by serial.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HardwareTokens {
    Table,
    Serial,
    TokenType,
    SecretEnc,
    Digits,
    Algorithm,
    Period,
    Counter,
    Drift,
    LastStep,
    ImportedAt,
    BoundUserId,
    FactorId,
    BoundAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HardwareTokens::Table)
                    .col(string_len(HardwareTokens::Serial, 64).primary_key())
                    .col(string_len(HardwareTokens::TokenType, 8))
                    .col(text(HardwareTokens::SecretEnc))
                    .col(integer(HardwareTokens::Digits))
                    .col(string_len(HardwareTokens::Algorithm, 8))
                    .col(big_integer(HardwareTokens::Period))
                    .col(big_integer(HardwareTokens::Counter))
                    .col(big_integer(HardwareTokens::Drift))
                    .col(big_integer_null(HardwareTokens::LastStep))
                    .col(timestamp_with_time_zone(HardwareTokens::ImportedAt))
                    .col(string_len_null(HardwareTokens::BoundUserId, 36))
                    .col(string_len_null(HardwareTokens::FactorId, 36))
                    .col(timestamp_with_time_zone_null(HardwareTokens::BoundAt))
                    .to_owned(),
            )
            .await
    }
}
