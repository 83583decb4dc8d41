//! Role policies over sea-orm: one row per role, kinds as a JSON list of names, the date as `YYYY-MM-DD`.
use async_trait::async_trait;
use chrono::NaiveDate;
use entity::{role_policy, user, user_role};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QueryResult, Set};
use std::collections::{BTreeMap, BTreeSet};

use super::joined::{Prepared, col, columns, left_join, model};
use super::{SeaStore, db_error};
use crate::core::factors::FactorKind;
use crate::core::policy::recovery::{CallerCheck, RecoveryPath, RecoverySetting};
use crate::core::policy::{HeldRole, RolePolicy, normalize_kinds};
use crate::core::signin::ip_rules::{self, IpRules};
use crate::core::store::PolicyStore;
use crate::core::{Error, Result};

fn corrupt(what: &str, role: &str) -> Error {
    Error::Internal(format!("role_policies.{what} of '{role}' is unreadable"))
}

fn count(value: i32, what: &str, role: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| corrupt(what, role))
}

pub(super) fn to_domain(m: role_policy::Model) -> Result<RolePolicy> {
    let names: Vec<String> =
        serde_json::from_str(&m.allowed_factors).map_err(|_| corrupt("allowed_factors", &m.role))?;
    let kinds = names
        .iter()
        .map(|n| FactorKind::parse(n).ok_or_else(|| corrupt("allowed_factors", &m.role)))
        .collect::<Result<Vec<_>>>()?;
    let enforce_from = m
        .enforce_from
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| corrupt("enforce_from", &m.role)))
        .transpose()?;
    let minutes = |v: Option<i32>, what: &str| v.map(|v| count(v, what, &m.role)).transpose();
    Ok(RolePolicy {
        allowed_factors: normalize_kinds(&kinds),
        mfa_required: m.mfa_required,
        enforce_from,
        grace_days: count(m.grace_days, "grace_days", &m.role)?,
        trusted_device_days: count(m.trusted_device_days, "trusted_device_days", &m.role)?,
        reauth_absolute_minutes: minutes(m.reauth_absolute_minutes, "reauth_absolute_minutes")?,
        reauth_idle_minutes: minutes(m.reauth_idle_minutes, "reauth_idle_minutes")?,
        recovery_delay_minutes: minutes(m.recovery_delay_minutes, "recovery_delay_minutes")?,
        recovery: RecoverySetting {
            paths: m
                .recovery_paths
                .as_deref()
                .map(|json| paths(json).ok_or_else(|| corrupt("recovery_paths", &m.role)))
                .transpose()?,
            caller_check: m
                .recovery_caller_check
                .as_deref()
                .map(|c| CallerCheck::parse(c).ok_or_else(|| corrupt("recovery_caller_check", &m.role)))
                .transpose()?,
        },
        acr_max_age: m
            .acr_max_age
            .as_deref()
            .map(|json| serde_json::from_str(json).map_err(|_| corrupt("acr_max_age", &m.role)))
            .transpose()?
            .unwrap_or_default(),
        passkey_profile: m
            .passkey_profile
            .as_deref()
            .map(|json| serde_json::from_str(json).map_err(|_| corrupt("passkey_profile", &m.role)))
            .transpose()?
            .unwrap_or_default(),
        ip: IpRules {
            allow: cidrs(&m.ip_allow).ok_or_else(|| corrupt("ip_allow", &m.role))?,
            deny: cidrs(&m.ip_deny).ok_or_else(|| corrupt("ip_deny", &m.role))?,
        },
        updated_at: m.updated_at,
        role: m.role,
    })
}

const MEMBER: &str = "ur";
const POLICY: &str = "p";
const MEMBER_ROLE: &str = "ur_role_name";

/// Adds to `query` the roles of the user whose id is `user_id`, each left-joined to its stored policy, by role
/// name: the role's name as `ur_role_name`, the policy's columns under `p_`. The joined reads (a session, a
/// refresh) and `roles_with_policies_of_user` all read a user's roles this way; `roles_of_rows` reads them back.
/// A row per role held, or one row without a role when the user holds none.
pub(super) fn join_roles_with_policies(query: &mut SelectStatement, user_id: Expr) {
    query.expr_as(col(MEMBER, "role_name"), Alias::new(MEMBER_ROLE));
    columns::<role_policy::Entity>(query, POLICY);
    left_join::<user_role::Entity>(query, MEMBER, col(MEMBER, "user_id").eq(user_id));
    left_join::<role_policy::Entity>(query, POLICY, col(POLICY, "role").eq(col(MEMBER, "role_name")));
    query.order_by((Alias::new(MEMBER), Alias::new("role_name")), sea_orm::Order::Asc);
}

/// The roles that `join_roles_with_policies` added to the rows, by name, each with its stored policy if any.
pub(super) fn roles_of_rows(rows: &[QueryResult]) -> Result<Vec<HeldRole>> {
    let mut roles = Vec::new();
    for row in rows {
        let Some(role) = row.try_get::<Option<String>>("", MEMBER_ROLE).map_err(db_error)? else {
            continue;
        };
        let policy = model::<role_policy::Model>(row, POLICY)?.map(to_domain).transpose()?;
        roles.push(HeldRole { role, policy });
    }
    Ok(roles)
}

const USER: &str = "u";

/// The roles of a user, each left-joined to its stored policy, by role name.
fn roles_with_policies(user_id: &str) -> SelectStatement {
    let mut query = Query::select();
    query.from_as(user::Entity, Alias::new(USER));
    join_roles_with_policies(&mut query, col(USER, "id"));
    query.and_where(col(USER, "id").eq(user_id));
    query
}

static ROLES_WITH_POLICIES: Prepared = Prepared::new();

fn paths(json: &str) -> Option<Vec<RecoveryPath>> {
    let names: Vec<String> = serde_json::from_str(json).ok()?;
    names.iter().map(|n| RecoveryPath::parse(n)).collect()
}

fn cidrs(json: &str) -> Option<Vec<ipnet::IpNet>> {
    let names: Vec<String> = serde_json::from_str(json).ok()?;
    names.iter().map(|n| ip_rules::parse_cidr(n).ok()).collect()
}

fn cidr_json(list: &[ipnet::IpNet]) -> Result<String> {
    let names: Vec<String> = list.iter().map(|n| n.to_string()).collect();
    serde_json::to_string(&names).map_err(|e| Error::Internal(e.to_string()))
}

fn int(value: u32) -> Result<i32> {
    i32::try_from(value).map_err(|_| Error::invalid("The number is too large."))
}

fn to_model(p: &RolePolicy) -> Result<role_policy::ActiveModel> {
    let names: Vec<&str> = p.allowed_factors.iter().map(|k| k.as_str()).collect();
    Ok(role_policy::ActiveModel {
        role: Set(p.role.clone()),
        allowed_factors: Set(serde_json::to_string(&names).map_err(|e| Error::Internal(e.to_string()))?),
        mfa_required: Set(p.mfa_required),
        enforce_from: Set(p.enforce_from.map(|d| d.format("%Y-%m-%d").to_string())),
        grace_days: Set(int(p.grace_days)?),
        trusted_device_days: Set(int(p.trusted_device_days)?),
        reauth_absolute_minutes: Set(p.reauth_absolute_minutes.map(int).transpose()?),
        reauth_idle_minutes: Set(p.reauth_idle_minutes.map(int).transpose()?),
        ip_allow: Set(cidr_json(&p.ip.allow)?),
        ip_deny: Set(cidr_json(&p.ip.deny)?),
        recovery_delay_minutes: Set(p.recovery_delay_minutes.map(int).transpose()?),
        recovery_paths: Set(p
            .recovery
            .paths
            .as_ref()
            .map(|paths| serde_json::to_string(&paths.iter().map(|p| p.as_str()).collect::<Vec<_>>()))
            .transpose()
            .map_err(|e| Error::Internal(e.to_string()))?),
        recovery_caller_check: Set(p.recovery.caller_check.map(|c| c.as_str().to_string())),
        acr_max_age: Set(if p.acr_max_age == Default::default() {
            None
        } else {
            Some(serde_json::to_string(&p.acr_max_age).map_err(|e| Error::Internal(e.to_string()))?)
        }),
        passkey_profile: Set(if p.passkey_profile.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&p.passkey_profile).map_err(|e| Error::Internal(e.to_string()))?)
        }),
        updated_at: Set(p.updated_at),
    })
}

#[async_trait]
impl PolicyStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "role_policies"))]
    async fn role_policies(&self) -> Result<Vec<RolePolicy>> {
        role_policy::Entity::find()
            .order_by_asc(role_policy::Column::Role)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "roles_with_policies_of_user")
    )]
    async fn roles_with_policies_of_user(&self, user_id: &str) -> Result<Vec<HeldRole>> {
        let backend = self.db.get_database_backend();
        let statement = ROLES_WITH_POLICIES.statement(backend, || roles_with_policies(""), vec![user_id.into()]);
        roles_of_rows(&self.db.query_all_raw(statement).await.map_err(db_error)?)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "role_policy"))]
    async fn role_policy(&self, role: &str) -> Result<Option<RolePolicy>> {
        role_policy::Entity::find_by_id(role.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_role_policy"))]
    async fn put_role_policy(&self, policy: &RolePolicy) -> Result<()> {
        role_policy::Entity::insert(to_model(policy)?)
            .on_conflict(
                OnConflict::column(role_policy::Column::Role)
                    .update_columns([
                        role_policy::Column::AllowedFactors,
                        role_policy::Column::MfaRequired,
                        role_policy::Column::EnforceFrom,
                        role_policy::Column::GraceDays,
                        role_policy::Column::TrustedDeviceDays,
                        role_policy::Column::ReauthAbsoluteMinutes,
                        role_policy::Column::ReauthIdleMinutes,
                        role_policy::Column::IpAllow,
                        role_policy::Column::IpDeny,
                        role_policy::Column::RecoveryDelayMinutes,
                        role_policy::Column::RecoveryPaths,
                        role_policy::Column::RecoveryCallerCheck,
                        role_policy::Column::AcrMaxAge,
                        role_policy::Column::PasskeyProfile,
                        role_policy::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "role_sets"))]
    async fn role_sets(&self) -> Result<Vec<Vec<String>>> {
        let mut by_user: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in user_role::Entity::find().all(&self.db).await.map_err(db_error)? {
            by_user.entry(row.user_id).or_default().push(row.role_name);
        }
        let sets: BTreeSet<Vec<String>> = by_user
            .into_values()
            .filter(|roles| roles.len() > 1)
            .map(|mut roles| {
                roles.sort();
                roles
            })
            .collect();
        Ok(sets.into_iter().collect())
    }
}
