//! contacts-store: the SQLite store behind every dialect. It owns the schema, the embedded
//! migrations and the connection pool, and implements the operations `contacts-core` declares.

use std::sync::Arc;

mod accounts;
mod bulk;
mod contact_cache;
mod contact_rows;
mod contacts;
mod error;
mod filter_sql;
mod import;
mod keys;
mod listing;
mod positions;
pub mod postgres;
pub mod schema;
mod sqlite;
mod statement;
mod tx;

use sqlite::{backup, pool, space, watch as foreign_writes, writer};

use contacts_core::{
    Account, AccountChanges, AccountKey, AccountQuery, Contact, ContactChanges, ContactKey,
    CoreError, Directory, ImportOutcome, ImportRow, KeyRecord, KeysetPage, NewAccount, NewContact,
    OffsetPage, Order, RateLimit, SortKey, StoreObserver, Unobserved,
};

pub use backup::BackupReport;
pub use error::StoreError;
pub use pool::{migrate_down_all, DbPool, PoolOptions, Synchronous};

/// The store: a pool of SQLite connections to one database file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: DbPool,
    /// The database file, for the disk-space check after writes failed for lack of space.
    path: Arc<std::path::Path>,
    /// Every write of this process, committed in batches on one thread. Writers queue here,
    /// not in SQLite's busy handler, whose sleeps (up to 100 ms each) would be what a write
    /// waits for under load.
    writer: Arc<writer::Writer>,
    /// Sparse positions in the unfiltered list, for deep page/limit requests.
    positions: Arc<positions::ListPositions>,
    /// Contacts read lately, answered without SQLite until the next write of any process.
    cache: Arc<contact_cache::ContactCache>,
    /// Told of batches and cache look-ups, for the server's metrics.
    observer: Arc<dyn StoreObserver>,
    /// Revoked keys as the watcher last counted them (after any process's commit).
    revocations: Arc<foreign_writes::KeyRevocations>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
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
        let revocations = Arc::<foreign_writes::KeyRevocations>::default();
        foreign_writes::watch(url, Arc::downgrade(&cache), Arc::clone(&revocations))
            .map_err(StoreError::Writer)?;
        Ok(SqliteStore {
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
    fn reading<T>(
        &self,
        work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        tx::snapshot(&mut *self.conn()?, work)
    }

    /// Runs a write on the writer thread, answering once its batch has committed, and after
    /// the contact cache has forgotten what the write may have changed.
    fn writing<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>
            + Send
            + 'static,
    ) -> Result<T, CoreError> {
        let outcome = self.writer.write(work);
        self.cache.forget_all();
        outcome
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
            conn.batch_execute(sqlite::sql::OPTIMIZE_SEARCH_INDEX)
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

    /// Copies the live database to `target` (a new file) as one consistent snapshot while
    /// writes go on, and checks the copy before answering.
    pub fn backup_to(&self, target: &std::path::Path) -> Result<BackupReport, CoreError> {
        backup::copy_to(&mut *self.conn()?, target)
    }

    /// Emails waiting in the outbox, oldest first: (recipient, subject, body).
    pub fn outbox(&self) -> Result<Vec<(String, String, String)>, CoreError> {
        use diesel::prelude::*;
        use schema::outbox::dsl;
        let mut conn = self.conn()?;
        dsl::outbox
            .order(dsl::id.asc())
            .select((dsl::recipient, dsl::subject, dsl::body))
            .load(&mut conn)
            .map_err(CoreError::internal)
    }

    /// The stored password hash of a contact (tests check it is a hash, never the password).
    pub fn password_hash(&self, contact_id: i64) -> Result<Option<String>, CoreError> {
        use diesel::prelude::*;
        use schema::contacts::dsl;
        let mut conn = self.conn()?;
        dsl::contacts
            .find(contact_id)
            .select(dsl::password_hash)
            .first(&mut conn)
            .map_err(CoreError::internal)
    }
}

impl Directory for SqliteStore {
    /// The database answers, and, after writes failed for lack of disk space, the disk has
    /// room again (`space::MARGIN`): ready means a write can succeed.
    fn ping(&self) -> Result<(), CoreError> {
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

    fn create_key(
        &self,
        name: &str,
        key_hash: &str,
        read_only: bool,
        rate_limit: Option<RateLimit>,
    ) -> Result<KeyRecord, CoreError> {
        let (name, key_hash) = (name.to_owned(), key_hash.to_owned());
        self.writing(move |conn| keys::create(conn, &name, &key_hash, read_only, rate_limit))
    }

    fn list_keys(&self) -> Result<Vec<KeyRecord>, CoreError> {
        self.reading(keys::list)
    }

    fn revoke_key(&self, name: &str) -> Result<KeyRecord, CoreError> {
        let name = name.to_owned();
        self.writing(move |conn| keys::revoke(conn, &name))
    }

    fn find_key(&self, key_hash: &str) -> Result<Option<KeyRecord>, CoreError> {
        self.reading(|conn| keys::find_live(conn, key_hash))
    }

    fn count_keys(&self) -> Result<i64, CoreError> {
        self.reading(keys::count)
    }

    fn count_live_contacts(&self) -> Result<u64, CoreError> {
        self.reading(|conn| listing::list_state(conn).map(|state| state.live_count()))
    }

    fn key_revocations_seen(&self) -> Option<u64> {
        self.revocations.seen()
    }

    fn create_contact(&self, contact: NewContact) -> Result<Contact, CoreError> {
        self.writing(move |conn| contacts::create(conn, contact))
    }

    fn get_contact(&self, key: &ContactKey) -> Result<Contact, CoreError> {
        self.reading(|conn| contacts::get(conn, key))
    }

    fn remembered_contact(&self, key: &ContactKey) -> Option<Arc<Contact>> {
        let found = self.cache.find(key);
        self.observer.contact_cache(found.is_some());
        found
    }

    fn get_contact_to_remember(&self, key: &ContactKey) -> Result<Arc<Contact>, CoreError> {
        let seen = self.cache.epoch();
        let contact = Arc::new(self.reading(|conn| contacts::get(conn, key))?);
        self.cache.remember(Arc::clone(&contact), seen);
        Ok(contact)
    }

    fn update_contact(
        &self,
        key: &ContactKey,
        changes: ContactChanges,
    ) -> Result<Contact, CoreError> {
        let key = key.clone();
        self.writing(move |conn| contacts::update(conn, &key, changes))
    }

    fn delete_contact(&self, key: &ContactKey) -> Result<Contact, CoreError> {
        let key = key.clone();
        self.writing(move |conn| contacts::delete(conn, &key))
    }

    fn set_account_owner(&self, key: &ContactKey) -> Result<Contact, CoreError> {
        let key = key.clone();
        self.writing(move |conn| contacts::set_account_owner(conn, &key))
    }

    fn list_contacts_by_offset(&self, page: &OffsetPage) -> Result<(Vec<Contact>, u64), CoreError> {
        self.reading(|conn| listing::by_offset(conn, page, &self.positions))
    }

    fn list_contacts_after(&self, page: &KeysetPage) -> Result<Vec<Contact>, CoreError> {
        self.reading(|conn| listing::after(conn, page))
    }

    fn create_account(
        &self,
        account: NewAccount,
        owner: Option<NewContact>,
    ) -> Result<(Account, Option<Contact>), CoreError> {
        self.writing(move |conn| accounts::create(conn, account, owner))
    }

    fn get_account(&self, key: &AccountKey) -> Result<Account, CoreError> {
        self.reading(|conn| accounts::get(conn, key))
    }

    fn update_account(
        &self,
        key: &AccountKey,
        changes: AccountChanges,
    ) -> Result<Account, CoreError> {
        let key = key.clone();
        self.writing(move |conn| accounts::update(conn, &key, changes))
    }

    fn list_accounts(&self, query: &AccountQuery) -> Result<(Vec<Account>, u64), CoreError> {
        self.reading(|conn| accounts::list(conn, query))
    }

    fn import(
        &self,
        source: &str,
        rows: Vec<ImportRow>,
        prune: bool,
        dry_run: bool,
    ) -> Result<ImportOutcome, CoreError> {
        let source = source.to_owned();
        self.writing(move |conn| import::run(conn, &source, rows, prune, dry_run))
    }
}
