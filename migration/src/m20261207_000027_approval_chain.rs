//! Approval routing through the manager graph (`core::recovery::route`).
//!
//! `manager_absences`: one out-of-office record per person (set by themselves or an administrator), with an
//! optional delegate and an optional end (`until` NULL: until cleared). Kept in a table of its own rather than on
//! `users`: it is about who approves resets, not about the account, and most people never have one.
//!
//! `factor_resets` gains the route each request took when it was opened: `approval_route` (JSON: every person
//! looked at, asked or skipped and why), and who was asked — `routed_approver_id` (one person) or `routed_role`
//! (the eligible members of the fallback role); all NULL for requests opened before this migration, which their
//! manager decides as before.
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
enum ManagerAbsences {
    Table,
    UserId,
    DelegateId,
    Until,
    SetBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FactorResets {
    Table,
    ApprovalRoute,
    RoutedApproverId,
    RoutedRole,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ManagerAbsences::Table)
                    .col(string_len(ManagerAbsences::UserId, 36).primary_key())
                    .col(string_len_null(ManagerAbsences::DelegateId, 36))
                    .col(timestamp_with_time_zone_null(ManagerAbsences::Until))
                    .col(string_len(ManagerAbsences::SetBy, 255))
                    .col(timestamp_with_time_zone(ManagerAbsences::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ManagerAbsences::Table, ManagerAbsences::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ManagerAbsences::Table, ManagerAbsences::DelegateId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds only one column per ALTER TABLE.
        for column in [
            ColumnDef::new(FactorResets::ApprovalRoute).text().null().to_owned(),
            ColumnDef::new(FactorResets::RoutedApproverId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(FactorResets::RoutedRole)
                .string_len(64)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(FactorResets::Table).add_column(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            FactorResets::ApprovalRoute,
            FactorResets::RoutedApproverId,
            FactorResets::RoutedRole,
        ] {
            manager
                .alter_table(Table::alter().table(FactorResets::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ManagerAbsences::Table).to_owned())
            .await
    }
}
