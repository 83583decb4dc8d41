//! Pushed Authorization Requests (RFC 9126): the requests clients push to `/par`, each kept until it is taken once
//! at `/authorize` or expires (≤ 60 s). Only the SHA-256 digest of the `request_uri`'s random part is stored, so
//! the table does not hold usable references. `used_at` is set by the one conditional `UPDATE` that takes a
//! request, so of concurrent uses across instances exactly one wins. And per client, whether it must push its
//! requests (`require_par`, false for every client registered before).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PushedAuthorizationRequests {
    Table,
    UriHash,
    ClientId,
    Params,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    RequirePar,
}

const CLIENT_INDEX: &str = "pushed_authorization_requests_client_expires";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PushedAuthorizationRequests::Table)
                    .col(string_len(PushedAuthorizationRequests::UriHash, 64).primary_key())
                    .col(string_len(PushedAuthorizationRequests::ClientId, 128))
                    .col(text(PushedAuthorizationRequests::Params))
                    .col(timestamp_with_time_zone(PushedAuthorizationRequests::CreatedAt))
                    .col(timestamp_with_time_zone(PushedAuthorizationRequests::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PushedAuthorizationRequests::UsedAt))
                    .to_owned(),
            )
            .await?;
        // Each push first clears its client's expired requests: this index finds them.
        manager
            .create_index(
                Index::create()
                    .name(CLIENT_INDEX)
                    .table(PushedAuthorizationRequests::Table)
                    .col(PushedAuthorizationRequests::ClientId)
                    .col(PushedAuthorizationRequests::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .add_column(boolean(OauthClients::RequirePar).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OauthClients::Table)
                    .drop_column(OauthClients::RequirePar)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PushedAuthorizationRequests::Table).to_owned())
            .await
    }
}
