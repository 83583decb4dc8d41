//! Reading several related rows in one statement (`refresh_context.rs`, `session_context.rs`): each table's columns
//! under a prefix (`{alias}_{column}`), `LEFT JOIN`s by alias, and each model read back from its prefix. One
//! statement instead of one per table: on SQLite each statement is a round trip to the connection's thread (two
//! thread switches), on PostgreSQL one over the network.
use sea_orm::sea_query::{Alias, Expr, IntoCondition, IntoIden, JoinType, SelectStatement, Value};
use sea_orm::{DbBackend, EntityName, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult, Statement};
use std::sync::OnceLock;

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

/// The SQL of a statement whose text depends only on the backend, rendered once per backend and reused with each
/// call's values: building a `SELECT` of some fifty aliased columns with sea-query costs more than SQLite takes
/// to run it. `build` must give the same SQL whatever values it is given; `values` are bound in its order.
pub(super) struct Prepared {
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl Prepared {
    pub(super) const fn new() -> Self {
        Self {
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The statement for `backend` with `values`; `build` renders it with placeholder values on first use.
    pub(super) fn statement(
        &self,
        backend: DbBackend,
        build: impl Fn() -> SelectStatement,
        values: Vec<Value>,
    ) -> Statement {
        let cell = match backend {
            DbBackend::Sqlite => &self.sqlite,
            DbBackend::Postgres => &self.postgres,
            // Not a backend Gatehouse runs on; rendered each time rather than cached.
            _ => return Statement::from_sql_and_values(backend, backend.build(&build()).sql, values),
        };
        let sql = cell.get_or_init(|| backend.build(&build()).sql);
        Statement::from_sql_and_values(backend, sql.as_str(), values)
    }
}
