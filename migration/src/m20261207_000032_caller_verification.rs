//! Caller verification before a factor reset is executed (`core::recovery::verify`).
//!
//! `caller_verifications`: one row per prompt sent by a helpdesk agent to the subject or their manager — whom
//! (`target`, `target_user_id`), how (`channel`), by whom (`sent_by`), the link token's SHA-256 digest, the number
//! the agent reads and the three the page offers (to render the page and judge the pick), the state
//! (`pending`, `passed`, `failed`, `mismatch`, `timed_out`) and when it was sent, ends and was answered.
//!
//! `caller_verification_overrides`: at most one per request (the request id is the key) — the agent who recorded
//! that the caller was verified otherwise, why, and when. A table of its own rather than columns on
//! `factor_resets`: most requests never have one, and it is written by someone other than the request's actors.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FactorResets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CallerVerifications {
    Table,
    Id,
    RequestId,
    Target,
    TargetUserId,
    Channel,
    SentBy,
    TokenHash,
    Number,
    Choices,
    State,
    CreatedAt,
    ExpiresAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum CallerVerificationOverrides {
    Table,
    RequestId,
    OverrideBy,
    OverrideReason,
    OverrideAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CallerVerifications::Table)
                    .col(string_len(CallerVerifications::Id, 36).primary_key())
                    .col(string_len(CallerVerifications::RequestId, 36))
                    .col(string_len(CallerVerifications::Target, 16))
                    .col(string_len(CallerVerifications::TargetUserId, 36))
                    .col(string_len(CallerVerifications::Channel, 8))
                    .col(string_len(CallerVerifications::SentBy, 36))
                    .col(string_len_uniq(CallerVerifications::TokenHash, 64))
                    .col(small_integer(CallerVerifications::Number))
                    .col(string_len(CallerVerifications::Choices, 16))
                    .col(string_len(CallerVerifications::State, 16))
                    .col(timestamp_with_time_zone(CallerVerifications::CreatedAt))
                    .col(timestamp_with_time_zone(CallerVerifications::ExpiresAt))
                    .col(timestamp_with_time_zone_null(CallerVerifications::AnsweredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CallerVerifications::Table, CallerVerifications::RequestId)
                            .to(FactorResets::Table, FactorResets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The rate limits count a request's and an agent's recent prompts.
        for (name, column) in [
            ("idx_caller_verifications_request", CallerVerifications::RequestId),
            ("idx_caller_verifications_sent_by", CallerVerifications::SentBy),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(CallerVerifications::Table)
                        .col(column)
                        .col(CallerVerifications::CreatedAt)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CallerVerificationOverrides::Table)
                    .col(string_len(CallerVerificationOverrides::RequestId, 36).primary_key())
                    .col(string_len(CallerVerificationOverrides::OverrideBy, 36))
                    .col(text(CallerVerificationOverrides::OverrideReason))
                    .col(timestamp_with_time_zone(CallerVerificationOverrides::OverrideAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CallerVerificationOverrides::Table,
                                CallerVerificationOverrides::RequestId,
                            )
                            .to(FactorResets::Table, FactorResets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CallerVerificationOverrides::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CallerVerifications::Table).to_owned())
            .await
    }
}
