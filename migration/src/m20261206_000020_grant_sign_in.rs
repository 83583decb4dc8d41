//! Tokens belong to the sign-in that earned them: refresh tokens and access tokens record the `sid` of the
//! browser sign-in they descend from (NULL for client credentials), and refresh tokens whether their family was
//! granted `offline_access` (it survives the end of that sign-in, never a credential event). Indexed by sign-in
//! and by user, so ending a sign-in or a user's credentials revokes what they earned in one statement each.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Sid,
    Offline,
    UserId,
}

#[derive(DeriveIden)]
enum IssuedTokens {
    Table,
    Sid,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(RefreshTokens::Table)
                    .add_column(ColumnDef::new(RefreshTokens::Sid).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RefreshTokens::Table)
                    .add_column(
                        ColumnDef::new(RefreshTokens::Offline)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IssuedTokens::Table)
                    .add_column(ColumnDef::new(IssuedTokens::Sid).string().null())
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "idx_refresh_tokens_sid",
                RefreshTokens::Table.into_iden(),
                RefreshTokens::Sid.into_iden(),
            ),
            (
                "idx_refresh_tokens_user",
                RefreshTokens::Table.into_iden(),
                RefreshTokens::UserId.into_iden(),
            ),
            (
                "idx_issued_tokens_sid",
                IssuedTokens::Table.into_iden(),
                IssuedTokens::Sid.into_iden(),
            ),
            (
                "idx_issued_tokens_user",
                IssuedTokens::Table.into_iden(),
                IssuedTokens::UserId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_refresh_tokens_sid", RefreshTokens::Table.into_iden()),
            ("idx_refresh_tokens_user", RefreshTokens::Table.into_iden()),
            ("idx_issued_tokens_sid", IssuedTokens::Table.into_iden()),
            ("idx_issued_tokens_user", IssuedTokens::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for column in [RefreshTokens::Sid, RefreshTokens::Offline] {
            manager
                .alter_table(
                    Table::alter()
                        .table(RefreshTokens::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(IssuedTokens::Table)
                    .drop_column(IssuedTokens::Sid)
                    .to_owned(),
            )
            .await
    }
}
