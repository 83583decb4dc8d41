//! Replays of authorization codes (so a redemption racing a replay revokes what it issued), per-client signing algorithm and inline JWKS (private_key_jwt), back-channel logout URIs, scheduled key
//! activation (rotation publishes the next key before it signs), a replay guard for client assertions, and the
//! relying parties each browser session signed in to (whom to tell when it ends).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    SigningAlg,
    Jwks,
    BackchannelLogoutUri,
}

#[derive(DeriveIden)]
enum AuthorizationCodes {
    Table,
    ReplayedAt,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    ActivatesAt,
}

#[derive(DeriveIden)]
enum ClientAssertions {
    Table,
    ClientId,
    JtiHash,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum RpSessions {
    Table,
    Sid,
    ClientId,
    SessionHash,
    UserId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one ADD COLUMN per statement.
        let columns = [
            ColumnDef::new(OauthClients::SigningAlg)
                .string_len(16)
                .not_null()
                .default("ES256")
                .to_owned(),
            ColumnDef::new(OauthClients::Jwks).text().null().to_owned(),
            ColumnDef::new(OauthClients::BackchannelLogoutUri)
                .text()
                .null()
                .to_owned(),
        ];
        for column in columns {
            manager
                .alter_table(Table::alter().table(OauthClients::Table).add_column(column).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AuthorizationCodes::Table)
                    .add_column(timestamp_with_time_zone_null(AuthorizationCodes::ReplayedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SigningKeys::Table)
                    .add_column(timestamp_with_time_zone_null(SigningKeys::ActivatesAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClientAssertions::Table)
                    .col(string_len(ClientAssertions::ClientId, 128))
                    .col(string_len(ClientAssertions::JtiHash, 64))
                    .col(timestamp_with_time_zone(ClientAssertions::ExpiresAt))
                    .primary_key(
                        Index::create()
                            .col(ClientAssertions::ClientId)
                            .col(ClientAssertions::JtiHash),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RpSessions::Table)
                    .col(string_len(RpSessions::Sid, 64))
                    .col(string_len(RpSessions::ClientId, 128))
                    .col(string_len(RpSessions::SessionHash, 64))
                    .col(string_len(RpSessions::UserId, 36))
                    .col(timestamp_with_time_zone(RpSessions::CreatedAt))
                    .primary_key(Index::create().col(RpSessions::Sid).col(RpSessions::ClientId))
                    .to_owned(),
            )
            .await
    }
}
