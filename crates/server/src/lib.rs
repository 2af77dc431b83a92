//! The contacts-gateway server: configuration, the command line, authentication, request ids,
//! and the application that mounts the three dialects over one store.

pub mod app;
pub mod cli;
pub mod config;
pub mod console;
pub mod database;
pub mod error;
pub mod feed;
pub mod idempotency;
pub mod import;
pub mod key_cache;
pub mod keys;
pub mod logging;
pub mod mailer;
pub mod metrics;
pub mod middleware;
pub mod observe;
pub mod openapi;
pub mod rate_limit;
pub mod sandbox;
pub mod serve;
pub mod tls;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use contacts_core::{Gateway, SyncSource};
use contacts_store::{PoolOptions, Store, Synchronous};

use crate::config::{Settings, SynchronousSetting};
use crate::database::DatabaseLocation;
use crate::error::CommandError;

/// The configured database, a relative path resolved against the working directory.
pub fn database_location(settings: &Settings) -> Result<DatabaseLocation, CommandError> {
    let working_dir = std::env::current_dir()?;
    Ok(DatabaseLocation::resolve(
        &settings.database.url,
        &working_dir,
    )?)
}

/// Opens (creating and migrating) the configured database.
pub fn open_store(settings: &Settings) -> Result<Store, CommandError> {
    open_observed_store(settings, Arc::new(contacts_core::Unobserved))
}

/// Opens the configured database, telling `observer` (the metrics) how the store works.
pub fn open_observed_store(
    settings: &Settings,
    observer: Arc<dyn contacts_core::StoreObserver>,
) -> Result<Store, CommandError> {
    let location = database_location(settings)?;
    Ok(Store::open_observed(
        &location.store_url(),
        PoolOptions {
            max_connections: settings.database.max_connections,
            busy_timeout: Duration::from_millis(settings.database.busy_timeout_ms),
            synchronous: match settings.database.synchronous {
                SynchronousSetting::Full => Synchronous::Full,
                SynchronousSetting::Normal => Synchronous::Normal,
            },
            max_queued_writes: settings.database.max_queued_writes,
        },
        observer,
    )?)
}

/// The gateway service over a store, with the configured sync source.
pub fn gateway(store: &Store, settings: &Settings) -> Gateway {
    Gateway::new(
        store.directory(),
        SyncSource::new(settings.sync.source.clone()),
    )
}
