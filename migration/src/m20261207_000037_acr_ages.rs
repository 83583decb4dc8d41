//! Step-up with lifetimes (RFC 9470, issue #18): `sessions.acr_proofs`, a JSON object of when the session last
//! proved each assurance level (NULL for sessions stored before: their levels are read from `amr` and
//! `auth_time`), and `role_policies.acr_max_age`, a JSON object of the role's maximum age per level in minutes
//! (`{"mfa": 1440, "phr": 720}`; NULL or a missing level: the role's built-in default, `core::policy::acr_age`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    AcrProofs,
}

#[derive(DeriveIden)]
enum RolePolicies {
    Table,
    AcrMaxAge,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(ColumnDef::new(Sessions::AcrProofs).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RolePolicies::Table)
                    .add_column(ColumnDef::new(RolePolicies::AcrMaxAge).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::AcrProofs)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RolePolicies::Table)
                    .drop_column(RolePolicies::AcrMaxAge)
                    .to_owned(),
            )
            .await
    }
}
