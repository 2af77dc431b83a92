//! PostgreSQL, the backend for many gateway nodes over one database: its embedded migrations
//! (migrations/postgres, the same schema changes as migrations/sqlite under the same names),
//! the portable operations compiled for it (`ops`), and the SQL only PostgreSQL speaks (`sql`).

#[path = "../directory.rs"]
mod directory;
pub mod listen;
pub mod ops;
pub mod sql;
pub mod store;
pub mod trigrams;

pub use store::Store;

use diesel::pg::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::StoreError;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Applies every pending migration, one node at a time: nodes starting together would
/// otherwise race to create the same tables.
pub fn migrate(conn: &mut PgConnection) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    let locked = |err: diesel::result::Error| StoreError::Migration(err.to_string());
    conn.batch_execute(sql::LOCK_MIGRATIONS).map_err(locked)?;
    let migrated = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|_| ())
        .map_err(|err| StoreError::Migration(err.to_string()));
    conn.batch_execute(sql::UNLOCK_MIGRATIONS).map_err(locked)?;
    migrated
}

/// Reverts every migration (each `down.sql`), leaving an empty database.
pub fn revert_all(conn: &mut PgConnection) -> Result<(), StoreError> {
    conn.revert_all_migrations(MIGRATIONS)
        .map(|_| ())
        .map_err(|err| StoreError::Migration(err.to_string()))
}
