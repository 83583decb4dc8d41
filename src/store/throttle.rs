use async_trait::async_trait;
use chrono::{DateTime, Utc};
use entity::attempt_counter;
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::store::ThrottleStore;

#[async_trait]
impl ThrottleStore for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "attempt_counter"))]
    async fn attempt_counter(&self, key: &str) -> Result<Option<(u32, Option<DateTime<Utc>>)>> {
        Ok(attempt_counter::Entity::find_by_id(key.to_string())
            .one(&self.db)
            .await
            .map_err(db_error)?
            .map(|m| (m.failures.max(0) as u32, m.last_attempt_at)))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "create_attempt_counter"))]
    async fn create_attempt_counter(&self, key: &str) -> Result<()> {
        let row = attempt_counter::ActiveModel {
            key: Set(key.to_string()),
            failures: Set(0),
            last_attempt_at: Set(None),
        };
        attempt_counter::Entity::insert(row)
            .on_conflict_do_nothing_on([attempt_counter::Column::Key])
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "start_attempt_counter"))]
    async fn start_attempt_counter(&self, key: &str, count: u32, now: DateTime<Utc>) -> Result<bool> {
        let row = attempt_counter::ActiveModel {
            key: Set(key.to_string()),
            failures: Set(count as i32),
            last_attempt_at: Set(Some(now)),
        };
        let inserted = attempt_counter::Entity::insert(row)
            .on_conflict_do_nothing_on([attempt_counter::Column::Key])
            .exec_without_returning(&self.db)
            .await
            .map_err(db_error)?;
        Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(1)))
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "bump_attempt_counter"))]
    async fn bump_attempt_counter(&self, key: &str, expected: u32, new: u32, now: DateTime<Utc>) -> Result<bool> {
        let result = attempt_counter::Entity::update_many()
            .col_expr(attempt_counter::Column::Failures, Expr::value(new as i32))
            .col_expr(attempt_counter::Column::LastAttemptAt, Expr::value(now))
            .filter(attempt_counter::Column::Key.eq(key))
            .filter(attempt_counter::Column::Failures.eq(expected as i32))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected == 1)
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "reset_attempt_counter"))]
    async fn reset_attempt_counter(&self, key: &str) -> Result<()> {
        attempt_counter::Entity::update_many()
            .col_expr(attempt_counter::Column::Failures, Expr::value(0))
            .filter(attempt_counter::Column::Key.eq(key))
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "count_attempt_counters"))]
    async fn count_attempt_counters(&self, prefix: &str, failures: u32) -> Result<u64> {
        use sea_orm::sea_query::ExprTrait;
        let pattern = format!("{}%", super::users::escape_like(prefix));
        attempt_counter::Entity::find()
            .filter(
                Expr::col(attempt_counter::Column::Key).like(LikeExpr::new(pattern).escape(super::users::LIKE_ESCAPE)),
            )
            .filter(attempt_counter::Column::Failures.gte(i32::try_from(failures).unwrap_or(i32::MAX)))
            .count(&self.db)
            .await
            .map_err(db_error)
    }
}
