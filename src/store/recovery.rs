//! Factor-reset requests over sea-orm. Each state change is one `UPDATE … WHERE id = … AND state = …`, whose
//! affected-row count says whether this caller won; nothing is decided on a value read earlier.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{factor, factor_reset, manager_absence, session, user};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::{SeaStore, db_error};
use crate::core::policy::recovery::RecoveryPath;
use crate::core::recovery::route::{Absence, ApprovalRoute};
use crate::core::recovery::{FactorResetRequest, FactorSelection, ResetState};
use crate::core::store::{RecoveryStore, ResetLink};
use crate::core::{Error, Result};

fn to_domain(m: factor_reset::Model) -> Result<FactorResetRequest> {
    let state = ResetState::parse(&m.state)
        .ok_or_else(|| Error::Internal(format!("unknown factor reset state {}", m.state)))?;
    let factors = FactorSelection::parse(&m.factors).map_err(|e| Error::Internal(e.to_string()))?;
    let checks_passed: Vec<String> =
        serde_json::from_str(&m.checks_passed).map_err(|e| Error::Internal(e.to_string()))?;
    let approver_amr: Option<Vec<String>> = m
        .approver_amr
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let route = match m.approval_route.as_deref() {
        Some(text) => {
            let steps = serde_json::from_str(text).map_err(|e| Error::Internal(e.to_string()))?;
            Some(ApprovalRoute {
                steps,
                approver_id: m.routed_approver_id,
                role: m.routed_role,
            })
        }
        None => None,
    };
    Ok(FactorResetRequest {
        id: m.id,
        user_id: m.user_id,
        factors,
        reason: m.reason,
        opened_by: m.opened_by,
        opened_ip: m.opened_ip,
        opened_user_agent: m.opened_user_agent,
        state,
        created_at: m.created_at,
        approval_expires_at: m.approval_expires_at,
        approval_token_hash: m.approval_token_hash,
        route,
        approver_id: m.approver_id,
        approver_amr,
        approval_note: m.approval_note,
        approved_at: m.approved_at,
        executor_id: m.executor_id,
        executed_at: m.executed_at,
        checks_passed,
        cooling_off_until: m.cooling_off_until,
        cancel_token_hash: m.cancel_token_hash,
        enrol_token_hash: m.enrol_token_hash,
        enrol_expires_at: m.enrol_expires_at,
        enrol_used_at: m.enrol_used_at,
        pass_hash: m.pass_hash,
        pass_expires_at: m.pass_expires_at,
        pass_used_at: m.pass_used_at,
        closed_by: m.closed_by,
        closed_at: m.closed_at,
        recovery_path: m
            .recovery_path
            .as_deref()
            .map(|p| RecoveryPath::parse(p).ok_or_else(|| Error::Internal(format!("unknown recovery path {p}"))))
            .transpose()?,
        notice_addresses: m
            .notice_addresses
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| Error::Internal(e.to_string()))?,
    })
}

fn checks_json(r: &FactorResetRequest) -> Result<String> {
    serde_json::to_string(&r.checks_passed).map_err(|e| Error::Internal(e.to_string()))
}

/// The route's steps as stored (who was asked has columns of its own).
fn route_json(r: &FactorResetRequest) -> Result<Option<String>> {
    r.route
        .as_ref()
        .map(|route| serde_json::to_string(&route.steps))
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))
}

fn amr_json(r: &FactorResetRequest) -> Result<Option<String>> {
    r.approver_amr
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The conditional UPDATE of every mutable column, for the request `r` expected in `expected`.
fn update_of(r: &FactorResetRequest, expected: ResetState) -> Result<sea_orm::UpdateMany<factor_reset::Entity>> {
    use factor_reset::Column as C;
    Ok(factor_reset::Entity::update_many()
        .col_expr(C::State, Expr::value(r.state.as_str()))
        .col_expr(C::ApprovalTokenHash, Expr::value(r.approval_token_hash.clone()))
        .col_expr(C::ApproverId, Expr::value(r.approver_id.clone()))
        .col_expr(C::ApproverAmr, Expr::value(amr_json(r)?))
        .col_expr(C::ApprovalNote, Expr::value(r.approval_note.clone()))
        .col_expr(C::ApprovedAt, Expr::value(r.approved_at))
        .col_expr(C::ExecutorId, Expr::value(r.executor_id.clone()))
        .col_expr(C::ExecutedAt, Expr::value(r.executed_at))
        .col_expr(C::ChecksPassed, Expr::value(checks_json(r)?))
        .col_expr(C::CoolingOffUntil, Expr::value(r.cooling_off_until))
        .col_expr(C::CancelTokenHash, Expr::value(r.cancel_token_hash.clone()))
        .col_expr(C::EnrolTokenHash, Expr::value(r.enrol_token_hash.clone()))
        .col_expr(C::EnrolExpiresAt, Expr::value(r.enrol_expires_at))
        .col_expr(C::EnrolUsedAt, Expr::value(r.enrol_used_at))
        .col_expr(C::PassHash, Expr::value(r.pass_hash.clone()))
        .col_expr(C::PassExpiresAt, Expr::value(r.pass_expires_at))
        .col_expr(C::PassUsedAt, Expr::value(r.pass_used_at))
        .col_expr(C::ClosedBy, Expr::value(r.closed_by.clone()))
        .col_expr(C::ClosedAt, Expr::value(r.closed_at))
        .filter(C::Id.eq(r.id.as_str()))
        .filter(C::State.eq(expected.as_str())))
}

#[async_trait]
impl RecoveryStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_factor_reset"))]
    async fn insert_factor_reset(&self, r: &FactorResetRequest) -> Result<()> {
        factor_reset::ActiveModel {
            id: Set(r.id.clone()),
            user_id: Set(r.user_id.clone()),
            factors: Set(r.factors.to_text()),
            reason: Set(r.reason.clone()),
            opened_by: Set(r.opened_by.clone()),
            opened_ip: Set(r.opened_ip.clone()),
            opened_user_agent: Set(r.opened_user_agent.clone()),
            state: Set(r.state.as_str().into()),
            created_at: Set(r.created_at),
            approval_expires_at: Set(r.approval_expires_at),
            approval_token_hash: Set(r.approval_token_hash.clone()),
            approver_id: Set(r.approver_id.clone()),
            approver_amr: Set(amr_json(r)?),
            approval_note: Set(r.approval_note.clone()),
            approved_at: Set(r.approved_at),
            executor_id: Set(r.executor_id.clone()),
            executed_at: Set(r.executed_at),
            checks_passed: Set(checks_json(r)?),
            cooling_off_until: Set(r.cooling_off_until),
            cancel_token_hash: Set(r.cancel_token_hash.clone()),
            enrol_token_hash: Set(r.enrol_token_hash.clone()),
            enrol_expires_at: Set(r.enrol_expires_at),
            enrol_used_at: Set(r.enrol_used_at),
            pass_hash: Set(r.pass_hash.clone()),
            pass_expires_at: Set(r.pass_expires_at),
            pass_used_at: Set(r.pass_used_at),
            closed_by: Set(r.closed_by.clone()),
            closed_at: Set(r.closed_at),
            approval_route: Set(route_json(r)?),
            routed_approver_id: Set(r.route.as_ref().and_then(|route| route.approver_id.clone())),
            routed_role: Set(r.route.as_ref().and_then(|route| route.role.clone())),
            recovery_path: Set(r.recovery_path.map(|p| p.as_str().to_string())),
            notice_addresses: Set(r
                .notice_addresses
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| Error::Internal(e.to_string()))?),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "factor_reset"))]
    async fn factor_reset(&self, id: &str) -> Result<Option<FactorResetRequest>> {
        factor_reset::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "factor_reset_by_link"))]
    async fn factor_reset_by_link(&self, link: ResetLink, token_hash: &str) -> Result<Option<FactorResetRequest>> {
        let column = match link {
            ResetLink::Approval => factor_reset::Column::ApprovalTokenHash,
            ResetLink::Cancel => factor_reset::Column::CancelTokenHash,
            ResetLink::Enrol => factor_reset::Column::EnrolTokenHash,
        };
        factor_reset::Entity::find()
            .filter(column.eq(token_hash))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "list_factor_resets"))]
    async fn list_factor_resets(&self, user_id: Option<&str>, open_only: bool) -> Result<Vec<FactorResetRequest>> {
        let mut query = factor_reset::Entity::find().order_by_desc(factor_reset::Column::CreatedAt);
        if let Some(user_id) = user_id {
            query = query.filter(factor_reset::Column::UserId.eq(user_id));
        }
        if open_only {
            query = query.filter(factor_reset::Column::State.is_in([
                ResetState::Requested.as_str(),
                ResetState::Approved.as_str(),
                ResetState::Waiting.as_str(),
            ]));
        }
        query
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "factor_resets_opened"))]
    async fn factor_resets_opened(
        &self,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        after: Option<(DateTime<Utc>, String)>,
        limit: u64,
    ) -> Result<Vec<FactorResetRequest>> {
        use factor_reset::Column as C;
        let mut query = factor_reset::Entity::find()
            .order_by_asc(C::CreatedAt)
            .order_by_asc(C::Id)
            .limit(limit);
        if let Some(since) = since {
            query = query.filter(C::CreatedAt.gte(since));
        }
        if let Some(until) = until {
            query = query.filter(C::CreatedAt.lt(until));
        }
        if let Some((at, id)) = after {
            query = query.filter(
                Condition::any()
                    .add(C::CreatedAt.gt(at))
                    .add(Condition::all().add(C::CreatedAt.eq(at)).add(C::Id.gt(id))),
            );
        }
        query
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_temporary_pass"))]
    async fn use_temporary_pass(&self, id: &str, pass_hash: &str, now: DateTime<Utc>) -> Result<bool> {
        use factor_reset::Column as C;
        let result = factor_reset::Entity::update_many()
            .col_expr(C::PassUsedAt, Expr::value(Some(now)))
            .col_expr(C::PassHash, Expr::value(Option::<String>::None))
            .filter(C::Id.eq(id))
            .filter(C::PassHash.eq(pass_hash))
            .filter(C::PassUsedAt.is_null())
            .filter(C::State.eq(ResetState::Done.as_str()))
            .filter(C::PassExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "end_temporary_pass"))]
    async fn end_temporary_pass(&self, id: &str) -> Result<()> {
        use factor_reset::Column as C;
        factor_reset::Entity::update_many()
            .col_expr(C::PassHash, Expr::value(Option::<String>::None))
            .filter(C::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "update_factor_reset"))]
    async fn update_factor_reset(&self, r: &FactorResetRequest, expected: ResetState) -> Result<bool> {
        let result = update_of(r, expected)?.exec(&self.db).await.map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "finish_factor_reset"))]
    async fn finish_factor_reset(&self, r: &FactorResetRequest, now: DateTime<Utc>) -> Result<bool> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let claimed = update_of(r, ResetState::Waiting)?
            .filter(factor_reset::Column::CoolingOffUntil.lte(now))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        if claimed.rows_affected != 1 {
            txn.rollback().await.map_err(db_error)?;
            return Ok(false);
        }
        let mut factors = factor::Entity::delete_many().filter(factor::Column::UserId.eq(r.user_id.as_str()));
        if let FactorSelection::Ids(ids) = &r.factors {
            factors = factors.filter(factor::Column::Id.is_in(ids.iter().map(String::as_str)));
        }
        factors.exec(&txn).await.map_err(db_error)?;
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(r.user_id.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        // Tokens die with the factors that earned them, `offline_access` families included.
        super::grants::revoke_of_user(&txn, &r.user_id, now).await?;
        user::Entity::update_many()
            .col_expr(user::Column::MfaRequired, Expr::value(true))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(r.user_id.as_str()))
            .exec(&txn)
            .await
            .map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(true)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "use_enrol_link"))]
    async fn use_enrol_link(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        use factor_reset::Column as C;
        let Some(request) = factor_reset::Entity::find()
            .filter(C::EnrolTokenHash.eq(token_hash))
            .one(&self.db)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let result = factor_reset::Entity::update_many()
            .col_expr(C::EnrolUsedAt, Expr::value(now))
            .filter(C::Id.eq(request.id.as_str()))
            .filter(C::EnrolTokenHash.eq(token_hash))
            .filter(C::State.eq(ResetState::Done.as_str()))
            .filter(C::EnrolUsedAt.is_null())
            .filter(C::EnrolExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok((result.rows_affected == 1).then_some(request.user_id))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "absence_of"))]
    async fn absence_of(&self, user_id: &str) -> Result<Option<Absence>> {
        Ok(manager_absence::Entity::find_by_id(user_id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(absence))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "absences_in_force"))]
    async fn absences_in_force(&self, now: DateTime<Utc>) -> Result<Vec<Absence>> {
        use manager_absence::Column as C;
        Ok(manager_absence::Entity::find()
            .filter(Condition::any().add(C::Until.is_null()).add(C::Until.gt(now)))
            .order_by_asc(C::UserId)
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(absence)
            .collect())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "put_absence"))]
    async fn put_absence(&self, a: &Absence) -> Result<()> {
        use manager_absence::Column as C;
        manager_absence::Entity::insert(manager_absence::ActiveModel {
            user_id: Set(a.user_id.clone()),
            delegate_id: Set(a.delegate_id.clone()),
            until: Set(a.until),
            set_by: Set(a.set_by.clone()),
            created_at: Set(a.created_at),
        })
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([C::DelegateId, C::Until, C::SetBy, C::CreatedAt])
                .to_owned(),
        )
        .exec(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "delete_absence"))]
    async fn delete_absence(&self, user_id: &str) -> Result<bool> {
        let result = manager_absence::Entity::delete_by_id(user_id.to_string())
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected > 0)
    }
}

fn absence(m: manager_absence::Model) -> Absence {
    Absence {
        user_id: m.user_id,
        delegate_id: m.delegate_id,
        until: m.until,
        set_by: m.set_by,
        created_at: m.created_at,
    }
}
