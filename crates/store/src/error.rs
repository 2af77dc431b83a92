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
}

/// Any Diesel failure inside an operation. Rule breaches a caller can cause are found by the
/// operations' own checks first; what reaches here is unexpected.
pub(crate) fn db(err: diesel::result::Error) -> CoreError {
    CoreError::internal(err)
}

/// Carries a core error through Diesel's transaction API, which needs `From<diesel::Error>`.
pub(crate) struct TxError(CoreError);

impl From<diesel::result::Error> for TxError {
    fn from(err: diesel::result::Error) -> Self {
        TxError(db(err))
    }
}

/// Runs `work` in an IMMEDIATE transaction: the write lock is taken up front, so concurrent
/// writers queue (up to the busy timeout) instead of failing half-way; any error rolls back.
pub(crate) fn write<T>(
    conn: &mut diesel::sqlite::SqliteConnection,
    work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    conn.immediate_transaction::<T, TxError, _>(|conn| work(conn).map_err(TxError))
        .map_err(|TxError(err)| err)
}

/// Runs `work` in one read (DEFERRED) transaction: every statement sees the same snapshot, and
/// SQLite takes and drops its WAL read lock once instead of once per statement (which, for an
/// eight-statement contact read, was a fifth of the look-up's CPU in lock calls).
pub(crate) fn read<T>(
    conn: &mut diesel::sqlite::SqliteConnection,
    work: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    conn.transaction::<T, TxError, _>(|conn| work(conn).map_err(TxError))
        .map_err(|TxError(err)| err)
}
