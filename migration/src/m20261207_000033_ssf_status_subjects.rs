//! Shared Signals stream status and subjects (SSF 1.0 §8.1.2, §8.1.3).
//!
//! `ssf_streams.status` is `enabled`, `paused` (events are held in the outbox) or `disabled` (new events are not
//! queued), with the receiver's optional `status_reason`. Every stream registered before is `enabled`.
//!
//! `ssf_removed_subjects`: the users a receiver took out of its stream (`/ssf/subjects:remove`). A stream gets
//! events about every user (`default_subjects: ALL`) except these; `/ssf/subjects:add` deletes the row. Rows go
//! with their stream or their user.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SsfStreams {
    Table,
    Id,
    Status,
    StatusReason,
}

#[derive(DeriveIden)]
enum SsfRemovedSubjects {
    Table,
    StreamId,
    UserId,
    RemovedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(SsfStreams::Table)
                    .add_column(string_len(SsfStreams::Status, 16).default("enabled"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SsfStreams::Table)
                    .add_column(string_len_null(SsfStreams::StatusReason, 255))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SsfRemovedSubjects::Table)
                    .col(string_len(SsfRemovedSubjects::StreamId, 36))
                    .col(string_len(SsfRemovedSubjects::UserId, 36))
                    .col(timestamp_with_time_zone(SsfRemovedSubjects::RemovedAt))
                    .primary_key(
                        Index::create()
                            .col(SsfRemovedSubjects::StreamId)
                            .col(SsfRemovedSubjects::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SsfRemovedSubjects::Table, SsfRemovedSubjects::StreamId)
                            .to(SsfStreams::Table, SsfStreams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SsfRemovedSubjects::Table, SsfRemovedSubjects::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SsfRemovedSubjects::Table).to_owned())
            .await?;
        for column in [SsfStreams::StatusReason, SsfStreams::Status] {
            manager
                .alter_table(Table::alter().table(SsfStreams::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
