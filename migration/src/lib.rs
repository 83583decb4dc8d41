//! Schema migrations, shared by SQLite and PostgreSQL. `gatehouse serve` and `gatehouse migrate` apply them.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_accounts;
mod m20261123_000002_factors;
mod m20261123_000003_sms_codes;
mod m20261123_000004_hardware_tokens;
mod m20261123_000005_webauthn_ceremonies;
mod m20261123_000006_oidc;
mod m20261123_000007_refresh_tokens;
mod m20261123_000008_oidc_clients_keys;
mod m20261123_000009_device_codes;
mod m20261123_000010_role_policies;
mod m20261123_000011_saml;
mod m20261123_000012_client_min_acr;
mod m20261123_000013_trusted_devices;
mod m20261123_000014_factor_resets;
mod m20261123_000015_saml_slo;
mod m20261123_000016_sp_min_acr;
mod m20261123_000017_sp_encryption_attributes;
mod m20261123_000018_role_recovery_delay;
mod m20261206_000020_grant_sign_in;
mod m20261206_000021_client_service_role;
mod m20261207_000022_audit_at_index;
mod m20261207_000023_user_locale;
mod m20261207_000024_reset_approver_amr;
mod m20261207_000025_client_presentation;
mod m20261207_000026_scim;
mod m20261207_000027_approval_chain;
mod m20261207_000028_ssf;
mod m20261207_000029_temporary_access_pass;
mod m20261207_000030_role_recovery_policy;
mod m20261207_000031_reset_recovery_path;
mod m20261207_000032_caller_verification;
mod m20261207_000033_ssf_status_subjects;
mod m20261207_000034_pushed_authorization;
mod m20261207_000035_dpop;
mod m20261207_000036_client_resources;
mod m20261207_000037_acr_ages;
mod m20261207_000038_sign_in_approvals;
mod m20261207_000039_passkey_profiles;
mod m20261207_000040_role_manager_indexes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_accounts::Migration),
            Box::new(m20261123_000002_factors::Migration),
            Box::new(m20261123_000003_sms_codes::Migration),
            Box::new(m20261123_000004_hardware_tokens::Migration),
            Box::new(m20261123_000005_webauthn_ceremonies::Migration),
            Box::new(m20261123_000006_oidc::Migration),
            Box::new(m20261123_000007_refresh_tokens::Migration),
            Box::new(m20261123_000008_oidc_clients_keys::Migration),
            Box::new(m20261123_000009_device_codes::Migration),
            Box::new(m20261123_000010_role_policies::Migration),
            Box::new(m20261123_000011_saml::Migration),
            Box::new(m20261123_000012_client_min_acr::Migration),
            Box::new(m20261123_000013_trusted_devices::Migration),
            Box::new(m20261123_000014_factor_resets::Migration),
            Box::new(m20261123_000015_saml_slo::Migration),
            Box::new(m20261123_000016_sp_min_acr::Migration),
            Box::new(m20261123_000017_sp_encryption_attributes::Migration),
            Box::new(m20261123_000018_role_recovery_delay::Migration),
            Box::new(m20261206_000020_grant_sign_in::Migration),
            Box::new(m20261206_000021_client_service_role::Migration),
            Box::new(m20261207_000022_audit_at_index::Migration),
            Box::new(m20261207_000023_user_locale::Migration),
            Box::new(m20261207_000024_reset_approver_amr::Migration),
            Box::new(m20261207_000025_client_presentation::Migration),
            Box::new(m20261207_000026_scim::Migration),
            Box::new(m20261207_000027_approval_chain::Migration),
            Box::new(m20261207_000028_ssf::Migration),
            Box::new(m20261207_000029_temporary_access_pass::Migration),
            Box::new(m20261207_000030_role_recovery_policy::Migration),
            Box::new(m20261207_000031_reset_recovery_path::Migration),
            Box::new(m20261207_000032_caller_verification::Migration),
            Box::new(m20261207_000033_ssf_status_subjects::Migration),
            Box::new(m20261207_000034_pushed_authorization::Migration),
            Box::new(m20261207_000035_dpop::Migration),
            Box::new(m20261207_000036_client_resources::Migration),
            Box::new(m20261207_000037_acr_ages::Migration),
            Box::new(m20261207_000038_sign_in_approvals::Migration),
            Box::new(m20261207_000039_passkey_profiles::Migration),
            Box::new(m20261207_000040_role_manager_indexes::Migration),
        ]
    }
}
