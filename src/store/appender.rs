//! Group commit for the append-only rows every token request writes: audit events and issued access tokens.
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
//! On SQLite the WAL is checkpointed here too, every `CHECKPOINT_EVERY` on a task of its own, instead of by
//! whichever commit crosses the automatic threshold (`wal_autocheckpoint` is off): a checkpoint writes and syncs
//! the database file, and inside a commit it held up every request waiting for that commit.
use entity::{audit_event, issued_token};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::db_error;
use crate::core::{Error, Result};

/// Rows per transaction at most (a multi-row insert binds one parameter per column: 10 × 256 stays far below
/// SQLite's and PostgreSQL's limits).
const MAX_BATCH: usize = 256;
/// Rows waiting at most; a caller beyond this waits for room (back-pressure instead of unbounded memory).
const QUEUE: usize = 4096;
/// How often the SQLite WAL is copied back into the database (passive: never waits for readers or writers).
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

pub(super) enum Row {
    Audit(audit_event::ActiveModel),
    IssuedToken(issued_token::ActiveModel),
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
        if sqlite {
            tokio::spawn(checkpoints(db.clone(), queue.downgrade()));
        }
        tokio::spawn(write_batches(db, rows));
        Appender { queue }
    }

    /// Writes `row` and returns once it is committed.
    pub(super) async fn append(&self, db: &DatabaseConnection, row: Row) -> Result<()> {
        let (done, outcome) = oneshot::channel();
        match self.queue.send((row, done)).await {
            Ok(()) => outcome
                .await
                .unwrap_or_else(|_| Err(Error::Internal("the audit writer stopped".into()))),
            Err(mpsc::error::SendError((row, _))) => write_one(db, row).await,
        }
    }
}

async fn write_batches(db: DatabaseConnection, mut rows: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rows.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if batch.len() > 1 {
            let (audits, tokens) = split(&batch);
            if write_many(&db, audits, tokens).await.is_ok() {
                for (_, done) in batch.drain(..) {
                    let _ = done.send(Ok(()));
                }
                continue;
            }
        }
        for (row, done) in batch.drain(..) {
            let _ = done.send(write_one(&db, row).await);
        }
    }
}

/// Passive WAL checkpoints until the store is dropped (the last `Appender` with it).
async fn checkpoints(db: DatabaseConnection, store: mpsc::WeakSender<Pending>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if store.upgrade().is_none() {
            break;
        }
        if let Err(e) = db.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries");
        }
    }
}

fn split(batch: &[Pending]) -> (Vec<audit_event::ActiveModel>, Vec<issued_token::ActiveModel>) {
    let mut audits = Vec::new();
    let mut tokens = Vec::new();
    for (row, _) in batch {
        match row {
            Row::Audit(model) => audits.push(model.clone()),
            Row::IssuedToken(model) => tokens.push(model.clone()),
        }
    }
    (audits, tokens)
}

async fn write_many(
    db: &DatabaseConnection,
    audits: Vec<audit_event::ActiveModel>,
    tokens: Vec<issued_token::ActiveModel>,
) -> Result<()> {
    let txn = db.begin().await.map_err(db_error)?;
    if !audits.is_empty() {
        audit_event::Entity::insert_many(audits)
            .exec_without_returning(&txn)
            .await
            .map_err(db_error)?;
    }
    if !tokens.is_empty() {
        issued_token::Entity::insert_many(tokens)
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
    }
    .map(drop)
    .map_err(db_error)
}
