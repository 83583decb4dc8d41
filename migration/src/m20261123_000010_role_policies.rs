//! Per-role authentication policy (`core::policy::RolePolicy`): one row per role, seeded for the built-in
//! roles. Allowed factor kinds are a JSON list of `FactorKind` names, the enforcement date is `YYYY-MM-DD` text
//! (identical on SQLite and PostgreSQL, and compared only in Rust).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RolePolicies {
    Table,
    Role,
    AllowedFactors,
    MfaRequired,
    EnforceFrom,
    GraceDays,
    TrustedDeviceDays,
    ReauthAbsoluteMinutes,
    ReauthIdleMinutes,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Name,
}

/// (role, allowed kinds, MFA required, trusted-device days, reauth absolute / idle minutes). Administrators
/// and the helpdesk get phishing-resistant or app-based factors, the 12 h / 15 min reauthentication of the
/// security bar, and no trusted devices; ordinary users every kind and no requirement.
const DEFAULTS: [(&str, &str, bool, i32, Option<i32>, Option<i32>); 3] = [
    ("admin", r#"["webauthn","recovery_code"]"#, true, 0, Some(720), Some(15)),
    (
        "helpdesk",
        r#"["webauthn","totp","oath_token","recovery_code"]"#,
        true,
        0,
        Some(720),
        Some(15),
    ),
    (
        "user",
        r#"["webauthn","totp","oath_token","sms","recovery_code"]"#,
        false,
        30,
        None,
        None,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RolePolicies::Table)
                    .col(string_len(RolePolicies::Role, 64).primary_key())
                    .col(text(RolePolicies::AllowedFactors))
                    .col(boolean(RolePolicies::MfaRequired).default(false))
                    .col(string_len_null(RolePolicies::EnforceFrom, 10))
                    .col(integer(RolePolicies::GraceDays).default(0))
                    .col(integer(RolePolicies::TrustedDeviceDays).default(0))
                    .col(integer_null(RolePolicies::ReauthAbsoluteMinutes))
                    .col(integer_null(RolePolicies::ReauthIdleMinutes))
                    .col(timestamp_with_time_zone(RolePolicies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RolePolicies::Table, RolePolicies::Role)
                            .to(Roles::Table, Roles::Name)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let now = chrono::Utc::now();
        for (role, kinds, mfa, trusted, absolute, idle) in DEFAULTS {
            let insert = Query::insert()
                .into_table(RolePolicies::Table)
                .columns([
                    RolePolicies::Role,
                    RolePolicies::AllowedFactors,
                    RolePolicies::MfaRequired,
                    RolePolicies::GraceDays,
                    RolePolicies::TrustedDeviceDays,
                    RolePolicies::ReauthAbsoluteMinutes,
                    RolePolicies::ReauthIdleMinutes,
                    RolePolicies::UpdatedAt,
                ])
                .values_panic([
                    role.into(),
                    kinds.into(),
                    mfa.into(),
                    0.into(),
                    trusted.into(),
                    absolute.into(),
                    idle.into(),
                    now.into(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }
}
