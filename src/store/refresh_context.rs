//! What a refresh is judged on, read in one statement (`OidcStore::refresh_context`): the presented token, its
//! user, the user's roles with their policies and the browser session behind the token's sign-in at its client.
//!
//! A refresh used to read these one by one — four statements, each a round trip to the SQLite connection's thread
//! (two thread switches) or to PostgreSQL — which was most of its cost. One `SELECT` joins them: a row per role
//! of the user (at least one row), the token, user and session columns repeated on each, under prefixes.
use chrono::{DateTime, Utc};
use entity::{refresh_token, rp_session, session, user};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, ExprTrait, Query, SelectStatement};

use super::joined::{Prepared, col, columns, left_join, model};
use super::policy::{join_roles_with_policies, roles_of_rows};
use super::{SeaStore, db_error};
use crate::core::oauth::{RefreshContext, RefreshGrant, RefreshUse};
use crate::core::{Error, Result};

const TOKEN: &str = "t";
const USER: &str = "u";
const SESSION: &str = "s";
const RP: &str = "rp";

/// The statement: the token, left-joined to its user, that user's roles with their policies, and the session
/// behind the token's sign-in at its client.
fn statement(token_hash: &str) -> SelectStatement {
    let mut query = Query::select();
    columns::<refresh_token::Entity>(&mut query, TOKEN);
    columns::<user::Entity>(&mut query, USER);
    columns::<session::Entity>(&mut query, SESSION);
    query.from_as(refresh_token::Entity, Alias::new(TOKEN));
    left_join::<user::Entity>(&mut query, USER, col(USER, "id").eq(col(TOKEN, "user_id")));
    left_join::<rp_session::Entity>(
        &mut query,
        RP,
        col(RP, "sid")
            .eq(col(TOKEN, "sid"))
            .and(col(RP, "client_id").eq(col(TOKEN, "client_id"))),
    );
    left_join::<session::Entity>(&mut query, SESSION, col(SESSION, "id_hash").eq(col(RP, "session_hash")));
    join_roles_with_policies(&mut query, col(TOKEN, "user_id"));
    query.and_where(col(TOKEN, "token_hash").eq(token_hash));
    query
}

/// What a stored refresh token is at `now` (`OidcStore::refresh_token_to_rotate`).
pub(super) fn token_use(row: refresh_token::Model, now: DateTime<Utc>) -> Result<RefreshUse> {
    if row.used_at.is_some() {
        return Ok(RefreshUse::Reused {
            family_id: row.family_id,
        });
    }
    if row.revoked_at.is_some() || row.family_expires_at <= now {
        return Ok(RefreshUse::Invalid);
    }
    let grant: RefreshGrant = serde_json::from_str(&row.grant).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(RefreshUse::Fresh {
        family_id: row.family_id,
        client_id: row.client_id,
        user_id: row.user_id,
        grant: Box::new(grant),
        family_expires_at: row.family_expires_at,
        offline: row.offline,
    })
}

static STATEMENT: Prepared = Prepared::new();

impl SeaStore {
    pub(super) async fn read_refresh_context(&self, token_hash: &str, now: DateTime<Utc>) -> Result<RefreshContext> {
        let backend = self.db.get_database_backend();
        let statement = STATEMENT.statement(backend, || statement(""), vec![token_hash.into()]);
        let rows = self.db.query_all_raw(statement).await.map_err(db_error)?;
        let Some(first) = rows.first() else {
            return Ok(RefreshContext {
                token: RefreshUse::Invalid,
                user: None,
                roles: Vec::new(),
                session: None,
            });
        };
        let token = model::<refresh_token::Model>(first, TOKEN)?
            .ok_or_else(|| Error::Internal("refresh token row without its token".into()))?;
        let user = model::<user::Model>(first, USER)?
            .map(super::users::to_domain)
            .transpose()?;
        let session = model::<session::Model>(first, SESSION)?
            .map(super::sessions::to_domain)
            .transpose()?;
        Ok(RefreshContext {
            token: token_use(token, now)?,
            user,
            roles: roles_of_rows(&rows)?,
            session,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DbBackend;

    #[test]
    fn the_statement_joins_the_tables_under_their_prefixes() {
        let sql = DbBackend::Sqlite.build(&statement("abc")).to_string();
        assert!(sql.contains(r#""t"."token_hash" AS "t_token_hash""#), "{sql}");
        assert!(sql.contains(r#"LEFT JOIN "role_policies" AS "p""#), "{sql}");
        assert!(sql.contains(r#""s"."id_hash" = "rp"."session_hash""#), "{sql}");
    }

    #[test]
    fn the_prepared_statement_binds_the_token_hash() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let built = backend.build(&statement("abc"));
            let prepared = STATEMENT.statement(backend, || statement(""), vec!["abc".into()]);
            assert_eq!(prepared.sql, built.sql, "{backend:?}");
            assert_eq!(prepared.values, built.values, "{backend:?}");
        }
    }
}
