//! A user's language (`users.locale`): the one they last used Gatehouse in (`en`, `de`, …), remembered when they
//! sign in and when they switch languages, so that mails and text messages sent to them later — by an
//! administrator's action, a lockout, a sweeper — speak it. NULL: not known yet (the request's language, else the
//! installation's default, is used).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Locale,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::Locale).string_len(16).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Users::Table).drop_column(Users::Locale).to_owned())
            .await
    }
}
