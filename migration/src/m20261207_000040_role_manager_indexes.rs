//! Indexes for the lookups that read users by role or by manager: `user_roles.role_name` (the administrators to
//! tell when a password or factor locks, the last-administrator guards, the console's role pages) and
//! `users.manager_id` (whether someone manages anyone, for approval routing; and deleting a user, whose
//! `ON DELETE SET NULL` must find the people they managed). The primary key of `user_roles` starts with
//! `user_id`, so it cannot serve a lookup by role; without these, each such read scans the whole table — 60 to
//! 130 ms at a million users on PostgreSQL (docs/operations.md, "PostgreSQL at a million users").
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    RoleName,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    ManagerId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_user_roles_role")
                    .table(UserRoles::Table)
                    .col(UserRoles::RoleName)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_manager")
                    .table(Users::Table)
                    .col(Users::ManagerId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_users_manager").table(Users::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_user_roles_role")
                    .table(UserRoles::Table)
                    .to_owned(),
            )
            .await
    }
}
