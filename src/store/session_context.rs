//! What a request with a session cookie is judged on, read in one statement (`SessionStore::session_context`): the
//! session, its user and the user's roles with their policies. Every signed-in page and every step of a sign-in resolves its
//! session this way; it used to take three statements (the session, the policies, the user), each a round trip.
use entity::{session, user};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, ExprTrait, Query, SelectStatement};

use super::joined::{Prepared, col, columns, left_join, model};
use super::policy::{join_roles_with_policies, roles_of_rows};
use super::{SeaStore, db_error};
use crate::core::Result;
use crate::core::store::SessionContext;

const SESSION: &str = "s";
const USER: &str = "u";

/// The session, left-joined to its user and that user's roles with their policies: a row per role (at least one).
fn statement(id_hash: &str) -> SelectStatement {
    let mut query = Query::select();
    columns::<session::Entity>(&mut query, SESSION);
    columns::<user::Entity>(&mut query, USER);
    query.from_as(session::Entity, Alias::new(SESSION));
    left_join::<user::Entity>(&mut query, USER, col(USER, "id").eq(col(SESSION, "user_id")));
    join_roles_with_policies(&mut query, col(SESSION, "user_id"));
    query.and_where(col(SESSION, "id_hash").eq(id_hash));
    query
}

static STATEMENT: Prepared = Prepared::new();

impl SeaStore {
    pub(super) async fn read_session_context(&self, id_hash: &str) -> Result<Option<SessionContext>> {
        let backend = self.db.get_database_backend();
        let statement = STATEMENT.statement(backend, || statement(""), vec![id_hash.into()]);
        let rows = self.db.query_all_raw(statement).await.map_err(db_error)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let Some(session) = model::<session::Model>(first, SESSION)? else {
            return Ok(None);
        };
        let user = model::<user::Model>(first, USER)?
            .map(super::users::to_domain)
            .transpose()?;
        Ok(Some(SessionContext {
            session: super::sessions::to_domain(session)?,
            user,
            roles: roles_of_rows(&rows)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DbBackend;

    #[test]
    fn the_statement_joins_the_user_and_its_roles_with_their_policies() {
        let sql = DbBackend::Postgres.build(&statement("abc")).to_string();
        assert!(sql.contains(r#"FROM "sessions" AS "s""#), "{sql}");
        assert!(
            sql.contains(r#"LEFT JOIN "users" AS "u" ON "u"."id" = "s"."user_id""#),
            "{sql}"
        );
        assert!(
            sql.contains(r#"LEFT JOIN "role_policies" AS "p" ON "p"."role" = "ur"."role_name""#),
            "{sql}"
        );
        assert!(sql.contains(r#"WHERE "s"."id_hash" = 'abc'"#), "{sql}");
    }

    #[test]
    fn the_prepared_statement_binds_the_hash() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let built = backend.build(&statement("abc"));
            let prepared = STATEMENT.statement(backend, || statement(""), vec!["abc".into()]);
            assert_eq!(prepared.sql, built.sql, "{backend:?}");
            assert_eq!(prepared.values, built.values, "{backend:?}");
        }
    }
}
