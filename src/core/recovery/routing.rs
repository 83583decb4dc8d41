//! The approval route applied: when a request opens, the manager graph is read (`accounts::graph`), the route
//! decided (`route::resolve`, pure) and the approval link mailed to whoever was asked — the one person, or every
//! eligible member of the fallback role; when someone decides, where they stand towards the subject
//! ([`Line`]). `flow` calls these; they take the store and notifier themselves, so this file needs nothing of
//! `flow`.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::route::{self, ApprovalRoute};
use super::{FactorResetRequest, Line};
use crate::core::Result;
use crate::core::accounts::graph;
use crate::core::model::{User, UserStatus};
use crate::core::notify::{Notifier, mail};
use crate::core::policy::recovery::RecoveryPath;
use crate::core::store::Store;

/// The route of a request for `subject` opened by `requester` (`None`: the user themselves) taking `path`, with
/// `role` as the fallback, as the graph stands at `now`.
pub async fn resolve(
    store: &dyn Store,
    subject: &User,
    requester: Option<&str>,
    role: &str,
    path: RecoveryPath,
    now: DateTime<Utc>,
) -> Result<ApprovalRoute> {
    let graph = graph::for_routing(store, subject, role, now).await?;
    Ok(route::resolve_on(&graph, &subject.id, requester, role, path, now))
}

/// Where `approver` stands towards the subject `subject_id`: under them (managed by them, directly or further
/// down), or outside.
pub async fn line(store: &dyn Store, approver: &User, subject_id: &str) -> Result<Line> {
    Ok(if graph::reports_to(store, approver, subject_id).await? {
        Line::UnderSubject
    } else {
        Line::Outside
    })
}

/// What the approval mail says to one person asked.
pub struct Approval<'a> {
    pub subject: &'a User,
    pub request: &'a FactorResetRequest,
    pub link: String,
    pub hours: i64,
}

/// Mails the approval link to everyone the route asked (after the request and its `recovery.opened` event are
/// stored, so no link goes out for a request that was not recorded). A mail that fails is logged, never a reason
/// to undo the request: the console shows who was asked.
pub async fn mail_approvers(
    store: &dyn Store,
    notifier: &dyn Notifier,
    route: &ApprovalRoute,
    approval: &Approval<'_>,
) -> Result<()> {
    for step in route.steps.iter().filter(|s| s.asked()) {
        let Some(id) = step.user.as_deref() else {
            continue;
        };
        let Some(person) = store.user_by_id(id).await?.filter(|p| p.status == UserStatus::Active) else {
            continue;
        };
        let on_behalf_of = match step.delegate_of.as_deref() {
            Some(id) => store.user_by_id(id).await?.map(|m| m.display_name),
            None => None,
        };
        let values = json!({
            "display_name": person.display_name,
            "subject": approval.subject.display_name,
            "subject_username": approval.subject.username,
            "reason": approval.request.reason,
            "link": approval.link,
            "hours": approval.hours,
            "basis": step.position.as_str(),
            "on_behalf_of": on_behalf_of,
            "role": route.role,
        });
        if let Err(e) = mail(notifier, &person, "recovery_approval", values).await {
            tracing::warn!(error = %e, "could not mail the approval link");
        }
    }
    Ok(())
}
