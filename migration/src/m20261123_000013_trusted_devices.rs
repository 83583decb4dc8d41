//! Trusted devices ("remember this browser"): one row per (browser, user), keyed by the SHA-256 of the
//! browser's random cookie, so one browser can hold the trust of several accounts. Also the per-role IP
//! allow and deny lists (JSON lists of CIDRs) on `role_policies`.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TrustedDevices {
    Table,
    Id,
    BrowserHash,
    UserId,
    UserAgent,
    CreatedAt,
    TrustedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum RolePolicies {
    Table,
    IpAllow,
    IpDeny,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrustedDevices::Table)
                    .col(string_len(TrustedDevices::Id, 36).primary_key())
                    .col(string_len(TrustedDevices::BrowserHash, 64))
                    .col(string_len(TrustedDevices::UserId, 36))
                    .col(string_len(TrustedDevices::UserAgent, 256))
                    .col(timestamp_with_time_zone(TrustedDevices::CreatedAt))
                    .col(timestamp_with_time_zone(TrustedDevices::TrustedAt))
                    .col(timestamp_with_time_zone(TrustedDevices::LastSeenAt))
                    .col(timestamp_with_time_zone(TrustedDevices::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrustedDevices::Table, TrustedDevices::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_trusted_devices_browser_user")
                    .table(TrustedDevices::Table)
                    .col(TrustedDevices::BrowserHash)
                    .col(TrustedDevices::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_trusted_devices_user")
                    .table(TrustedDevices::Table)
                    .col(TrustedDevices::UserId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds only one column per ALTER TABLE.
        for column in [RolePolicies::IpAllow, RolePolicies::IpDeny] {
            manager
                .alter_table(
                    Table::alter()
                        .table(RolePolicies::Table)
                        .add_column(text(column).default("[]"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
