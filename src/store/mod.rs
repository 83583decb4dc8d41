//! The storage traits of `core::store`, implemented over sea-orm for SQLite and PostgreSQL.
//! This is the only module that imports sea-orm; model ↔ domain conversions live beside the queries.
mod appender;
mod approvals;
mod audit;
pub mod backup;
mod caller_verification;
mod ceremonies;
mod device;
mod directory;
mod directory_groups;
mod factors;
mod grants;
mod hardware_tokens;
mod joined;
mod oidc;
mod password_links;
mod policy;
mod recovery;
mod refresh_context;
mod rp;
mod saml;
mod seed;
mod session_context;
mod sessions;
mod sms_codes;
mod ssf;
mod throttle;
mod trusted_devices;
mod user_removal;
mod users;

use async_trait::async_trait;
use sea_orm::sqlx;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, RuntimeErr, SqlErr};
use std::time::Duration;

use crate::core::Error;
use crate::core::store::Store;
use migration::{Migrator, MigratorTrait};

#[derive(Clone)]
pub struct SeaStore {
    db: DatabaseConnection,
    /// Group commit for audit events and issued access tokens (see `appender`).
    appender: appender::Appender,
}

impl SeaStore {
    /// Connects with pool settings that fail fast (a request waits at most a few seconds for a connection,
    /// then gets a 503) and, for SQLite, WAL with a busy timeout so several writers queue instead of failing.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let sqlite = url.starts_with("sqlite:");
        let mut options = ConnectOptions::new(url.to_string());
        options
            .max_connections(if sqlite { 8 } else { 16 })
            .min_connections(0)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(5))
            .sqlx_logging(false);
        if sqlite {
            options.map_sqlx_sqlite_opts(|o| {
                // WAL with synchronous=NORMAL: a commit no longer waits for an fsync (the WAL is synced at
                // checkpoints), which multiplies write throughput; the database never corrupts, and only a power
                // loss (not a crash of the process) can lose the last commits. PostgreSQL is the production choice.
                o.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    // Checkpoints run between group commits (`appender`), not inside a commit.
                    .pragma("wal_autocheckpoint", "0")
                    // After a checkpoint starts the WAL over, its file is cut back to this size.
                    .pragma("journal_size_limit", "67108864")
                    // Statement journals of multi-row inserts in memory, not in a temporary file per batch.
                    .pragma("temp_store", "MEMORY")
                    .foreign_keys(true)
                    .create_if_missing(true)
            });
        }
        let db = Database::connect(options.clone()).await.map_err(db_error)?;
        // On SQLite the group-commit writer keeps one connection of its own: each connection has its own page
        // cache, which a commit through another connection invalidates, so a writer taking whichever pooled
        // connection was free re-read the pages it was about to write on almost every batch.
        let writer = if sqlite {
            options.max_connections(1).min_connections(1);
            Database::connect(options).await.map_err(db_error)?
        } else {
            db.clone()
        };
        let appender = appender::Appender::start(writer, db.clone(), sqlite);
        Ok(SeaStore { db, appender })
    }

    pub async fn migrate(&self) -> Result<(), Error> {
        Migrator::up(&self.db, None).await.map_err(db_error)
    }

    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Sqlite => "sqlite",
            DbBackend::Postgres => "postgres",
            _ => "other",
        }
    }
}

#[async_trait]
impl Store for SeaStore {
    #[tracing::instrument(name = "store", level = "debug", skip_all, fields(call = "ping"))]
    async fn ping(&self) -> Result<(), Error> {
        self.db.ping().await.map_err(db_error)
    }

    fn pool_use(&self) -> Option<(u32, u32)> {
        match self.db.get_database_backend() {
            DbBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                Some((pool.size(), pool.num_idle() as u32))
            }
            DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                Some((pool.size(), pool.num_idle() as u32))
            }
            _ => None,
        }
    }
}

/// Maps database errors to the domain: unreachable database → `Unavailable` (503), uniqueness → `Conflict`,
/// anything else → `Internal`.
/// What a uniqueness failure collided with, from the database's message: SQLite names `table.column`
/// ("UNIQUE constraint failed: users.username"), PostgreSQL the constraint ("users_username_key"). Callers that
/// know better (a client id, an SP entity id) replace the message with their own.
fn collision(message: &str) -> String {
    const KNOWN: [(&str, &str); 6] = [
        ("external_id", "That externalId belongs to another account."),
        ("name_normalized", "A group with that name exists already."),
        ("scim_tokens", "A SCIM token with that name exists already."),
        ("email_normalized", "That e-mail address is already in use."),
        ("username", "That username is already in use."),
        ("serial", "A hardware token with that serial number exists already."),
    ];
    let message = message.to_lowercase();
    KNOWN.iter().find(|(needle, _)| message.contains(needle)).map_or_else(
        || "That record exists already.".to_string(),
        |(_, said)| said.to_string(),
    )
}

pub(crate) fn db_error(err: DbErr) -> Error {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err() {
        return Error::Conflict(collision(&message));
    }
    let unavailable = match &err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
                true
            }
            // PostgreSQL classes 08 (connection exception) and 57 (operator intervention, e.g. shutdown).
            sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57")),
            _ => false,
        },
        _ => false,
    };
    if unavailable {
        tracing::warn!(error = %err, "database unavailable");
        Error::Unavailable(err.to_string())
    } else {
        tracing::error!(error = %err, "database error");
        Error::Internal(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::collision;

    #[test]
    fn a_uniqueness_failure_names_what_collided() {
        for (sqlite, postgres, said) in [
            (
                "UNIQUE constraint failed: users.username",
                "duplicate key value violates unique constraint \"users_username_key\"",
                "That username is already in use.",
            ),
            (
                "UNIQUE constraint failed: users.email_normalized",
                "duplicate key value violates unique constraint \"users_email_normalized_key\"",
                "That e-mail address is already in use.",
            ),
        ] {
            assert_eq!(collision(sqlite), said);
            assert_eq!(collision(postgres), said);
        }
        assert_eq!(
            collision("UNIQUE constraint failed: sessions.id_hash"),
            "That record exists already."
        );
    }
}
