//! Group commit for the append-only rows every token request writes: audit events, issued access tokens and
//! rotated refresh tokens.
//!
//! Each caller still waits until its row is committed (nothing is buffered past the answer, so a crash loses no
//! acknowledged event), but rows that arrive while a write is in flight go into the next one: a single
//! transaction with one multi-row `INSERT` per table. Under load that turns dozens of commits — each a round trip
//! to SQLite's worker thread or to PostgreSQL, and a WAL append — into one. A lone row is written as before, so an
//! idle server pays nothing extra.
//!
//! If a batch fails, its rows are retried one by one so that each caller gets its own row's outcome. If the
//! writer task is gone (its runtime shut down), rows are written directly.
//!
//! On SQLite the WAL is checkpointed here too, between two batches at most every `CHECKPOINT_EVERY`, instead of
//! by whichever commit crosses SQLite's automatic threshold (`wal_autocheckpoint` is off): a checkpoint writes
//! and syncs the database file, and SQLite's ran every thousand pages inside a commit, holding up every request
//! waiting for it. Between batches, the busiest writer is idle, so the checkpoint can copy the whole WAL and the
//! next transaction starts the WAL file over (a checkpoint on a separate task never caught up with the writes,
//! and the WAL grew without bound under steady load).
use entity::{audit_event, issued_token, refresh_token};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement, TransactionTrait};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::db_error;
use crate::core::{Error, Result};

/// Rows per transaction at most (a multi-row insert binds one parameter per column: 10 × 256 stays far below
/// SQLite's and PostgreSQL's limits).
const MAX_BATCH: usize = 256;
/// Rows waiting at most; a caller beyond this waits for room (back-pressure instead of unbounded memory).
const QUEUE: usize = 4096;
/// How often the SQLite WAL is copied back into the database (passive: never waits for readers or writers).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// A WAL longer than this (4 KiB pages: 64 MiB) is restarted even if that makes writers wait a moment.
const WAL_RESTART_PAGES: i64 = 16_384;

pub(super) enum Row {
    Audit(audit_event::ActiveModel),
    IssuedToken(issued_token::ActiveModel),
    RefreshToken(refresh_token::ActiveModel),
}

type Pending = (Row, oneshot::Sender<Result<()>>);

#[derive(Clone)]
pub(super) struct Appender {
    queue: mpsc::Sender<Pending>,
}

impl Appender {
    /// Starts the writer task on the current Tokio runtime.
    pub(super) fn start(db: DatabaseConnection, sqlite: bool) -> Appender {
        let (queue, rows) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db, rows, sqlite));
        Appender { queue }
    }

    /// Writes `row` and returns once it is committed.
    pub(super) async fn append(&self, db: &DatabaseConnection, row: Row) -> Result<()> {
        let (done, outcome) = oneshot::channel();
        let queued = Instant::now();
        match self.queue.send((row, done)).await {
            Ok(()) => {
                let result = outcome
                    .await
                    .unwrap_or_else(|_| Err(Error::Internal("the audit writer stopped".into())));
                // From handing the row over to its commit: the time group commit adds to a request.
                metrics::histogram!("gatehouse_group_commit_wait_seconds").record(queued.elapsed().as_secs_f64());
                result
            }
            Err(mpsc::error::SendError((row, _))) => write_one(db, row).await,
        }
    }
}

async fn write_batches(db: DatabaseConnection, mut rows: mpsc::Receiver<Pending>, sqlite: bool) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut checkpointed = Instant::now();
    // Whether this writer committed since the last checkpoint: an idle server checkpoints nothing.
    let mut dirty = false;
    loop {
        let wait = if sqlite && dirty {
            CHECKPOINT_EVERY.saturating_sub(checkpointed.elapsed())
        } else {
            Duration::MAX
        };
        // recv_many is cancel-safe: a timeout (a checkpoint is due) loses nothing.
        match tokio::time::timeout(wait, rows.recv_many(&mut batch, MAX_BATCH)).await {
            Ok(0) => break,
            Ok(n) => {
                metrics::histogram!("gatehouse_group_commit_batch_size").record(n as f64);
                write_batch(&db, &mut batch).await;
                dirty = true;
            }
            Err(_) => {}
        }
        if sqlite && dirty && checkpointed.elapsed() >= CHECKPOINT_EVERY {
            let started = Instant::now();
            checkpoint(&db).await;
            metrics::histogram!("gatehouse_sqlite_checkpoint_seconds").record(started.elapsed().as_secs_f64());
            checkpointed = Instant::now();
            dirty = false;
        }
    }
}

/// Commits `batch` (emptying it) and tells every caller its row's outcome.
async fn write_batch(db: &DatabaseConnection, batch: &mut Vec<Pending>) {
    if batch.len() > 1 && write_many(db, split(batch)).await.is_ok() {
        for (_, done) in batch.drain(..) {
            let _ = done.send(Ok(()));
        }
        return;
    }
    for (row, done) in batch.drain(..) {
        let _ = done.send(write_one(db, row).await);
    }
}

/// A passive checkpoint, which copies what it can of the WAL into the database without waiting for anyone; and
/// when the WAL has nevertheless grown past `WAL_RESTART_PAGES` (other connections kept writing, so it never
/// emptied), one that waits for the writers of the moment and starts the WAL over.
async fn checkpoint(db: &DatabaseConnection) {
    match wal_checkpoint(db, "PASSIVE").await {
        Ok(pages) if pages > WAL_RESTART_PAGES => {
            if let Err(e) = wal_checkpoint(db, "RESTART").await {
                tracing::warn!(error = %e, pages, "WAL restart failed; the next checkpoint retries");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries"),
    }
}

/// Runs `PRAGMA wal_checkpoint(mode)`; returns the WAL's size in pages.
async fn wal_checkpoint(db: &DatabaseConnection, mode: &str) -> Result<i64> {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .map_err(db_error)?;
    // Columns: busy, pages in the WAL, pages checkpointed.
    Ok(row.and_then(|r| r.try_get_by_index::<i64>(1).ok()).unwrap_or(0))
}

/// The rows of a batch by table.
#[derive(Default)]
struct Tables {
    audits: Vec<audit_event::ActiveModel>,
    access_tokens: Vec<issued_token::ActiveModel>,
    refresh_tokens: Vec<refresh_token::ActiveModel>,
}

fn split(batch: &[Pending]) -> Tables {
    let mut tables = Tables::default();
    for (row, _) in batch {
        match row {
            Row::Audit(model) => tables.audits.push(model.clone()),
            Row::IssuedToken(model) => tables.access_tokens.push(model.clone()),
            Row::RefreshToken(model) => tables.refresh_tokens.push(model.clone()),
        }
    }
    tables
}

async fn write_many(db: &DatabaseConnection, tables: Tables) -> Result<()> {
    let txn = db.begin().await.map_err(db_error)?;
    if !tables.audits.is_empty() {
        audit_event::Entity::insert_many(tables.audits)
            .exec_without_returning(&txn)
            .await
            .map_err(db_error)?;
    }
    if !tables.access_tokens.is_empty() {
        issued_token::Entity::insert_many(tables.access_tokens)
            .exec_without_returning(&txn)
            .await
            .map_err(db_error)?;
    }
    if !tables.refresh_tokens.is_empty() {
        refresh_token::Entity::insert_many(tables.refresh_tokens)
            .exec_without_returning(&txn)
            .await
            .map_err(db_error)?;
    }
    txn.commit().await.map_err(db_error)
}

async fn write_one(db: &DatabaseConnection, row: Row) -> Result<()> {
    match row {
        Row::Audit(model) => audit_event::Entity::insert(model).exec_without_returning(db).await,
        Row::IssuedToken(model) => issued_token::Entity::insert(model).exec_without_returning(db).await,
        Row::RefreshToken(model) => refresh_token::Entity::insert(model).exec_without_returning(db).await,
    }
    .map(drop)
    .map_err(db_error)
}
