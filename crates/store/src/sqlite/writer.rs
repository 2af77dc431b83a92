//! The store's one writer: every write of this process runs on one thread, and the writes that
//! queue while a transaction commits go together in the next one (group commit), each inside
//! its own savepoint, so one write's failure rolls back that write alone.
//!
//! SQLite has one writer at a time anyway. Committing each write on its own paid, per write,
//! the commit itself, the flush of the search index's pending terms and the WAL frames of
//! every page the write touched; a batch pays them once. A caller still gets its answer only
//! after the batch's COMMIT, so a 2xx still means the row is committed.
//!
//! The queue is bounded: past `max_queued` waiting writes, a write is refused at once as
//! `Unavailable::WritersQueued` (the client retries) rather than waiting behind the others
//! without limit. A batch that fails for lack of disk space marks the store as out of space
//! until one commits again.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;

use contacts_core::{CoreError, StoreObserver, Unavailable};
use diesel::sqlite::SqliteConnection;

use crate::sqlite::pool::DbPool;
use crate::tx::{self, TxError};

/// Most writes in one transaction: bounds how long the first of them waits for the last.
const MOST_PER_BATCH: usize = 64;

/// One queued write, type-erased so writes of any result type share the queue.
trait Job: Send {
    /// Runs the write inside the batch's transaction, in a savepoint of its own.
    fn run(&mut self, conn: &mut SqliteConnection);
    /// Answers the caller once the batch's COMMIT (or its failure) is known.
    fn finish(self: Box<Self>, committed: Result<(), CoreError>);
    /// Whether the write itself failed because the disk is full.
    fn ran_out_of_space(&self) -> bool;
}

struct Pending<T, F> {
    work: Option<F>,
    outcome: Option<Result<T, CoreError>>,
    reply: SyncSender<Result<T, CoreError>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnOnce(&mut SqliteConnection) -> Result<T, CoreError> + Send,
{
    fn run(&mut self, conn: &mut SqliteConnection) {
        if let Some(work) = self.work.take() {
            self.outcome = Some(tx::savepoint(conn, work));
        }
    }

    fn ran_out_of_space(&self) -> bool {
        matches!(
            self.outcome,
            Some(Err(CoreError::Unavailable(Unavailable::StorageFull)))
        )
    }

    fn finish(self: Box<Self>, committed: Result<(), CoreError>) {
        let answer = match (committed, self.outcome) {
            (Ok(()), Some(outcome)) => outcome,
            (Ok(()), None) => Err(CoreError::internal("a queued write never ran")),
            (Err(err), _) => Err(err),
        };
        // The caller may be gone (its request cancelled); the write's fate is settled anyway.
        let _ = self.reply.send(answer);
    }
}

pub struct Writer {
    queue: Sender<Box<dyn Job>>,
    /// Writes queued or being committed now.
    waiting: AtomicUsize,
    max_queued: usize,
    storage_full: Arc<AtomicBool>,
}

/// Counts a write out of the queue however its wait ends.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Writer {
    /// Starts the writer thread over this pool.
    pub fn start(
        pool: DbPool,
        max_queued: usize,
        observer: Arc<dyn StoreObserver>,
    ) -> std::io::Result<Writer> {
        let (queue, jobs) = channel::<Box<dyn Job>>();
        let storage_full = Arc::new(AtomicBool::new(false));
        let marks = Arc::clone(&storage_full);
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_batches(&pool, &jobs, &marks, observer.as_ref()))?;
        Ok(Writer {
            queue,
            waiting: AtomicUsize::new(0),
            max_queued: max_queued.max(1),
            storage_full,
        })
    }

    /// Whether the last batch failed for lack of disk space (and none has committed since).
    pub fn storage_full(&self) -> bool {
        self.storage_full.load(Ordering::Acquire)
    }

    /// Queues `work` and blocks the calling (blocking-pool) thread until its batch commits.
    pub fn write<T, F>(&self, work: F) -> Result<T, CoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, CoreError> + Send + 'static,
    {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_queued {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(CoreError::Unavailable(Unavailable::WritersQueued));
        }
        let _counted = Waiting(&self.waiting);
        let (reply, answer) = sync_channel(1);
        let job = Box::new(Pending {
            work: Some(work),
            outcome: None,
            reply,
        });
        self.queue
            .send(job)
            .map_err(|_| CoreError::internal("the store's writer has stopped"))?;
        answer
            .recv()
            .map_err(|_| CoreError::internal("the store's writer dropped a write"))?
    }
}

/// The writer thread: takes the first queued write and every one queued behind it, up to
/// `MOST_PER_BATCH`, runs them in one IMMEDIATE transaction, and answers them all. Ends when
/// the store (the queue's sender) is dropped.
fn write_batches(
    pool: &DbPool,
    jobs: &Receiver<Box<dyn Job>>,
    storage_full: &AtomicBool,
    observer: &dyn StoreObserver,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        batch.extend(jobs.try_iter().take(MOST_PER_BATCH - 1));
        let committed = commit(pool, &mut batch);
        observer.write_batch(batch.len());
        let out_of_space = matches!(
            committed,
            Err(CoreError::Unavailable(Unavailable::StorageFull))
        ) || batch.iter().any(|job| job.ran_out_of_space());
        if out_of_space != storage_full.swap(out_of_space, Ordering::AcqRel) {
            if out_of_space {
                log::error!("writes fail: the disk is full; they resume once space returns");
            } else {
                log::info!("writes commit again: disk space has returned");
            }
        }
        for job in batch {
            job.finish(committed.clone());
        }
    }
}

fn commit(pool: &DbPool, batch: &mut [Box<dyn Job>]) -> Result<(), CoreError> {
    let mut conn = pool.get().map_err(CoreError::internal)?;
    conn.immediate_transaction::<(), TxError, _>(|conn| {
        for job in batch.iter_mut() {
            // A panic inside one write leaves its savepoint open: give up the whole batch
            // (Diesel marks the connection broken, so the pool discards it).
            catch_unwind(AssertUnwindSafe(|| job.run(conn)))
                .map_err(|_| TxError::from_core(CoreError::internal("a write panicked")))?;
        }
        Ok(())
    })
    .map_err(TxError::into_core)
}
