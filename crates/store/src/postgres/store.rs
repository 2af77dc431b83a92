//! The PostgreSQL store: a pool of connections to one database shared by any number of
//! gateway nodes. Writes are ordinary transactions (PostgreSQL does its own group commit) that
//! NOTIFY the other nodes as they commit; reads are read-only REPEATABLE READ snapshots. What a
//! node remembers (contacts, list positions, keys) it forgets on its own writes at once and on
//! other nodes' writes when the listener hears of them (listen.rs).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use contacts_core::{
    CoreError, NewContact, Order, SortKey, StoreObserver, Unavailable, Unobserved,
};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::Connection;

use super::ops::{bulk, listing, positions};
use super::{listen, sql};
use crate::contact_cache::ContactCache;
use crate::error::{db, StoreError};
use crate::revocations::KeyRevocations;
use crate::sqlite::pool::PoolOptions;
use crate::tx::TxError;

pub type PgPool = Pool<ConnectionManager<PgConnection>>;

/// Times a write that met another node's is tried in all.
const ATTEMPTS: usize = 5;

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
    pub(crate) positions: Arc<positions::ListPositions>,
    pub(crate) cache: Arc<ContactCache>,
    pub(crate) observer: Arc<dyn StoreObserver>,
    pub(crate) revocations: Arc<KeyRevocations>,
    /// Writes waiting for a connection now, bounded by `max_queued_writes` like the SQLite
    /// writer's queue: past it a write is refused at once rather than queued behind the rest.
    waiting_writes: Arc<AtomicUsize>,
    max_queued_writes: usize,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl Store {
    /// Connects to the database at `url`, migrates it, pools connections and starts listening
    /// for other nodes' writes.
    pub fn open(url: &str, options: PoolOptions) -> Result<Self, StoreError> {
        Self::open_observed(url, options, Arc::new(Unobserved))
    }

    /// `open`, telling `observer` of every write and contact-cache look-up.
    pub fn open_observed(
        url: &str,
        options: PoolOptions,
        observer: Arc<dyn StoreObserver>,
    ) -> Result<Self, StoreError> {
        let pool = Pool::builder()
            .max_size(options.max_connections.max(1))
            .connection_timeout(Duration::from_secs(30))
            .test_on_check_out(false)
            .build(ConnectionManager::<PgConnection>::new(url))?;
        super::migrate(&mut *pool.get()?)?;
        let cache = Arc::<ContactCache>::default();
        let revocations = Arc::<KeyRevocations>::default();
        listen::watch(url, Arc::downgrade(&cache), Arc::clone(&revocations))
            .map_err(StoreError::Writer)?;
        Ok(Store {
            pool,
            positions: Arc::default(),
            cache,
            observer,
            revocations,
            waiting_writes: Arc::default(),
            max_queued_writes: options.max_queued_writes.max(1),
        })
    }

    fn conn(&self) -> Result<PooledConnection<ConnectionManager<PgConnection>>, CoreError> {
        self.pool.get().map_err(CoreError::internal)
    }

    /// Runs a read in one read-only REPEATABLE READ transaction: every statement sees the
    /// same snapshot, as on SQLite.
    pub(crate) fn reading<T>(
        &self,
        work: impl FnOnce(&mut PgConnection) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.conn()?
            .build_transaction()
            .repeatable_read()
            .read_only()
            .run::<T, TxError, _>(|conn| work(conn).map_err(TxError::from_core))
            .map_err(TxError::into_core)
    }

    /// Runs a write in a transaction of its own that tells every node as it commits (see
    /// `attempt_write`).
    pub(crate) fn writing<T>(
        &self,
        work: impl Fn(&mut PgConnection) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let outcome = self.attempt_write(|conn| {
            let done = work(conn)?;
            // Delivered to the listeners only if this transaction commits.
            conn.batch_execute(sql::NOTIFY_CHANGE).map_err(db)?;
            Ok(done)
        });
        self.cache.forget_all();
        self.observer.write_batch(1);
        outcome
    }

    /// Runs a write to tables no node remembers anything of (the outbox, webhook delivery,
    /// `Idempotency-Key` claims, pruning): as `writing`, but it tells no node and forgets
    /// nothing, so a webhook sender's or mailer's idle poll does not empty every node's memory
    /// a few times a second.
    pub(crate) fn bookkeeping<T>(
        &self,
        work: impl Fn(&mut PgConnection) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.attempt_write(work)
    }

    /// Runs `work` in a transaction of its own, and tries it again (up to `ATTEMPTS` in all)
    /// when it met another node's write: the operation's own checks then see what the other
    /// committed, and answer for it.
    fn attempt_write<T>(
        &self,
        work: impl Fn(&mut PgConnection) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let mut conn = self.write_connection()?;
        let mut attempt = 1;
        loop {
            let outcome = conn
                .transaction::<T, TxError, _>(|conn| work(conn).map_err(TxError::from_core))
                .map_err(TxError::into_core);
            match outcome {
                Err(CoreError::Unavailable(Unavailable::Contention)) if attempt < ATTEMPTS => {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Bulk path: creates accounts with these names, answering their ids in order.
    pub fn bulk_insert_accounts(&self, names: &[String]) -> Result<Vec<i64>, CoreError> {
        self.writing(|conn| bulk::insert_accounts(conn, names))
    }

    /// Bulk path: inserts contacts, each with its account id, in one transaction. The input must
    /// be free of duplicate emails and external ids (a duplicate rolls the batch back).
    pub fn bulk_insert_contacts(
        &self,
        batch: Vec<(NewContact, Option<i64>)>,
    ) -> Result<usize, CoreError> {
        // Cloned per attempt: a write that met another node's is run again from the start.
        self.writing(|conn| bulk::insert_contacts(conn, batch.clone()))
    }

    /// A connection for a write, unless `max_queued_writes` writes already wait for one.
    fn write_connection(
        &self,
    ) -> Result<PooledConnection<ConnectionManager<PgConnection>>, CoreError> {
        let waiting = self.waiting_writes.fetch_add(1, Ordering::AcqRel);
        let conn = if waiting >= self.max_queued_writes {
            Err(CoreError::Unavailable(Unavailable::WritersQueued))
        } else {
            self.conn()
        };
        self.waiting_writes.fetch_sub(1, Ordering::AcqRel);
        conn
    }

    /// Learns now which trigrams most contacts share, as the listener does every minute: after
    /// a bulk load and its ANALYZE, searches need not wait for it.
    pub fn learn_search_statistics(&self) -> Result<(), CoreError> {
        super::trigrams::learn(&mut *self.conn()?).map_err(db)
    }

    /// The database answers.
    pub(crate) fn ready(&self) -> Result<(), CoreError> {
        self.conn()?
            .batch_execute("SELECT 1")
            .map_err(CoreError::internal)
    }

    /// Takes the remembered positions of these list orders now (see the SQLite store's).
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
}
