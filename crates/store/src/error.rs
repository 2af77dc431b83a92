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
    #[error("the backup failed: {0}")]
    Backup(contacts_core::CoreError),
    #[error("the copy failed, and nothing was written: {0}")]
    Copy(contacts_core::CoreError),
    #[error("{0}")]
    Unsupported(String),
}

/// Any Diesel failure inside an operation. Rule breaches a caller can cause are found by the
/// operations' own checks first; what reaches here is unexpected, but for a full disk, which
/// a client can wait out.
pub(crate) fn db(err: diesel::result::Error) -> CoreError {
    if is_storage_full(&err) {
        return CoreError::Unavailable(contacts_core::Unavailable::StorageFull);
    }
    if is_contention(&err) {
        return CoreError::Unavailable(contacts_core::Unavailable::Contention);
    }
    CoreError::internal(err)
}

/// Two writes that met: a unique index caught what the operation's own check could not see
/// yet (another node's uncommitted insert), or the database broke a deadlock or a
/// serialization conflict. Retrying the whole write settles it (postgres/store.rs).
fn is_contention(err: &diesel::result::Error) -> bool {
    use diesel::result::DatabaseErrorKind;
    matches!(
        err,
        diesel::result::Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::SerializationFailure,
            _
        )
    )
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
