//! The contacts-gateway server: configuration, the command line, authentication, request ids,
//! and the application that mounts the three dialects over one store.

pub mod app;
pub mod cli;
pub mod config;
pub mod error;
pub mod import;
pub mod key_cache;
pub mod keys;
pub mod middleware;
pub mod openapi;
pub mod serve;

use std::sync::Arc;
use std::time::Duration;

use contacts_core::{Gateway, SyncSource};
use contacts_store::{PoolOptions, SqliteStore, StoreError};

use crate::config::Settings;

/// Opens (creating and migrating) the configured database.
pub fn open_store(settings: &Settings) -> Result<SqliteStore, StoreError> {
    SqliteStore::open(
        &settings.database.url,
        PoolOptions {
            max_connections: settings.database.max_connections,
            busy_timeout: Duration::from_millis(settings.database.busy_timeout_ms),
        },
    )
}

/// The gateway service over a store, with the configured sync source.
pub fn gateway(store: SqliteStore, settings: &Settings) -> Gateway {
    Gateway::new(
        Arc::new(store),
        SyncSource::new(settings.sync.source.clone()),
    )
}
