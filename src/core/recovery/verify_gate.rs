//! The execution gate of caller verification, as `flow` calls it before executing a reset: the caller check the
//! subject's roles require, this request's prompts and override, decided by `verify::gate`. A module of its own so
//! that `flow` (which executes) and `verify_flow` (which sends and answers prompts through `flow`'s context) both
//! use it without importing each other.
use chrono::{DateTime, Utc};

use super::super::Result;
use super::super::policy::recovery::{CallerCheck, effective};
use super::super::store::Store;
use super::{FactorResetRequest, Refusal, verify};

/// The caller check that users holding `roles` need now (strictest wins, `policy::recovery::effective`).
pub async fn requirement(store: &dyn Store, now: DateTime<Utc>, roles: &[String]) -> Result<CallerCheck> {
    let policies = crate::core::policy::roles::policies_of(store, now, roles).await?;
    Ok(effective(policies.iter().map(|p| (p.role.as_str(), &p.recovery))).caller_check)
}

/// `Ok(Err(refusal))` while the caller of `request` is not verified as the subject's roles (`subject_roles`) require
/// for an execution by `executor_id` at `now`, and no override by someone else stands in; always `Ok(Ok(()))` where
/// the server does not verify callers (`enforced` false).
pub async fn check(
    store: &dyn Store,
    now: DateTime<Utc>,
    enforced: bool,
    request: &FactorResetRequest,
    executor_id: &str,
    subject_roles: &[String],
) -> Result<std::result::Result<(), Refusal>> {
    if !enforced {
        return Ok(Ok(()));
    }
    let required = requirement(store, now, subject_roles).await?;
    let prompts = store.caller_verifications_of(&request.id).await?;
    let overridden = store.verify_override(&request.id).await?;
    Ok(verify::gate(
        required,
        request,
        &prompts,
        executor_id,
        overridden.as_ref(),
        now,
    ))
}
