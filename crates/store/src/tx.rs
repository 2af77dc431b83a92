//! Transactions, named for what they are. A write is one savepoint inside the writer's batch
//! transaction (writer.rs): its failure rolls back that write alone, and an operation never
//! opens a level of its own. A read is one snapshot.

use contacts_core::CoreError;
use diesel::Connection;

use crate::error::db;

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

/// One write: a savepoint inside the transaction already open (the writer's batch), so any
/// error rolls back what `work` did, and only that.
pub(crate) fn savepoint<C: Connection, T>(
    conn: &mut C,
    work: impl FnOnce(&mut C) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    conn.transaction::<T, TxError, _>(|conn| work(conn).map_err(TxError))
        .map_err(TxError::into_core)
}

/// One read (a DEFERRED transaction): every statement sees the same snapshot, and SQLite takes
/// and drops its WAL read lock once instead of once per statement (which, for an
/// eight-statement contact read, was a fifth of the look-up's CPU in lock calls).
pub(crate) fn snapshot<C: Connection, T>(
    conn: &mut C,
    work: impl FnOnce(&mut C) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    conn.transaction::<T, TxError, _>(|conn| work(conn).map_err(TxError))
        .map_err(TxError::into_core)
}
