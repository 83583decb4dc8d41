use async_trait::async_trait;
use entity::audit_event;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, QuerySelect, Select, Set};

use super::appender::Row;
use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::audit::{AuditCount, AuditEvent, AuditFilter, AuditRecord, Outcome};
use crate::core::store::AuditStore;

fn outcome(text: &str) -> Outcome {
    match text {
        "success" => Outcome::Success,
        "denied" => Outcome::Denied,
        _ => Outcome::Failure,
    }
}

/// `query` narrowed to the events `filter` matches (every field that is set).
fn filtered(mut query: Select<audit_event::Entity>, filter: &AuditFilter) -> Select<audit_event::Entity> {
    use audit_event::Column;
    if let Some(subject) = &filter.subject_user_id {
        query = query.filter(Column::SubjectUserId.eq(subject.as_str()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(Column::Actor.eq(actor.as_str()));
    }
    match filter.kind.as_deref().map(|k| (k, k.strip_suffix('*'))) {
        Some((_, Some(prefix))) => {
            let pattern = format!("{}%", super::users::escape_like(prefix));
            query =
                query.filter(Expr::col(Column::Kind).like(LikeExpr::new(pattern).escape(super::users::LIKE_ESCAPE)));
        }
        Some((kind, None)) => query = query.filter(Column::Kind.eq(kind)),
        None => {}
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(Column::Outcome.eq(outcome.as_str()));
    }
    if let Some(since) = filter.since {
        query = query.filter(Column::At.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(Column::At.lt(until));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(Column::Id.lt(before));
    }
    query
}

pub(super) fn audit_row(e: &AuditEvent) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: NotSet,
        at: Set(e.at),
        kind: Set(e.kind.clone()),
        outcome: Set(e.outcome.as_str().to_string()),
        actor: Set(e.actor.clone()),
        subject_user_id: Set(e.subject_user_id.clone()),
        ip: Set(e.ip.clone()),
        user_agent: Set(e.user_agent.clone()),
        request_id: Set(e.request_id.clone()),
        details: Set(e.details.to_string()),
    }
}

#[async_trait]
impl AuditStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "append_audit"))]
    async fn append_audit(&self, e: &AuditEvent) -> Result<()> {
        self.appender.append(&self.db, vec![Row::Audit(audit_row(e))]).await
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "search_audit"))]
    async fn search_audit(&self, filter: &AuditFilter, limit: u64) -> Result<Vec<AuditRecord>> {
        let query = filtered(audit_event::Entity::find(), filter)
            .order_by_desc(audit_event::Column::Id)
            .limit(limit);
        Ok(query
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|m| AuditRecord {
                id: m.id,
                event: AuditEvent {
                    at: m.at,
                    outcome: outcome(&m.outcome),
                    kind: m.kind,
                    actor: m.actor,
                    subject_user_id: m.subject_user_id,
                    ip: m.ip,
                    user_agent: m.user_agent,
                    request_id: m.request_id,
                    details: serde_json::from_str(&m.details).unwrap_or(serde_json::Value::Null),
                },
            })
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "count_audit"))]
    async fn count_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditCount>> {
        use audit_event::Column;
        let rows: Vec<(String, String, i64)> = filtered(audit_event::Entity::find(), filter)
            .select_only()
            .column(Column::Kind)
            .column(Column::Outcome)
            .column_as(Expr::col(Column::Id).count(), "n")
            .group_by(Column::Kind)
            .group_by(Column::Outcome)
            .order_by_asc(Column::Kind)
            .order_by_asc(Column::Outcome)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(kind, text, n)| AuditCount {
                kind,
                outcome: outcome(&text),
                count: u64::try_from(n).unwrap_or(0),
            })
            .collect())
    }
}
