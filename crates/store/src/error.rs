//! The store's own errors (opening and migrating), and how Diesel's errors become core errors.

use contacts_core::CoreError;
use diesel::Connection;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot migrate the database: {0}")]
    Migration(String),
    #[error("cannot start the store's writer thread: {0}")]
    Writer(std::io::Error),
}

/// Any Diesel failure inside an operation. Rule breaches a caller can cause are found by the
/// operations' own checks first; what reaches here is unexpected, but for a full disk, which
/// a client can wait out.
pub(crate) fn db(err: diesel::result::Error) -> CoreError {
    if is_storage_full(&err) {
        return CoreError::Unavailable(contacts_core::Unavailable::StorageFull);
    }
    CoreError::internal(err)
}

/// SQLite's SQLITE_FULL, which is what the disk's ENOSPC becomes (SQLite-specific wording).
fn is_storage_full(err: &diesel::result::Error) -> bool {
    match err {
        diesel::result::Error::DatabaseError(_, info) => {
            info.message().contains("database or disk is full")
        }
        _ => false,
    }
}

/// Carries a core error through Diesel's transaction API, which needs `From<diesel::Error>`.
pub(crate) struct TxError(CoreError);

impl TxError {
    pub(crate) fn from_core(err: CoreError) -> Self {
        TxError(err)
    }

    pub(crate) fn into_core(self) -> CoreError {
        self.0
    }
}

impl From<diesel::result::Error> for TxError {
    fn from(err: diesel::result::Error) -> Self {
        TxError(db(err))
    }
}

/// Runs `work` as one unit: a transaction of its own, or a savepoint inside the one already
/// open (every write runs inside the writer's batch transaction, see writer.rs); any error
/// rolls back what `work` did, and only that.
pub(crate) fn write<T>(
    conn: &mut diesel::sqlite::SqliteConnection,
    work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    conn.transaction::<T, TxError, _>(|conn| work(conn).map_err(TxError))
        .map_err(TxError::into_core)
}

/// Runs `work` in one read (DEFERRED) transaction: every statement sees the same snapshot, and
/// SQLite takes and drops its WAL read lock once instead of once per statement (which, for an
/// eight-statement contact read, was a fifth of the look-up's CPU in lock calls).
pub(crate) fn read<T>(
    conn: &mut diesel::sqlite::SqliteConnection,
    work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    write(conn, work)
}
