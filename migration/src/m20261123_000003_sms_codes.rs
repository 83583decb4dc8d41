//! One-time SMS codes, bound to the factor and to the sign-in (or enrolment) session they were sent for.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Factors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SmsCodes {
    Table,
    Id,
    FactorId,
    SessionHash,
    CodeHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SmsCodes::Table)
                    .col(string_len(SmsCodes::Id, 36).primary_key())
                    .col(string_len(SmsCodes::FactorId, 36))
                    .col(string_len(SmsCodes::SessionHash, 64))
                    .col(string_len(SmsCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone(SmsCodes::CreatedAt))
                    .col(timestamp_with_time_zone(SmsCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SmsCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SmsCodes::Table, SmsCodes::FactorId)
                            .to(Factors::Table, Factors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sms_codes_session")
                    .table(SmsCodes::Table)
                    .col(SmsCodes::FactorId)
                    .col(SmsCodes::SessionHash)
                    .to_owned(),
            )
            .await
    }
}
