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

/// One built-in role's initial policy.
struct Seed {
    role: &'static str,
    kinds: &'static str,
    mfa: bool,
    trusted_days: i32,
    reauth_absolute: Option<i32>,
    reauth_idle: Option<i32>,
}

/// Administrators and the helpdesk get phishing-resistant or app-based factors, the 12 h / 15 min
/// reauthentication of the security bar, and no trusted devices; ordinary users every kind and no requirement.
const DEFAULTS: [Seed; 3] = [
    Seed {
        role: "admin",
        kinds: r#"["webauthn","recovery_code"]"#,
        mfa: true,
        trusted_days: 0,
        reauth_absolute: Some(720),
        reauth_idle: Some(15),
    },
    Seed {
        role: "helpdesk",
        kinds: r#"["webauthn","totp","oath_token","recovery_code"]"#,
        mfa: true,
        trusted_days: 0,
        reauth_absolute: Some(720),
        reauth_idle: Some(15),
    },
    Seed {
        role: "user",
        kinds: r#"["webauthn","totp","oath_token","sms","recovery_code"]"#,
        mfa: false,
        trusted_days: 30,
        reauth_absolute: None,
        reauth_idle: None,
    },
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
        for seed in DEFAULTS {
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
                    seed.role.into(),
                    seed.kinds.into(),
                    seed.mfa.into(),
                    0.into(),
                    seed.trusted_days.into(),
                    seed.reauth_absolute.into(),
                    seed.reauth_idle.into(),
                    now.into(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }
}
