//! Passkey profiles per role (issue #18): `role_policies.passkey_profile`, a JSON object of what the role asks of
//! WebAuthn credentials (`{"attestation": "required", "aaguids": ["…"], "device_bound": true,
//! "user_verification": true}`; NULL: nothing beyond the defaults, `core::policy::passkey_profile`). What each
//! credential is (attested, its AAGUID, its flags) lives in the factor's JSON data, so no factor column changes.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RolePolicies {
    Table,
    PasskeyProfile,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RolePolicies::Table)
                    .add_column(ColumnDef::new(RolePolicies::PasskeyProfile).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RolePolicies::Table)
                    .drop_column(RolePolicies::PasskeyProfile)
                    .to_owned(),
            )
            .await
    }
}
