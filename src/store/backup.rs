//! `gatehouse backup`: a consistent copy of the embedded SQLite database, taken while servers keep running.
//!
//! `VACUUM INTO` reads one snapshot of the database inside a read transaction — writers carry on in the WAL — and
//! writes a compact, self-contained file (no `-wal` or `-shm` beside it). The source is opened read-only, so a
//! mistyped data directory is reported, never created. The copy is then opened on its own and checked
//! (`PRAGMA integrity_check`) before the command says it is good; an existing file is never overwritten.
//! PostgreSQL is backed up with its own tools (`pg_dump`, base backups): docs/operations.md.
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde::Serialize;

use crate::core::{Error, Result};

/// What a backup wrote.
#[derive(Debug, Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    /// The newest migration the copy carries: the schema a restore starts from.
    pub schema: Option<String>,
    pub users: i64,
}

/// The file behind a `sqlite://PATH?…` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

async fn open_read_only(path: &Path) -> Result<DatabaseConnection> {
    Database::connect(format!("sqlite://{}?mode=ro", path.display()))
        .await
        .map_err(|e| Error::invalid(format!("cannot open {} read-only: {e}", path.display())))
}

async fn text(db: &DatabaseConnection, sql: &str) -> Result<Option<String>> {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(row.and_then(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten()))
}

/// Copies the SQLite database at `database_url` to `to` and checks the copy.
pub async fn sqlite(database_url: &str, to: &Path) -> Result<BackupReport> {
    if !database_url.starts_with("sqlite:") {
        return Err(Error::invalid(
            "backup copies the embedded SQLite database; back PostgreSQL up with pg_dump or a base backup \
             (docs/operations.md, \"Backups\")",
        ));
    }
    let Some(source) = sqlite_path(database_url) else {
        return Err(Error::invalid("an in-memory database has nothing to back up"));
    };
    if !source.is_file() {
        return Err(Error::invalid(format!("there is no database at {}", source.display())));
    }
    if to.exists() {
        return Err(Error::invalid(format!(
            "{} exists; choose a new file (a backup never overwrites one)",
            to.display()
        )));
    }
    match to.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            return Err(Error::invalid(format!(
                "the directory {} does not exist",
                dir.display()
            )));
        }
        _ => {}
    }
    let target = to
        .to_str()
        .ok_or_else(|| Error::invalid("the backup's file name must be valid UTF-8"))?;
    let db = open_read_only(&source).await?;
    let copied = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await;
    db.close().await.ok();
    copied.map_err(|e| Error::invalid(format!("the copy to {} failed: {e}", to.display())))?;

    let copy = open_read_only(to).await?;
    let check = text(&copy, "PRAGMA integrity_check").await?;
    if check.as_deref() != Some("ok") {
        copy.close().await.ok();
        return Err(Error::Internal(format!(
            "the copy at {} failed its integrity check: {}",
            to.display(),
            check.unwrap_or_default()
        )));
    }
    let schema = text(&copy, "SELECT max(version) FROM seaql_migrations").await?;
    let users = copy
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT count(*) FROM users"))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
        .unwrap_or(0);
    copy.close().await.ok();
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        path: to.to_path_buf(),
        bytes,
        schema,
        users,
    })
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;
    use std::path::PathBuf;

    #[test]
    fn the_file_comes_from_the_url() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/gh/gatehouse.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/gh/gatehouse.db"))
        );
        assert_eq!(sqlite_path("sqlite:data/g.db"), Some(PathBuf::from("data/g.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
