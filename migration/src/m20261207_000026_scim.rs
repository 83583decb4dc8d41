//! Directory provisioning (SCIM 2.0): what an HR system or directory tells us about a person beyond the account
//! itself, the groups it keeps, which Gatehouse roles those groups grant, and the static bearer tokens such
//! systems authenticate with.
//!
//! - `user_directory`: one row per account, written when it is created (its `source`: cli, console, api, scim,
//!   setup) and kept current by SCIM (`externalId`, name parts, enterprise attributes, a manager reference not
//!   yet resolved, and `deleted_at` for an account deleted over SCIM whose personal data waits for its purge).
//! - `scim_groups`, `scim_group_members`: the directory's groups, as the directory sends them.
//! - `role_scim_groups`: the explicit table of which group grants which role (by group name).
//! - `scim_role_grants`: which of an account's `user_roles` rows a group granted (so a group leaving takes only
//!   those away, never a role an administrator gave by hand).
//! - `scim_tokens`: static bearer tokens, stored as SHA-256 digests.
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
enum Roles {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum UserDirectory {
    Table,
    UserId,
    Source,
    SourceClient,
    ExternalId,
    GivenName,
    FamilyName,
    EmployeeNumber,
    Department,
    ManagerRef,
    DeletedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScimGroups {
    Table,
    Id,
    DisplayName,
    NameNormalized,
    ExternalId,
    SourceClient,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScimGroupMembers {
    Table,
    GroupId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoleScimGroups {
    Table,
    RoleName,
    GroupNormalized,
    GroupName,
    AllowAdmin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ScimRoleGrants {
    Table,
    UserId,
    RoleName,
}

#[derive(DeriveIden)]
enum ScimTokens {
    Table,
    Id,
    Name,
    TokenHash,
    CreatedAt,
    CreatedBy,
    LastUsedAt,
    RevokedAt,
}

fn to_user(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserDirectory::Table)
                    .col(string_len(UserDirectory::UserId, 36).primary_key())
                    .col(string_len(UserDirectory::Source, 16))
                    .col(string_len_null(UserDirectory::SourceClient, 200))
                    .col(string_len_null(UserDirectory::ExternalId, 256))
                    .col(string_len_null(UserDirectory::GivenName, 128))
                    .col(string_len_null(UserDirectory::FamilyName, 128))
                    .col(string_len_null(UserDirectory::EmployeeNumber, 128))
                    .col(string_len_null(UserDirectory::Department, 128))
                    .col(string_len_null(UserDirectory::ManagerRef, 256))
                    .col(timestamp_with_time_zone_null(UserDirectory::DeletedAt))
                    .col(timestamp_with_time_zone(UserDirectory::UpdatedAt))
                    .foreign_key(&mut to_user((UserDirectory::Table, UserDirectory::UserId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_directory_external_id")
                    .table(UserDirectory::Table)
                    .col(UserDirectory::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_directory_manager_ref")
                    .table(UserDirectory::Table)
                    .col(UserDirectory::ManagerRef)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ScimGroups::Table)
                    .col(string_len(ScimGroups::Id, 36).primary_key())
                    .col(string_len(ScimGroups::DisplayName, 256))
                    .col(string_len(ScimGroups::NameNormalized, 256).unique_key())
                    .col(string_len_null(ScimGroups::ExternalId, 256))
                    .col(string_len_null(ScimGroups::SourceClient, 200))
                    .col(timestamp_with_time_zone(ScimGroups::CreatedAt))
                    .col(timestamp_with_time_zone(ScimGroups::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScimGroupMembers::Table)
                    .col(string_len(ScimGroupMembers::GroupId, 36))
                    .col(string_len(ScimGroupMembers::UserId, 36))
                    .col(timestamp_with_time_zone(ScimGroupMembers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ScimGroupMembers::GroupId)
                            .col(ScimGroupMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ScimGroupMembers::Table, ScimGroupMembers::GroupId)
                            .to(ScimGroups::Table, ScimGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_user((ScimGroupMembers::Table, ScimGroupMembers::UserId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scim_group_members_user")
                    .table(ScimGroupMembers::Table)
                    .col(ScimGroupMembers::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleScimGroups::Table)
                    .col(string_len(RoleScimGroups::RoleName, 64))
                    .col(string_len(RoleScimGroups::GroupNormalized, 256))
                    .col(string_len(RoleScimGroups::GroupName, 256))
                    .col(boolean(RoleScimGroups::AllowAdmin).default(false))
                    .col(timestamp_with_time_zone(RoleScimGroups::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(RoleScimGroups::RoleName)
                            .col(RoleScimGroups::GroupNormalized),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleScimGroups::Table, RoleScimGroups::RoleName)
                            .to(Roles::Table, Roles::Name)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScimRoleGrants::Table)
                    .col(string_len(ScimRoleGrants::UserId, 36))
                    .col(string_len(ScimRoleGrants::RoleName, 64))
                    .primary_key(
                        Index::create()
                            .col(ScimRoleGrants::UserId)
                            .col(ScimRoleGrants::RoleName),
                    )
                    .foreign_key(&mut to_user((ScimRoleGrants::Table, ScimRoleGrants::UserId)))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ScimTokens::Table)
                    .col(string_len(ScimTokens::Id, 36).primary_key())
                    .col(string_len(ScimTokens::Name, 64).unique_key())
                    .col(string_len(ScimTokens::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(ScimTokens::CreatedAt))
                    .col(string_len(ScimTokens::CreatedBy, 200))
                    .col(timestamp_with_time_zone_null(ScimTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ScimTokens::RevokedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ScimTokens::Table.into_iden(),
            ScimRoleGrants::Table.into_iden(),
            RoleScimGroups::Table.into_iden(),
            ScimGroupMembers::Table.into_iden(),
            ScimGroups::Table.into_iden(),
            UserDirectory::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
