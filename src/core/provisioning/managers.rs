//! The manager the directory names. SCIM's `manager.value` is the manager's SCIM id (Entra ID sends that);
//! other systems send their own identifier (the externalId) or a username. A manager not provisioned yet is
//! remembered on the report's directory entry and linked when an account with that id, externalId or username
//! arrives (or is renamed into it).
use serde_json::json;

use crate::core::Result;
use crate::core::accounts;
use crate::core::audit::{AuditKind, Outcome};
use crate::core::context::RequestCtx;
use crate::core::model::{User, Username};
use crate::core::store::Store;

/// The account `reference` names, by SCIM id, externalId or username; `None` when nobody (yet).
pub(super) async fn resolve(store: &dyn Store, reference: Option<&str>) -> Result<Option<User>> {
    let Some(reference) = reference.map(str::trim).filter(|r| !r.is_empty() && r.len() <= 256) else {
        return Ok(None);
    };
    if let Some(user) = store.user_by_id(reference).await? {
        return Ok(Some(user));
    }
    if let Some(user) = store.user_by_external_id(reference).await? {
        return Ok(Some(user));
    }
    if let Ok(name) = Username::parse(reference)
        && let Some(user) = store.user_by_username(name.as_str()).await?
    {
        return Ok(Some(user));
    }
    Ok(None)
}

/// Links the reports that were waiting for `manager` (named by their id, externalId or username). A link that
/// would make a cycle is left waiting and audited as refused.
pub(super) async fn link_waiting_reports(
    ctx: &RequestCtx<'_>,
    manager: &User,
    external_id: Option<&str>,
) -> Result<()> {
    let mut references = vec![manager.id.clone(), manager.username.clone()];
    references.extend(external_id.map(str::to_string));
    for mut entry in ctx.store.entries_waiting_for_manager(&references).await? {
        let Some(report) = ctx.store.user_by_id(&entry.user_id).await? else {
            continue;
        };
        match accounts::set_manager(ctx.store, ctx.now, ctx.origin, &report, Some(&manager.username)).await {
            Ok(_) => {
                entry.manager_ref = None;
                entry.updated_at = ctx.now;
                ctx.store.put_directory_entry(&entry).await?;
                ctx.audit(
                    AuditKind::DirectoryManagerLinked,
                    Outcome::Success,
                    Some(&report.id),
                    json!({ "manager": manager.username, "manager_id": manager.id }),
                )
                .await?;
            }
            Err(crate::core::Error::Invalid(reason)) => {
                ctx.audit(
                    AuditKind::DirectoryManagerLinked,
                    Outcome::Denied,
                    Some(&report.id),
                    json!({ "manager": manager.username, "reason": reason }),
                )
                .await?;
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}
