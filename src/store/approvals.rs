//! Cross-device sign-in approval prompts over sea-orm. An answer, a use and an expiry are each one
//! `UPDATE … WHERE id = … AND state = …`, whose affected-row count says whether this caller won.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::sign_in_approval as sa;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{SeaStore, db_error};
use crate::core::signin::approval::{ApprovalState, SignInApproval};
use crate::core::store::ApprovalStore;
use crate::core::{Error, Result};

fn internal(what: &str, value: &str) -> Error {
    Error::Internal(format!("unknown sign-in approval {what} {value}"))
}

fn to_domain(m: sa::Model) -> Result<SignInApproval> {
    let numbers: Vec<u8> = m.choices.split(',').filter_map(|n| n.trim().parse().ok()).collect();
    let choices: [u8; 3] = numbers.try_into().map_err(|_| internal("choices", &m.choices))?;
    Ok(SignInApproval {
        state: ApprovalState::parse(&m.state).ok_or_else(|| internal("state", &m.state))?,
        number: u8::try_from(m.number).map_err(|_| internal("number", &m.number.to_string()))?,
        choices,
        id: m.id,
        user_id: m.user_id,
        pending_session: m.pending_session,
        ip: m.ip,
        user_agent: m.user_agent,
        created_at: m.created_at,
        expires_at: m.expires_at,
        answered_at: m.answered_at,
        approver_session: m.approver_session,
    })
}

#[async_trait]
impl ApprovalStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_sign_in_approval"))]
    async fn insert_sign_in_approval(&self, p: &SignInApproval) -> Result<()> {
        sa::ActiveModel {
            id: Set(p.id.clone()),
            user_id: Set(p.user_id.clone()),
            pending_session: Set(p.pending_session.clone()),
            number: Set(p.number.into()),
            choices: Set(p.choices.map(|n| n.to_string()).join(",")),
            state: Set(p.state.as_str().into()),
            ip: Set(p.ip.clone()),
            user_agent: Set(p.user_agent.clone()),
            created_at: Set(p.created_at),
            expires_at: Set(p.expires_at),
            answered_at: Set(p.answered_at),
            approver_session: Set(p.approver_session.clone()),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "sign_in_approval"))]
    async fn sign_in_approval(&self, id: &str) -> Result<Option<SignInApproval>> {
        sa::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "sign_in_approval_of"))]
    async fn sign_in_approval_of(&self, pending_session: &str) -> Result<Option<SignInApproval>> {
        sa::Entity::find()
            .filter(sa::Column::PendingSession.eq(pending_session))
            .order_by_desc(sa::Column::CreatedAt)
            .order_by_desc(sa::Column::Id)
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "recent_sign_in_approvals"))]
    async fn recent_sign_in_approvals(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<SignInApproval>> {
        sa::Entity::find()
            .filter(sa::Column::UserId.eq(user_id))
            .filter(sa::Column::CreatedAt.gte(since))
            .order_by_desc(sa::Column::CreatedAt)
            .order_by_desc(sa::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "answer_sign_in_approval"))]
    async fn answer_sign_in_approval(
        &self,
        id: &str,
        state: ApprovalState,
        approver_session: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let result = sa::Entity::update_many()
            .col_expr(sa::Column::State, Expr::value(state.as_str()))
            .col_expr(sa::Column::AnsweredAt, Expr::value(Some(now)))
            .col_expr(
                sa::Column::ApproverSession,
                Expr::value(Some(approver_session.to_string())),
            )
            .filter(sa::Column::Id.eq(id))
            .filter(sa::Column::State.eq(ApprovalState::Pending.as_str()))
            .filter(sa::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_sign_in_approval"))]
    async fn use_sign_in_approval(&self, id: &str) -> Result<bool> {
        let result = sa::Entity::update_many()
            .col_expr(sa::Column::State, Expr::value(ApprovalState::Used.as_str()))
            .filter(sa::Column::Id.eq(id))
            .filter(sa::Column::State.eq(ApprovalState::Approved.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "ignore_overdue_sign_in_approvals")
    )]
    async fn ignore_overdue_sign_in_approvals(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64> {
        let result = sa::Entity::update_many()
            .col_expr(sa::Column::State, Expr::value(ApprovalState::Ignored.as_str()))
            .filter(sa::Column::UserId.eq(user_id))
            .filter(sa::Column::State.eq(ApprovalState::Pending.as_str()))
            .filter(sa::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected)
    }
}
