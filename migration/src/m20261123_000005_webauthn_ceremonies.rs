//! WebAuthn ceremony state, kept server-side: single use, short-lived, bound to the session (or the
//! passwordless sign-in cookie) that started it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebauthnCeremonies {
    Table,
    Key,
    Kind,
    State,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebauthnCeremonies::Table)
                    .col(string_len(WebauthnCeremonies::Key, 128).primary_key())
                    .col(string_len(WebauthnCeremonies::Kind, 32))
                    .col(text(WebauthnCeremonies::State))
                    .col(timestamp_with_time_zone(WebauthnCeremonies::CreatedAt))
                    .col(timestamp_with_time_zone(WebauthnCeremonies::ExpiresAt))
                    .col(timestamp_with_time_zone_null(WebauthnCeremonies::UsedAt))
                    .to_owned(),
            )
            .await
    }
}
