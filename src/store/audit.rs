use async_trait::async_trait;
use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder, QuerySelect, Set};

use super::appender::Row;
use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::audit::{AuditEvent, AuditRecord, Outcome};
use crate::core::store::AuditStore;

fn outcome(text: &str) -> Outcome {
    match text {
        "success" => Outcome::Success,
        "denied" => Outcome::Denied,
        _ => Outcome::Failure,
    }
}

#[async_trait]
impl AuditStore for SeaStore {
    async fn append_audit(&self, e: &AuditEvent) -> Result<()> {
        let row = audit_event::ActiveModel {
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
        };
        self.appender.append(&self.db, Row::Audit(row)).await
    }

    async fn list_audit(&self, subject_user_id: Option<&str>, limit: u64) -> Result<Vec<AuditRecord>> {
        let mut query = audit_event::Entity::find()
            .order_by_desc(audit_event::Column::Id)
            .limit(limit);
        if let Some(subject) = subject_user_id {
            query = query.filter(audit_event::Column::SubjectUserId.eq(subject));
        }
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
}
