//! An index on `audit_events.at`: the admin console counts the last day's sign-in events for its dashboard and
//! filters the log by time (`since`, `until`); without it each such read scans the whole append-only table.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_at")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::At)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_audit_at").table(AuditEvents::Table).to_owned())
            .await
    }
}
