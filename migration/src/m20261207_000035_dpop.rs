//! DPoP (RFC 9449): the proofs seen, so each proof is accepted once across every instance, and per client whether
//! its token requests must carry a proof (`require_dpop`, false for every client registered before).
//!
//! A proof is remembered under its key's thumbprint and the SHA-256 digest of its `jti`; the primary key is the
//! unique constraint that makes a second use fail, whichever instance sees it. A row outlives the window in which
//! its proof's `iat` is accepted, then is deleted by the next proof recorded (the `expires_at` index finds them).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DpopProofs {
    Table,
    Jkt,
    JtiHash,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    RequireDpop,
}

const EXPIRES_INDEX: &str = "dpop_proofs_expires";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DpopProofs::Table)
                    .col(string_len(DpopProofs::Jkt, 64))
                    .col(string_len(DpopProofs::JtiHash, 64))
                    .col(timestamp_with_time_zone(DpopProofs::ExpiresAt))
                    .primary_key(Index::create().col(DpopProofs::Jkt).col(DpopProofs::JtiHash))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(EXPIRES_INDEX)
                    .table(DpopProofs::Table)
                    .col(DpopProofs::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .add_column(boolean(OauthClients::RequireDpop).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .drop_column(OauthClients::RequireDpop)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DpopProofs::Table).to_owned())
            .await
    }
}
