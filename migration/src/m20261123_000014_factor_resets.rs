//! Factor-reset requests (second-factor recovery). One row per request; `state` moves requested → approved →
//! waiting → done (or denied, cancelled, expired), each move a conditional UPDATE on the expected state. The
//! approval, cancel and enrolment links are stored only as SHA-256 digests, each bound to its request.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FactorResets {
    Table,
    Id,
    UserId,
    Factors,
    Reason,
    OpenedBy,
    OpenedIp,
    OpenedUserAgent,
    State,
    CreatedAt,
    ApprovalExpiresAt,
    ApprovalTokenHash,
    ApproverId,
    ApprovalNote,
    ApprovedAt,
    ExecutorId,
    ExecutedAt,
    ChecksPassed,
    CoolingOffUntil,
    CancelTokenHash,
    EnrolTokenHash,
    EnrolExpiresAt,
    EnrolUsedAt,
    ClosedBy,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FactorResets::Table)
                    .col(string_len(FactorResets::Id, 36).primary_key())
                    .col(string_len(FactorResets::UserId, 36))
                    .col(text(FactorResets::Factors))
                    .col(text(FactorResets::Reason))
                    .col(string_len(FactorResets::OpenedBy, 36))
                    .col(string_len_null(FactorResets::OpenedIp, 64))
                    .col(text_null(FactorResets::OpenedUserAgent))
                    .col(string_len(FactorResets::State, 16))
                    .col(timestamp_with_time_zone(FactorResets::CreatedAt))
                    .col(timestamp_with_time_zone(FactorResets::ApprovalExpiresAt))
                    .col(string_len_null(FactorResets::ApprovalTokenHash, 64).unique_key())
                    .col(string_len_null(FactorResets::ApproverId, 36))
                    .col(text_null(FactorResets::ApprovalNote))
                    .col(timestamp_with_time_zone_null(FactorResets::ApprovedAt))
                    .col(string_len_null(FactorResets::ExecutorId, 36))
                    .col(timestamp_with_time_zone_null(FactorResets::ExecutedAt))
                    .col(text(FactorResets::ChecksPassed))
                    .col(timestamp_with_time_zone_null(FactorResets::CoolingOffUntil))
                    .col(string_len_null(FactorResets::CancelTokenHash, 64).unique_key())
                    .col(string_len_null(FactorResets::EnrolTokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone_null(FactorResets::EnrolExpiresAt))
                    .col(timestamp_with_time_zone_null(FactorResets::EnrolUsedAt))
                    .col(string_len_null(FactorResets::ClosedBy, 64))
                    .col(timestamp_with_time_zone_null(FactorResets::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FactorResets::Table, FactorResets::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_factor_resets_user")
                    .table(FactorResets::Table)
                    .col(FactorResets::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_factor_resets_state")
                    .table(FactorResets::Table)
                    .col(FactorResets::State)
                    .to_owned(),
            )
            .await
    }
}
