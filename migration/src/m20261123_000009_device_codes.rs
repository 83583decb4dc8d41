//! The device authorization grant (RFC 8628): one row per device authorization. Both codes are stored only as
//! digests. `status` moves pending → approved | denied (the user, at `/device`) and approved → redeemed (the
//! device, at the token endpoint), each move a conditional UPDATE; `polls` is the compare-and-swap counter that
//! keeps the polling interval honest across instances.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeviceCodes {
    Table,
    DeviceCodeHash,
    UserCodeHash,
    ClientId,
    Scope,
    Status,
    IntervalSecs,
    Polls,
    LastPolledAt,
    UserId,
    Grant,
    CreatedAt,
    ExpiresAt,
    DecidedAt,
    RedeemedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeviceCodes::Table)
                    .col(string_len(DeviceCodes::DeviceCodeHash, 64).primary_key())
                    .col(string_len_uniq(DeviceCodes::UserCodeHash, 64))
                    .col(string_len(DeviceCodes::ClientId, 128))
                    .col(text(DeviceCodes::Scope))
                    .col(string_len(DeviceCodes::Status, 16))
                    .col(integer(DeviceCodes::IntervalSecs))
                    .col(integer(DeviceCodes::Polls))
                    .col(timestamp_with_time_zone_null(DeviceCodes::LastPolledAt))
                    .col(string_len_null(DeviceCodes::UserId, 36))
                    .col(text_null(DeviceCodes::Grant))
                    .col(timestamp_with_time_zone(DeviceCodes::CreatedAt))
                    .col(timestamp_with_time_zone(DeviceCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(DeviceCodes::DecidedAt))
                    .col(timestamp_with_time_zone_null(DeviceCodes::RedeemedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_device_codes_expires")
                    .table(DeviceCodes::Table)
                    .col(DeviceCodes::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
