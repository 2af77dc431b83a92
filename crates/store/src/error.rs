//! The store's own errors (opening and migrating), and how Diesel's errors become core errors.

use contacts_core::CoreError;
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
