//! The SQLite store: a pool of connections to one file, the group-commit writer, the watcher
//! of other processes' commits, and what the engine remembers between requests.

use std::sync::Arc;

use contacts_core::{CoreError, NewContact, Order, SortKey, StoreObserver, Unobserved};

use super::ops::{bulk, listing, positions};
use super::{backup, pool, space, watch as foreign_writes, writer};
use crate::contact_cache;
use crate::error::{self, StoreError};
use crate::tx;

pub use backup::BackupReport;
pub use pool::{DbPool, PoolOptions};

/// The store: a pool of SQLite connections to one database file.
#[derive(Clone)]
pub struct Store {
    pool: DbPool,
    /// The database file, for the disk-space check after writes failed for lack of space.
    path: Arc<std::path::Path>,
    /// Every write of this process, committed in batches on one thread. Writers queue here,
    /// not in SQLite's busy handler, whose sleeps (up to 100 ms each) would be what a write
    /// waits for under load.
    writer: Arc<writer::Writer>,
    /// Sparse positions in the unfiltered list, for deep page/limit requests.
    pub(crate) positions: Arc<positions::ListPositions>,
    /// Contacts read lately, answered without SQLite until the next write of any process.
    pub(crate) cache: Arc<contact_cache::ContactCache>,
    /// Told of batches and cache look-ups, for the server's metrics.
    pub(crate) observer: Arc<dyn StoreObserver>,
    /// Revoked keys as the watcher last counted them (after any process's commit).
    pub(crate) revocations: Arc<crate::revocations::KeyRevocations>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url`, migrates it, and pools connections.
    pub fn open(url: &str, options: PoolOptions) -> Result<Self, StoreError> {
        Self::open_observed(url, options, Arc::new(Unobserved))
    }

    /// `open`, telling `observer` of every write batch and contact-cache look-up.
    pub fn open_observed(
        url: &str,
        options: PoolOptions,
        observer: Arc<dyn StoreObserver>,
    ) -> Result<Self, StoreError> {
        let pool = pool::open_pool(url, options)?;
        let writer = writer::Writer::start(
            pool.clone(),
            options.max_queued_writes,
            Arc::clone(&observer),
        )
        .map_err(StoreError::Writer)?;
        let cache = Arc::<contact_cache::ContactCache>::default();
        let revocations = Arc::<crate::revocations::KeyRevocations>::default();
        foreign_writes::watch(url, Arc::downgrade(&cache), Arc::clone(&revocations))
            .map_err(StoreError::Writer)?;
        Ok(Store {
            pool,
            path: Arc::from(std::path::Path::new(url)),
            writer: Arc::new(writer),
            positions: Arc::default(),
            cache,
            observer,
            revocations,
        })
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    fn conn(&self) -> Result<pool::PooledConn, CoreError> {
        self.pool.get().map_err(CoreError::internal)
    }

    /// Runs a read in one transaction on a pooled connection.
    pub(crate) fn reading<T>(
        &self,
        work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        tx::snapshot(&mut *self.conn()?, work)
    }

    /// Runs a write on the writer thread, answering once its batch has committed, and after
    /// the contact cache has forgotten what the write may have changed.
    pub(crate) fn writing<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>
            + Send
            + 'static,
    ) -> Result<T, CoreError> {
        let outcome = self.writer.write(work);
        self.cache.forget_all();
        outcome
    }

    /// Runs a write to tables nothing is remembered of (the outbox, webhook delivery,
    /// `Idempotency-Key` claims, pruning) on the writer thread, forgetting nothing, so a
    /// webhook sender's or mailer's idle poll does not empty the memory a few times a second.
    pub(crate) fn bookkeeping<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>
            + Send
            + 'static,
    ) -> Result<T, CoreError> {
        self.writer.write(work)
    }

    /// Bulk path: creates accounts with these names, answering their ids in order.
    pub fn bulk_insert_accounts(&self, names: &[String]) -> Result<Vec<i64>, CoreError> {
        let names = names.to_vec();
        self.writing(move |conn| bulk::insert_accounts(conn, &names))
    }

    /// Bulk path: inserts contacts, each with its account id, in one transaction. The input must
    /// be free of duplicate emails and external ids (a duplicate rolls the batch back).
    pub fn bulk_insert_contacts(
        &self,
        batch: Vec<(NewContact, Option<i64>)>,
    ) -> Result<usize, CoreError> {
        self.writing(move |conn| bulk::insert_contacts(conn, batch))
    }

    /// Merges the search index's segments into one. After a bulk load, the index holds many
    /// segments whose merging the next ordinary writes would otherwise pay for (about 2 s
    /// here at 1 000 000 contacts).
    pub fn optimize_search_index(&self) -> Result<(), CoreError> {
        self.writing(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(super::sql::OPTIMIZE_SEARCH_INDEX)
                .map_err(error::db)
        })
    }

    /// Takes the remembered positions of these list orders now, so that the first deep
    /// page/limit request after start does not wait for the walk over the list (about half a
    /// second at 1 000 000 contacts). Answers whether each order's positions are now current.
    pub fn warm_list_positions(&self, orders: &[(SortKey, Order)]) -> Result<bool, CoreError> {
        let mut all_current = true;
        for &(sort, order) in orders {
            let positions = Arc::clone(&self.positions);
            all_current &= self.reading(move |conn| {
                let version = listing::list_state(conn)?.version;
                positions.block_start(conn, sort, order, version, positions::SPACING)?;
                Ok(positions.are_current(sort, order, version))
            })?;
        }
        Ok(all_current)
    }

    /// The database answers, and, after writes failed for lack of disk space, the disk has
    /// room again (`space::MARGIN`): ready means a write can succeed.
    pub(crate) fn ready(&self) -> Result<(), CoreError> {
        use diesel::connection::SimpleConnection;
        if self.writer.storage_full() && !space::has_room(&self.path) {
            return Err(CoreError::Unavailable(
                contacts_core::Unavailable::StorageFull,
            ));
        }
        self.conn()?
            .batch_execute("SELECT 1")
            .map_err(CoreError::internal)
    }

    /// Copies the live database to `target` (a new file) as one consistent snapshot while
    /// writes go on, and checks the copy before answering.
    pub fn backup_to(&self, target: &std::path::Path) -> Result<BackupReport, CoreError> {
        backup::copy_to(&mut *self.conn()?, target)
    }
}
