//! SAML, second slice: per-SP settings for IdP-initiated SSO and access by role, the SP's SingleLogoutService
//! endpoints (taken from its metadata), and which service providers each browser session signed in to — with the NameID and
//! SessionIndex they were given — so single logout can check a LogoutRequest against the session and log the
//! session out of every SP it reached.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SamlServiceProviders {
    Table,
    AllowIdpInitiated,
    SloEndpoints,
    AllowedRoles,
}

#[derive(DeriveIden)]
enum SamlSessionParticipants {
    Table,
    SessionHash,
    SpEntityId,
    NameId,
    NameIdFormat,
    SessionIndex,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(boolean(SamlServiceProviders::AllowIdpInitiated).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(text(SamlServiceProviders::SloEndpoints).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SamlServiceProviders::Table)
                    .add_column(text(SamlServiceProviders::AllowedRoles).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SamlSessionParticipants::Table)
                    .col(string_len(SamlSessionParticipants::SessionHash, 64))
                    .col(string_len(SamlSessionParticipants::SpEntityId, 1024))
                    .col(text(SamlSessionParticipants::NameId))
                    .col(string_len(SamlSessionParticipants::NameIdFormat, 32))
                    .col(string_len(SamlSessionParticipants::SessionIndex, 64))
                    .col(timestamp_with_time_zone(SamlSessionParticipants::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(SamlSessionParticipants::SessionHash)
                            .col(SamlSessionParticipants::SpEntityId),
                    )
                    .to_owned(),
            )
            .await
    }
}
