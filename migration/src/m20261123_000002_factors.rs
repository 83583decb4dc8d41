//! Second factors, one-time recovery codes, and attempt counters for brute-force defence.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Factors {
    Table,
    Id,
    UserId,
    Kind,
    Name,
    Status,
    SecretEnc,
    Data,
    LastStep,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    CodeHash,
    FactorId,
    UserId,
    UsedAt,
}

#[derive(DeriveIden)]
enum AttemptCounters {
    Table,
    Key,
    Failures,
    LastAttemptAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Factors::Table)
                    .col(string_len(Factors::Id, 36).primary_key())
                    .col(string_len(Factors::UserId, 36))
                    .col(string_len(Factors::Kind, 32))
                    .col(string_len(Factors::Name, 64))
                    .col(string_len(Factors::Status, 16))
                    .col(text_null(Factors::SecretEnc))
                    .col(text(Factors::Data))
                    .col(big_integer_null(Factors::LastStep))
                    .col(timestamp_with_time_zone(Factors::CreatedAt))
                    .col(timestamp_with_time_zone_null(Factors::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Factors::Table, Factors::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_factors_user")
                    .table(Factors::Table)
                    .col(Factors::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(string_len(RecoveryCodes::CodeHash, 64).primary_key())
                    .col(string_len(RecoveryCodes::FactorId, 36))
                    .col(string_len(RecoveryCodes::UserId, 36))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RecoveryCodes::Table, RecoveryCodes::FactorId)
                            .to(Factors::Table, Factors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttemptCounters::Table)
                    .col(string_len(AttemptCounters::Key, 128).primary_key())
                    .col(integer(AttemptCounters::Failures).default(0))
                    .col(timestamp_with_time_zone_null(AttemptCounters::LastAttemptAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
