//! The OpenID Provider: signing keys (sealed), registered clients, pending authorization requests,
//! single-use authorization codes, issued access tokens (for revocation), and remembered consents.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    Alg,
    PrivateEnc,
    PublicJwk,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    ClientId,
    SecretHash,
    Public,
    RedirectUris,
    PostLogoutRedirectUris,
    AuthMethod,
    Grants,
    Trusted,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuthorizationRequests {
    Table,
    Id,
    ClientId,
    Params,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuthorizationCodes {
    Table,
    CodeHash,
    ClientId,
    UserId,
    Grant,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum IssuedTokens {
    Table,
    Jti,
    ClientId,
    UserId,
    CodeHash,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    UserId,
    ClientId,
    Scope,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .col(string_len(SigningKeys::Kid, 64).primary_key())
                    .col(string_len(SigningKeys::Alg, 16))
                    .col(text(SigningKeys::PrivateEnc))
                    .col(text(SigningKeys::PublicJwk))
                    .col(timestamp_with_time_zone(SigningKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(SigningKeys::RetiredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthClients::Table)
                    .col(string_len(OauthClients::ClientId, 128).primary_key())
                    .col(string_len_null(OauthClients::SecretHash, 64))
                    .col(boolean(OauthClients::Public))
                    .col(text(OauthClients::RedirectUris))
                    .col(text(OauthClients::PostLogoutRedirectUris))
                    .col(string_len(OauthClients::AuthMethod, 32))
                    .col(text(OauthClients::Grants))
                    .col(boolean(OauthClients::Trusted))
                    .col(timestamp_with_time_zone(OauthClients::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuthorizationRequests::Table)
                    .col(string_len(AuthorizationRequests::Id, 64).primary_key())
                    .col(string_len(AuthorizationRequests::ClientId, 128))
                    .col(text(AuthorizationRequests::Params))
                    .col(timestamp_with_time_zone(AuthorizationRequests::CreatedAt))
                    .col(timestamp_with_time_zone(AuthorizationRequests::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuthorizationCodes::Table)
                    .col(string_len(AuthorizationCodes::CodeHash, 64).primary_key())
                    .col(string_len(AuthorizationCodes::ClientId, 128))
                    .col(string_len(AuthorizationCodes::UserId, 36))
                    .col(text(AuthorizationCodes::Grant))
                    .col(timestamp_with_time_zone(AuthorizationCodes::CreatedAt))
                    .col(timestamp_with_time_zone(AuthorizationCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AuthorizationCodes::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IssuedTokens::Table)
                    .col(string_len(IssuedTokens::Jti, 64).primary_key())
                    .col(string_len(IssuedTokens::ClientId, 128))
                    .col(string_len(IssuedTokens::UserId, 36))
                    .col(string_len_null(IssuedTokens::CodeHash, 64))
                    .col(timestamp_with_time_zone(IssuedTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(IssuedTokens::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_issued_tokens_code")
                    .table(IssuedTokens::Table)
                    .col(IssuedTokens::CodeHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(string_len(Consents::UserId, 36))
                    .col(string_len(Consents::ClientId, 128))
                    .col(text(Consents::Scope))
                    .col(timestamp_with_time_zone(Consents::CreatedAt))
                    .primary_key(Index::create().col(Consents::UserId).col(Consents::ClientId))
                    .to_owned(),
            )
            .await
    }
}
