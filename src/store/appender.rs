//! Group commit for the append-only rows every token request writes: audit events, issued access tokens and
//! rotated refresh tokens.
//!
//! Each caller still waits until its rows are committed (nothing is buffered past the answer, so a crash loses no
//! acknowledged event), but rows that arrive while a write is in flight go into the next one: a single
//! transaction with one multi-row `INSERT` per table. Under load that turns dozens of commits — each a round trip
//! to SQLite's worker thread or to PostgreSQL, and a WAL append of every page touched — into one. A caller hands
//! over the rows of one operation together (a token grant's access token, refresh token and audit event), and they
//! are committed together. A lone row is written at once, so an idle server pays nothing extra; under a stream of
//! rows, a commit starts at most every `PACE` (or as soon as as many writes wait as the last batch had), so that
//! batches stay full even where the writer would otherwise be woken (and commit) for each row (one core).
//!
//! A token grant that rotates a refresh token out claims it in the same transaction (`Claim`): one conditional
//! `UPDATE` for all the claims of a batch, and only the callers whose claim won have their rows written. So a
//! refresh commits once, and never writes through the pool while the writer holds SQLite's write lock (which made
//! it wait on SQLite's busy handler, sleeping milliseconds at a time).
//!
//! If a batch fails, each caller's rows are retried on their own (in a transaction of their own) so that each
//! caller gets its own outcome. If the writer task is gone (its runtime shut down), rows are written directly.
//!
//! On SQLite the WAL is checkpointed here too, instead of by whichever commit crosses SQLite's automatic threshold
//! (`wal_autocheckpoint` is off): a checkpoint writes and syncs the database file, and SQLite's ran every
//! thousand pages inside a commit, holding up every request waiting for it. At most every `CHECKPOINT_EVERY`, a
//! passive checkpoint runs on another connection while the writer goes on committing (`checkpoint_in_background`),
//! and when it is done, the writer copies the little committed meanwhile itself, between two batches, so that the
//! whole WAL is copied and the next transaction starts the file over. (A checkpoint only beside the writer never
//! caught up with the writes, and the WAL grew without bound under steady load; one only between batches held
//! every request up for the tens of milliseconds a second of tokens takes to copy and sync.)
use chrono::{DateTime, Utc};
use entity::{audit_event, issued_token, refresh_token};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Statement, TransactionTrait};
use std::collections::HashSet;
use std::time::{Duration, Instant};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

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
/// Background checkpoint passes at most before the writer copies the rest, and what counts as a short pass.
const BACKGROUND_PASSES: usize = 4;
const SHORT_PASS: Duration = Duration::from_millis(5);
/// Under a stream of rows, a commit starts at most this long after the previous one ended, so that the rows of
/// requests served meanwhile join it (see `write_batches`).
const PACE: Duration = Duration::from_millis(1);

pub(super) enum Row {
    Audit(audit_event::ActiveModel),
    IssuedToken(issued_token::ActiveModel),
    RefreshToken(refresh_token::ActiveModel),
}

/// A refresh token to use up before a caller's rows are written: only if it is still unused, unrevoked and within
/// its family's lifetime at `now`.
pub(super) struct Claim {
    pub(super) token_hash: String,
    pub(super) now: DateTime<Utc>,
}

/// Rows that are written together (one transaction), the claim they depend on, and who waits for them: told
/// whether they were written (`false`: the claim lost, nothing written).
struct Pending {
    claim: Option<Claim>,
    rows: Vec<Row>,
    done: oneshot::Sender<Result<bool>>,
}

#[derive(Clone)]
pub(super) struct Appender {
    queue: mpsc::Sender<Pending>,
    full: Arc<Full>,
}

/// How the writer, waiting for its pace, learns early that as many writes are waiting as its last batch had
/// (then every request in flight has probably handed its rows over): one wake-up per batch, not one per row.
struct Full {
    expected: AtomicUsize,
    notify: Notify,
}

impl Appender {
    /// Starts the writer task on the current Tokio runtime: it commits through `writer`, and checkpoints beside
    /// it through `pool`.
    pub(super) fn start(writer: DatabaseConnection, pool: DatabaseConnection, sqlite: bool) -> Appender {
        let (queue, rows) = mpsc::channel(QUEUE);
        let full = Arc::new(Full {
            expected: AtomicUsize::new(usize::MAX),
            notify: Notify::new(),
        });
        tokio::spawn(write_batches(writer, pool, rows, sqlite, full.clone()));
        Appender { queue, full }
    }

    /// Writes `rows`, all or none, and returns once they are committed.
    pub(super) async fn append(&self, db: &DatabaseConnection, rows: Vec<Row>) -> Result<()> {
        self.append_claiming(db, None, rows).await.map(drop)
    }

    /// Uses up `claim`'s refresh token and writes `rows`, all or none, and returns once they are committed:
    /// `false` when the token was no longer usable, and nothing was written.
    pub(super) async fn append_claiming(
        &self,
        db: &DatabaseConnection,
        claim: Option<Claim>,
        rows: Vec<Row>,
    ) -> Result<bool> {
        let (done, outcome) = oneshot::channel();
        let queued = Instant::now();
        match self.queue.send(Pending { claim, rows, done }).await {
            Ok(()) => {
                let waiting = self.queue.max_capacity() - self.queue.capacity();
                if waiting >= self.full.expected.load(Ordering::Relaxed) {
                    self.full.notify.notify_one();
                }
                let result = outcome
                    .await
                    .unwrap_or_else(|_| Err(Error::Internal("the audit writer stopped".into())));
                // From handing the row over to its commit: the time group commit adds to a request.
                metrics::histogram!("gatehouse_group_commit_wait_seconds").record(queued.elapsed().as_secs_f64());
                result
            }
            Err(mpsc::error::SendError(Pending { claim, rows, .. })) => write_one(db, claim, rows).await,
        }
    }
}

async fn write_batches(
    db: DatabaseConnection,
    pool: DatabaseConnection,
    mut rows: mpsc::Receiver<Pending>,
    sqlite: bool,
    full: Arc<Full>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut checkpointed = Instant::now();
    // Whether this writer committed since the last checkpoint: an idle server checkpoints nothing.
    let mut dirty = false;
    // Whether rows are streaming in: the last batch had several, or more were waiting when it was committed.
    let mut streaming = false;
    let mut committed = Instant::now();
    // How many writes the last batch had: in a stream, about as many come again (one per request in flight).
    let mut expected: usize = 1;
    // The checkpoint running beside the writer, on another connection (see `checkpoint_in_background`).
    let mut background: Option<JoinHandle<()>> = None;
    loop {
        let due = if sqlite && dirty && background.is_none() {
            CHECKPOINT_EVERY.saturating_sub(checkpointed.elapsed())
        } else {
            Duration::MAX
        };
        tokio::select! {
            // recv_many is cancel-safe: another branch winning loses nothing.
            n = rows.recv_many(&mut batch, MAX_BATCH) => {
                if n == 0 {
                    break;
                }
                // Rows arriving one by one would each get a commit of their own when the writer is woken at once
                // (as on one core, where the wake-up runs before the requests that would add rows): a write of
                // every touched page to the WAL per row. In a stream, the batch waits for the pace instead, and
                // takes what the requests served meanwhile added. A lone row is written at once.
                if streaming && n < MAX_BATCH {
                    // Wait for the pace, or until the writes still missing to make the last batch's size are
                    // queued (the `n` received count toward it), whichever comes first.
                    let missing = expected.saturating_sub(n).max(1);
                    full.expected.store(missing, Ordering::Relaxed);
                    let paced = tokio::time::sleep_until((committed + PACE).into());
                    if rows.len() < missing {
                        tokio::select! {
                            _ = paced => {}
                            _ = full.notify.notified() => {}
                        }
                    }
                    full.expected.store(usize::MAX, Ordering::Relaxed);
                    while batch.len() < MAX_BATCH {
                        match rows.try_recv() {
                            Ok(pending) => batch.push(pending),
                            Err(_) => break,
                        }
                    }
                }
                let n = batch.len();
                expected = n;
                metrics::histogram!("gatehouse_group_commit_batch_size").record(n as f64);
                write_batch(&db, &mut batch).await;
                committed = Instant::now();
                streaming = n > 1 || !rows.is_empty();
                dirty = true;
            }
            finished = wait_for(&mut background), if background.is_some() => {
                background = None;
                if let Err(e) = finished {
                    tracing::warn!(error = %e, "the background WAL checkpoint stopped");
                }
                // The bulk of the WAL is in the database now; what was committed meanwhile is copied here,
                // between batches, so that the WAL is copied whole and the next commit starts it over.
                let started = Instant::now();
                checkpoint(&db).await;
                metrics::histogram!("gatehouse_sqlite_checkpoint_seconds").record(started.elapsed().as_secs_f64());
                checkpointed = Instant::now();
                dirty = false;
            }
            _ = tokio::time::sleep(due), if due != Duration::MAX => {}
        }
        if sqlite && dirty && background.is_none() && checkpointed.elapsed() >= CHECKPOINT_EVERY {
            background = Some(tokio::spawn(checkpoint_in_background(pool.clone())));
        }
    }
    if let Some(running) = background {
        let _ = running.await;
    }
}

async fn wait_for(background: &mut Option<JoinHandle<()>>) -> std::result::Result<(), tokio::task::JoinError> {
    match background {
        Some(running) => running.await,
        None => std::future::pending().await,
    }
}

/// A passive checkpoint on a connection of its own, while the writer goes on committing: it copies the WAL into
/// the database file and syncs it — the part of a checkpoint that takes long (tens of milliseconds for a second of
/// tokens) — without holding up any commit. It cannot copy what is committed while it runs, and so alone would
/// never let the WAL start over under steady writes; the writer copies that rest itself, between two batches, once
/// this one is done.
///
/// A pass that took long leaves much to copy (what was committed meanwhile), so it is followed by another, up to
/// `BACKGROUND_PASSES`, until a pass is short: the rest the writer copies is then a few milliseconds' worth.
async fn checkpoint_in_background(db: DatabaseConnection) {
    for _ in 0..BACKGROUND_PASSES {
        let started = Instant::now();
        if let Err(e) = wal_checkpoint(&db, "PASSIVE").await {
            tracing::warn!(error = %e, "background WAL checkpoint failed; the next one retries");
            return;
        }
        let took = started.elapsed();
        metrics::histogram!("gatehouse_sqlite_background_checkpoint_seconds").record(took.as_secs_f64());
        if took < SHORT_PASS {
            return;
        }
    }
}

/// Commits `batch` (emptying it) and tells every caller its rows' outcome.
async fn write_batch(db: &DatabaseConnection, batch: &mut Vec<Pending>) {
    if batch.len() > 1
        && let Ok(written) = write_many(db, batch).await
    {
        for (pending, written) in batch.drain(..).zip(written) {
            let _ = pending.done.send(Ok(written));
        }
        return;
    }
    for Pending { claim, rows, done } in batch.drain(..) {
        let _ = done.send(write_one(db, claim, rows).await);
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

/// The rows of the callers whose claim won (`written`), by table.
fn split(batch: &[Pending], written: &[bool]) -> Tables {
    let mut tables = Tables::default();
    let rows = batch
        .iter()
        .zip(written)
        .filter(|(_, written)| **written)
        .flat_map(|(pending, _)| &pending.rows);
    for row in rows {
        match row {
            Row::Audit(model) => tables.audits.push(model.clone()),
            Row::IssuedToken(model) => tables.access_tokens.push(model.clone()),
            Row::RefreshToken(model) => tables.refresh_tokens.push(model.clone()),
        }
    }
    tables
}

/// Commits a batch in one transaction: the claims first (one statement), then the rows of every caller whose
/// claim won, one multi-row `INSERT` per table. Returns, per caller, whether its rows were written.
async fn write_many(db: &DatabaseConnection, batch: &[Pending]) -> Result<Vec<bool>> {
    let txn = db.begin().await.map_err(db_error)?;
    let claims: Vec<&Claim> = batch.iter().filter_map(|p| p.claim.as_ref()).collect();
    let won = claim_all(&txn, &claims).await?;
    // A token presented twice in one batch is used up once: by the first of its callers.
    let mut taken = HashSet::new();
    let written: Vec<bool> = batch
        .iter()
        .map(|p| match &p.claim {
            None => true,
            Some(claim) => won.contains(claim.token_hash.as_str()) && taken.insert(claim.token_hash.as_str()),
        })
        .collect();
    let tables = split(batch, &written);
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
    txn.commit().await.map_err(db_error)?;
    Ok(written)
}

/// Uses up the claims' refresh tokens that are still usable, in one conditional `UPDATE`; the digests of those it
/// used up. The latest `now` of the claims stands for all (they were made within a batch's few milliseconds).
async fn claim_all(db: &impl ConnectionTrait, claims: &[&Claim]) -> Result<HashSet<String>> {
    let Some(now) = claims.iter().map(|c| c.now).max() else {
        return Ok(HashSet::new());
    };
    // Only the keys come back (not the rows with their grants): the writer decodes nothing it does not need.
    let update = Query::update()
        .table(refresh_token::Entity)
        .value(refresh_token::Column::UsedAt, now)
        .and_where(refresh_token::Column::TokenHash.is_in(claims.iter().map(|c| c.token_hash.as_str())))
        .and_where(refresh_token::Column::UsedAt.is_null())
        .and_where(refresh_token::Column::RevokedAt.is_null())
        .and_where(refresh_token::Column::FamilyExpiresAt.gt(now))
        .returning_col(refresh_token::Column::TokenHash)
        .to_owned();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&update))
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).map_err(db_error))
        .collect()
}

/// Writes one caller's rows in a transaction of their own (a lone row without a claim by itself), after its
/// claim: `false`, with nothing written, when the claim lost.
async fn write_one(db: &DatabaseConnection, claim: Option<Claim>, rows: Vec<Row>) -> Result<bool> {
    if claim.is_none()
        && let [_] = rows.as_slice()
    {
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("no row".into()))?;
        return insert(db, row).await.map(|()| true);
    }
    let txn = db.begin().await.map_err(db_error)?;
    if let Some(claim) = &claim
        && claim_all(&txn, &[claim]).await?.is_empty()
    {
        txn.rollback().await.map_err(db_error)?;
        return Ok(false);
    }
    for row in rows {
        insert(&txn, row).await?;
    }
    txn.commit().await.map_err(db_error)?;
    Ok(true)
}

async fn insert(db: &impl ConnectionTrait, row: Row) -> Result<()> {
    match row {
        Row::Audit(model) => audit_event::Entity::insert(model).exec_without_returning(db).await,
        Row::IssuedToken(model) => issued_token::Entity::insert(model).exec_without_returning(db).await,
        Row::RefreshToken(model) => refresh_token::Entity::insert(model).exec_without_returning(db).await,
    }
    .map(drop)
    .map_err(db_error)
}
