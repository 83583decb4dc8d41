//! The temporary access pass an agent may hand out when executing an approved factor reset: its keyed digest
//! (`factor_resets.pass_hash`, HMAC-SHA256 under a server key — the pass has too little entropy for a plain hash),
//! when it stops working (`pass_expires_at`) and when it was used (`pass_used_at`). All NULL for a reset executed
//! without a pass, and for resets executed before this column existed.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FactorResets {
    Table,
    PassHash,
    PassExpiresAt,
    PassUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            ColumnDef::new(FactorResets::PassHash).string().null().to_owned(),
            ColumnDef::new(FactorResets::PassExpiresAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(FactorResets::PassUsedAt)
                .timestamp_with_time_zone()
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
            FactorResets::PassHash,
            FactorResets::PassExpiresAt,
            FactorResets::PassUsedAt,
        ] {
            manager
                .alter_table(Table::alter().table(FactorResets::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
