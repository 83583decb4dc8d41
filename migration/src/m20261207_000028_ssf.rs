//! Shared Signals (`core::ssf`, `protocols::ssf`): the receivers' streams and the durable outbox of Security
//! Event Tokens waiting to be pushed to them.
//!
//! `ssf_streams`: one stream per receiver client (`client_id` unique); what it asked for and where to push.
//! The receiver's `Authorization` header is sealed at rest (it is the receiver's secret).
//!
//! `ssf_outbox`: one row per (event, stream), written in the request that caused the event and shared by every
//! instance. A row is due when `next_attempt_at <= now` and it is neither delivered nor given up; claiming it
//! moves `next_attempt_at` forward by a lease in one conditional `UPDATE`, so exactly one instance sends it.
//! Rows are removed with their stream.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SsfStreams {
    Table,
    Id,
    ClientId,
    EventsRequested,
    EndpointUrl,
    AuthorizationHeader,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SsfOutbox {
    Table,
    Id,
    StreamId,
    Jti,
    EventType,
    Payload,
    Attempts,
    NextAttemptAt,
    DeliveredAt,
    FailedAt,
    LastError,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SsfStreams::Table)
                    .col(string_len(SsfStreams::Id, 36).primary_key())
                    .col(string_len_uniq(SsfStreams::ClientId, 255))
                    .col(text(SsfStreams::EventsRequested))
                    .col(string_len(SsfStreams::EndpointUrl, 2048))
                    .col(text_null(SsfStreams::AuthorizationHeader))
                    .col(string_len_null(SsfStreams::Description, 255))
                    .col(timestamp_with_time_zone(SsfStreams::CreatedAt))
                    .col(timestamp_with_time_zone(SsfStreams::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SsfOutbox::Table)
                    .col(string_len(SsfOutbox::Id, 36).primary_key())
                    .col(string_len(SsfOutbox::StreamId, 36))
                    .col(string_len(SsfOutbox::Jti, 64))
                    .col(string_len(SsfOutbox::EventType, 255))
                    .col(text(SsfOutbox::Payload))
                    .col(integer(SsfOutbox::Attempts))
                    .col(timestamp_with_time_zone(SsfOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(SsfOutbox::DeliveredAt))
                    .col(timestamp_with_time_zone_null(SsfOutbox::FailedAt))
                    .col(string_len_null(SsfOutbox::LastError, 255))
                    .col(timestamp_with_time_zone(SsfOutbox::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SsfOutbox::Table, SsfOutbox::StreamId)
                            .to(SsfStreams::Table, SsfStreams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ssf_outbox_due")
                    .table(SsfOutbox::Table)
                    .col(SsfOutbox::DeliveredAt)
                    .col(SsfOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SsfOutbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SsfStreams::Table).to_owned())
            .await
    }
}
