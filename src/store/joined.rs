//! Reading several related rows in one statement (`refresh_context.rs`, `session_context.rs`): each table's columns
//! under a prefix (`{alias}_{column}`), `LEFT JOIN`s by alias, and each model read back from its prefix. One
//! statement instead of one per table: on SQLite each statement is a round trip to the connection's thread (two
//! thread switches), on PostgreSQL one over the network.
use sea_orm::sea_query::{Alias, Expr, IntoCondition, IntoIden, JoinType, SelectStatement};
use sea_orm::{EntityName, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult};

use super::db_error;
use crate::core::Result;

/// Selects every column of `E` (from the table aliased `alias`) as `{alias}_{column}`.
pub(super) fn columns<E: EntityTrait>(query: &mut SelectStatement, alias: &'static str) {
    for column in E::Column::iter() {
        let name = column.as_str();
        query.expr_as(
            Expr::col((Alias::new(alias), Alias::new(name))),
            Alias::new(format!("{alias}_{name}")),
        );
    }
}

/// `LEFT JOIN <E's table> AS alias ON on`.
pub(super) fn left_join<E: EntityName + Default>(
    query: &mut SelectStatement,
    alias: &'static str,
    on: impl IntoCondition,
) {
    query.join_as(
        JoinType::LeftJoin,
        E::default().into_iden(),
        Alias::new(alias).into_iden(),
        on,
    );
}

/// `alias.name`.
pub(super) fn col(alias: &'static str, name: &'static str) -> Expr {
    Expr::col((Alias::new(alias), Alias::new(name)))
}

pub(super) fn model<M: FromQueryResult>(row: &QueryResult, alias: &str) -> Result<Option<M>> {
    M::from_query_result_optional(row, &format!("{alias}_")).map_err(db_error)
}
