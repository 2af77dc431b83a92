//! contacts-store: the store behind every dialect. It owns the schema, the embedded migrations
//! and the engines (SQLite, the embedded default, in sqlite/; PostgreSQL, for many nodes, in
//! postgres/), and implements the operations `contacts-core` declares once for both (ops/,
//! directory.rs).

// The portable operations (ops/) and directory.rs are compiled once per engine on purpose:
// written once, each engine's copy speaks its own SQL through its `sql` module.
#![expect(
    clippy::duplicate_mod,
    reason = "ops/ and directory.rs are compiled once per engine"
)]

mod account_memory;
mod contact_cache;
mod copy;
mod error;
mod page_memory;
pub mod postgres;
mod revocations;
pub mod schema;
mod sqlite;
mod statement;
mod tx;

pub use copy::CopyReport;
pub use error::StoreError;
pub use sqlite::backup::BackupReport;
pub use sqlite::pool::{
    migrate_down_all, DbPool, PoolOptions, Synchronous, MIGRATIONS as SQLITE_MIGRATIONS,
};
pub use sqlite::store::Store as SqliteStore;

use std::sync::Arc;

use contacts_core::{CoreError, Directory, NewContact, Order, SortKey, StoreObserver};

pub use postgres::Store as PostgresStore;

/// Whether a database URL names PostgreSQL (`postgres://…`, `postgresql://…`).
pub fn is_postgres_url(url: &str) -> bool {
    let lower = url.get(..13).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The store of either engine, chosen by the database URL. Everything outside this crate
/// holds this (or the `Directory` it gives), never an engine.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Store {
    /// Opens the database at `url`: PostgreSQL for a `postgres://` URL, else a SQLite file.
    pub fn open_observed(
        url: &str,
        options: PoolOptions,
        observer: Arc<dyn StoreObserver>,
    ) -> Result<Self, StoreError> {
        if is_postgres_url(url) {
            PostgresStore::open_observed(url, options, observer).map(Store::Postgres)
        } else {
            SqliteStore::open_observed(url, options, observer).map(Store::Sqlite)
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// The operations, shared.
    pub fn directory(&self) -> Arc<dyn Directory> {
        match self {
            Store::Sqlite(store) => Arc::new(store.clone()),
            Store::Postgres(store) => Arc::new(store.clone()),
        }
    }

    /// The operations, borrowed.
    pub fn as_directory(&self) -> &dyn Directory {
        match self {
            Store::Sqlite(store) => store,
            Store::Postgres(store) => store,
        }
    }

    /// Takes the remembered positions of these list orders now.
    pub fn warm_list_positions(&self, orders: &[(SortKey, Order)]) -> Result<bool, CoreError> {
        match self {
            Store::Sqlite(store) => store.warm_list_positions(orders),
            Store::Postgres(store) => store.warm_list_positions(orders),
        }
    }

    /// Bulk path: creates accounts with these names, answering their ids in order.
    pub fn bulk_insert_accounts(&self, names: &[String]) -> Result<Vec<i64>, CoreError> {
        match self {
            Store::Sqlite(store) => store.bulk_insert_accounts(names),
            Store::Postgres(store) => store.bulk_insert_accounts(names),
        }
    }

    /// Bulk path: inserts contacts, each with its account id, in one transaction (see the
    /// engines' own).
    pub fn bulk_insert_contacts(
        &self,
        batch: Vec<(NewContact, Option<i64>)>,
    ) -> Result<usize, CoreError> {
        match self {
            Store::Sqlite(store) => store.bulk_insert_contacts(batch),
            Store::Postgres(store) => store.bulk_insert_contacts(batch),
        }
    }

    /// A checked copy of a SQLite database; PostgreSQL has its own tools for that.
    pub fn backup_to(&self, target: &std::path::Path) -> Result<BackupReport, StoreError> {
        match self {
            Store::Sqlite(store) => store.backup_to(target).map_err(StoreError::Backup),
            Store::Postgres(_) => Err(StoreError::Unsupported(
                "contacts-gateway backup copies SQLite files; back up PostgreSQL with pg_dump \
                 (docs/operations.md)"
                    .into(),
            )),
        }
    }

    /// Emails waiting in the outbox, oldest first: (recipient, subject, body).
    pub fn outbox(&self) -> Result<Vec<(String, String, String)>, CoreError> {
        match self {
            Store::Sqlite(store) => store.outbox(),
            Store::Postgres(store) => store.outbox(),
        }
    }

    /// The stored password hash of a contact.
    pub fn password_hash(&self, contact_id: i64) -> Result<Option<String>, CoreError> {
        match self {
            Store::Sqlite(store) => store.password_hash(contact_id),
            Store::Postgres(store) => store.password_hash(contact_id),
        }
    }
}

/// Copies the SQLite database at `from` into the empty PostgreSQL database at `to` (both
/// migrated first), keeping every id and key.
pub fn copy_sqlite_to_postgres(from: &str, to: &str) -> Result<CopyReport, StoreError> {
    use diesel::Connection;
    if !std::path::Path::new(from).is_file() {
        return Err(StoreError::Unsupported(format!(
            "there is no SQLite database at {from}"
        )));
    }
    let source = SqliteStore::open(from, PoolOptions::default())?;
    let mut from_conn = source.pool().get()?;
    let mut to_conn = diesel::pg::PgConnection::establish(to)
        .map_err(|err| StoreError::Unsupported(format!("cannot connect to PostgreSQL: {err}")))?;
    postgres::migrate(&mut to_conn)?;
    copy::sqlite_to_postgres(&mut from_conn, &mut to_conn).map_err(StoreError::Copy)
}
