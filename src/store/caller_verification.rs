//! Caller-verification prompts and overrides over sea-orm. An answer and a time-out are each one
//! `UPDATE … WHERE id = … AND state = 'pending' AND expires_at …`, whose affected-row count says whether this caller
//! won; an override is one row keyed by the request, so a second insert collides.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::{caller_verification as cv, caller_verification_override as cvo};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

use super::{SeaStore, db_error};
use crate::core::recovery::verify::{CallerVerification, Channel, Override, Target, VerifyState};
use crate::core::store::CallerVerificationStore;
use crate::core::{Error, Result};

fn internal(what: &str, value: &str) -> Error {
    Error::Internal(format!("unknown caller verification {what} {value}"))
}

fn to_domain(m: cv::Model) -> Result<CallerVerification> {
    let numbers: Vec<u8> = m.choices.split(',').filter_map(|n| n.trim().parse().ok()).collect();
    let choices: [u8; 3] = numbers.try_into().map_err(|_| internal("choices", &m.choices))?;
    Ok(CallerVerification {
        target: Target::parse(&m.target).ok_or_else(|| internal("target", &m.target))?,
        channel: Channel::parse(&m.channel).ok_or_else(|| internal("channel", &m.channel))?,
        state: VerifyState::parse(&m.state).ok_or_else(|| internal("state", &m.state))?,
        number: u8::try_from(m.number).map_err(|_| internal("number", &m.number.to_string()))?,
        choices,
        id: m.id,
        request_id: m.request_id,
        target_user_id: m.target_user_id,
        sent_by: m.sent_by,
        token_hash: m.token_hash,
        created_at: m.created_at,
        expires_at: m.expires_at,
        answered_at: m.answered_at,
    })
}

#[async_trait]
impl CallerVerificationStore for SeaStore {
    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "insert_caller_verification")
    )]
    async fn insert_caller_verification(&self, p: &CallerVerification) -> Result<()> {
        cv::ActiveModel {
            id: Set(p.id.clone()),
            request_id: Set(p.request_id.clone()),
            target: Set(p.target.as_str().into()),
            target_user_id: Set(p.target_user_id.clone()),
            channel: Set(p.channel.as_str().into()),
            sent_by: Set(p.sent_by.clone()),
            token_hash: Set(p.token_hash.clone()),
            number: Set(p.number.into()),
            choices: Set(p.choices.map(|n| n.to_string()).join(",")),
            state: Set(p.state.as_str().into()),
            created_at: Set(p.created_at),
            expires_at: Set(p.expires_at),
            answered_at: Set(p.answered_at),
        }
        .insert(&self.db)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "caller_verification_by_token")
    )]
    async fn caller_verification_by_token(&self, token_hash: &str) -> Result<Option<CallerVerification>> {
        cv::Entity::find()
            .filter(cv::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "caller_verification"))]
    async fn caller_verification(&self, id: &str) -> Result<Option<CallerVerification>> {
        cv::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "caller_verifications_of"))]
    async fn caller_verifications_of(&self, request_id: &str) -> Result<Vec<CallerVerification>> {
        cv::Entity::find()
            .filter(cv::Column::RequestId.eq(request_id))
            .order_by_asc(cv::Column::CreatedAt)
            .order_by_asc(cv::Column::Id)
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
        fields(call = "count_caller_verifications")
    )]
    async fn count_caller_verifications(
        &self,
        request_id: Option<&str>,
        sent_by: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<u64> {
        let mut query = cv::Entity::find().filter(cv::Column::CreatedAt.gte(since));
        if let Some(request_id) = request_id {
            query = query.filter(cv::Column::RequestId.eq(request_id));
        }
        if let Some(sent_by) = sent_by {
            query = query.filter(cv::Column::SentBy.eq(sent_by));
        }
        query.count(&self.db).await.map_err(db_error)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "answer_caller_verification")
    )]
    async fn answer_caller_verification(&self, id: &str, state: VerifyState, now: DateTime<Utc>) -> Result<bool> {
        let result = cv::Entity::update_many()
            .col_expr(cv::Column::State, Expr::value(state.as_str()))
            .col_expr(cv::Column::AnsweredAt, Expr::value(Some(now)))
            .filter(cv::Column::Id.eq(id))
            .filter(cv::Column::State.eq(VerifyState::Pending.as_str()))
            .filter(cv::Column::ExpiresAt.gt(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "time_out_caller_verification")
    )]
    async fn time_out_caller_verification(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let result = cv::Entity::update_many()
            .col_expr(cv::Column::State, Expr::value(VerifyState::TimedOut.as_str()))
            .filter(cv::Column::Id.eq(id))
            .filter(cv::Column::State.eq(VerifyState::Pending.as_str()))
            .filter(cv::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(
        name = "store",
        level = "debug",
        skip_all,
        fields(call = "overdue_caller_verifications")
    )]
    async fn overdue_caller_verifications(&self, now: DateTime<Utc>) -> Result<Vec<CallerVerification>> {
        cv::Entity::find()
            .filter(cv::Column::State.eq(VerifyState::Pending.as_str()))
            .filter(cv::Column::ExpiresAt.lte(now))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "insert_verify_override"))]
    async fn insert_verify_override(&self, o: &Override) -> Result<bool> {
        let inserted = cvo::ActiveModel {
            request_id: Set(o.request_id.clone()),
            override_by: Set(o.by.clone()),
            override_reason: Set(o.reason.clone()),
            override_at: Set(o.at),
        }
        .insert(&self.db)
        .await;
        match inserted.map_err(db_error) {
            Ok(_) => Ok(true),
            Err(Error::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "verify_override"))]
    async fn verify_override(&self, request_id: &str) -> Result<Option<Override>> {
        Ok(cvo::Entity::find_by_id(request_id.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(|m| Override {
                request_id: m.request_id,
                by: m.override_by,
                reason: m.override_reason,
                at: m.override_at,
            }))
    }
}
