//! Cross-device sign-in approval (`core::signin::approval`).
//!
//! `sign_in_approvals`: one row per prompt a browser waiting for its second factor sent to the user's signed-in
//! browsers — whose (`user_id`), for which waiting sign-in (`pending_session`, the SHA-256 of that session's
//! cookie token), the number the new browser shows and the three the approving browser offers, where the new
//! browser is (`ip`, `user_agent`), the state (`pending`, `approved`, `denied`, `mismatch`, `ignored`, `used`),
//! when it was sent, ends and was answered, and which session answered (`approver_session`).
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
enum SignInApprovals {
    Table,
    Id,
    UserId,
    PendingSession,
    Number,
    Choices,
    State,
    Ip,
    UserAgent,
    CreatedAt,
    ExpiresAt,
    AnsweredAt,
    ApproverSession,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInApprovals::Table)
                    .col(string_len(SignInApprovals::Id, 36).primary_key())
                    .col(string_len(SignInApprovals::UserId, 36))
                    .col(string_len(SignInApprovals::PendingSession, 64))
                    .col(small_integer(SignInApprovals::Number))
                    .col(string_len(SignInApprovals::Choices, 16))
                    .col(string_len(SignInApprovals::State, 16))
                    .col(string_len_null(SignInApprovals::Ip, 64))
                    .col(string_len_null(SignInApprovals::UserAgent, 256))
                    .col(timestamp_with_time_zone(SignInApprovals::CreatedAt))
                    .col(timestamp_with_time_zone(SignInApprovals::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignInApprovals::AnsweredAt))
                    .col(string_len_null(SignInApprovals::ApproverSession, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SignInApprovals::Table, SignInApprovals::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The approving browser lists a user's recent prompts; the rate limit and the ignored streak count them.
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_in_approvals_user")
                    .table(SignInApprovals::Table)
                    .col(SignInApprovals::UserId)
                    .col(SignInApprovals::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // The waiting browser finds its own prompt.
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_in_approvals_pending_session")
                    .table(SignInApprovals::Table)
                    .col(SignInApprovals::PendingSession)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignInApprovals::Table).to_owned())
            .await
    }
}
