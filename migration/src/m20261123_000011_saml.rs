//! The SAML 2.0 identity provider: its signing keys and certificates (private halves sealed), registered service
//! providers (with the metadata they were registered from), the AuthnRequest IDs already seen (the replay cache
//! every instance shares), and AuthnRequests waiting for the user to sign in.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SamlKeys {
    Table,
    Id,
    PrivateEnc,
    Certificate,
    CreatedAt,
    ActivatesAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum SamlServiceProviders {
    Table,
    EntityId,
    Metadata,
    AcsEndpoints,
    Certificates,
    AuthnRequestsSigned,
    WantAssertionsSigned,
    SignResponse,
    NameIdFormat,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SamlRequestIds {
    Table,
    KeyHash,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SamlPendingRequests {
    Table,
    Id,
    SpEntityId,
    Params,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SamlKeys::Table)
                    .col(string_len(SamlKeys::Id, 64).primary_key())
                    .col(text(SamlKeys::PrivateEnc))
                    .col(text(SamlKeys::Certificate))
                    .col(timestamp_with_time_zone(SamlKeys::CreatedAt))
                    .col(timestamp_with_time_zone(SamlKeys::ActivatesAt))
                    .col(timestamp_with_time_zone_null(SamlKeys::RetiredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SamlServiceProviders::Table)
                    .col(string_len(SamlServiceProviders::EntityId, 1024).primary_key())
                    .col(text(SamlServiceProviders::Metadata))
                    .col(text(SamlServiceProviders::AcsEndpoints))
                    .col(text(SamlServiceProviders::Certificates))
                    .col(boolean(SamlServiceProviders::AuthnRequestsSigned))
                    .col(boolean(SamlServiceProviders::WantAssertionsSigned))
                    .col(boolean(SamlServiceProviders::SignResponse))
                    .col(string_len(SamlServiceProviders::NameIdFormat, 32))
                    .col(timestamp_with_time_zone(SamlServiceProviders::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SamlRequestIds::Table)
                    .col(string_len(SamlRequestIds::KeyHash, 64).primary_key())
                    .col(timestamp_with_time_zone(SamlRequestIds::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_saml_request_ids_expires_at")
                    .table(SamlRequestIds::Table)
                    .col(SamlRequestIds::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SamlPendingRequests::Table)
                    .col(string_len(SamlPendingRequests::Id, 64).primary_key())
                    .col(string_len(SamlPendingRequests::SpEntityId, 1024))
                    .col(text(SamlPendingRequests::Params))
                    .col(timestamp_with_time_zone(SamlPendingRequests::CreatedAt))
                    .col(timestamp_with_time_zone(SamlPendingRequests::ExpiresAt))
                    .to_owned(),
            )
            .await
    }
}
