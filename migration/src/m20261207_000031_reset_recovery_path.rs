//! What a factor-reset request records of the recovery policy when it opens (issue #17 item 1):
//! `recovery_path`, the request path it takes (`approval` or `two-admins`, from the user's roles at that moment),
//! and `notice_addresses`, a JSON object of the e-mail addresses and phone numbers the user had then, to which
//! every notice of the request goes. NULL in both: a request opened before.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FactorResets {
    Table,
    RecoveryPath,
    NoticeAddresses,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [FactorResets::RecoveryPath, FactorResets::NoticeAddresses] {
            manager
                .alter_table(
                    Table::alter()
                        .table(FactorResets::Table)
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [FactorResets::RecoveryPath, FactorResets::NoticeAddresses] {
            manager
                .alter_table(Table::alter().table(FactorResets::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
