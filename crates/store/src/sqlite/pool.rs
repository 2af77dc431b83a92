//! The r2d2 pool: every connection gets WAL, the configured sync level, foreign keys and a busy
//! timeout, and the embedded migrations run once when the pool opens.

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::StoreError;

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<SqliteConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// What a commit waits for before it is acknowledged (SQLite's `synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// The WAL is synced at every commit: an acknowledged write survives power loss.
    Full,
    /// The WAL is synced at checkpoints only: an acknowledged write survives a crash of the
    /// process, but the last ones may be lost with the machine's power.
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub busy_timeout: Duration,
    pub synchronous: Synchronous,
    /// Writes that may wait for the writer at once; one more is refused at once as
    /// `Unavailable::WritersQueued` instead of queueing.
    pub max_queued_writes: usize,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
            synchronous: Synchronous::Full,
            max_queued_writes: 256,
        }
    }
}

#[derive(Debug)]
struct Pragmas {
    busy_timeout_ms: u128,
    synchronous: Synchronous,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // SQLite-specific: these pragmas have no meaning on another backend.
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; \
             PRAGMA foreign_keys = ON;",
            self.busy_timeout_ms,
            self.synchronous.pragma()
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

pub fn open_pool(url: &str, options: PoolOptions) -> Result<DbPool, StoreError> {
    if let Some(parent) = Path::new(url)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
            path: parent.display().to_string(),
            source,
        })?;
    }
    let manager = ConnectionManager::<SqliteConnection>::new(url);
    let pool = Pool::builder()
        .max_size(options.max_connections.max(1))
        .connection_timeout(Duration::from_secs(30))
        // Checking a connection out must not cost a query; a broken one fails its own query.
        .test_on_check_out(false)
        .connection_customizer(Box::new(Pragmas {
            busy_timeout_ms: options.busy_timeout.as_millis(),
            synchronous: options.synchronous,
        }))
        .build(manager)?;
    let mut conn = pool.get()?;
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|err| StoreError::Migration(err.to_string()))?;
    Ok(pool)
}

/// Reverts every migration (each `down.sql`), leaving an empty database.
pub fn migrate_down_all(pool: &DbPool) -> Result<(), StoreError> {
    let mut conn = pool.get()?;
    conn.revert_all_migrations(MIGRATIONS)
        .map_err(|err| StoreError::Migration(err.to_string()))?;
    Ok(())
}
