//! `serve`: open the store, bind the address, mint the first key if there is none, say where
//! everything is in one start line, and run the HTTP server until SIGTERM or Ctrl-C, letting
//! in-flight requests finish.

use actix_web::{web, HttpServer};
use std::sync::Arc;
use std::time::Instant;

use contacts_store::Store;

use crate::app::{build, AppState};
use crate::config::Settings;
use crate::database::DatabaseLocation;
use crate::error::CommandError;
use crate::metrics::Metrics;

/// Reads the positions of Grow's default list order on a thread of its own, while the server
/// starts answering: the first deep page/limit requests would otherwise wait for that walk.
pub fn warm_list_positions(store: &Store) {
    let store = store.clone();
    let warming = std::thread::Builder::new()
        .name("warm-positions".into())
        .spawn(move || {
            let started = Instant::now();
            match store.warm_list_positions(&[dialect_grow::DEFAULT_LIST_ORDER]) {
                Ok(_) => log::info!(
                    "list positions read in {} ms",
                    started.elapsed().as_millis()
                ),
                Err(err) => log::warn!(
                    "list positions not read ahead ({err}); the first deep page will read them"
                ),
            }
        });
    if let Err(err) = warming {
        log::warn!("no thread to read list positions ahead ({err})");
    }
}

/// Forgets change-feed events and `Idempotency-Key`s older than their retention, at start and
/// then hourly, on a thread of its own (the store's calls block).
fn prune_hourly(store: &Store, retention_days: u32, key_retention_hours: u32) {
    let store = store.clone();
    let pruning = std::thread::Builder::new()
        .name("prune".into())
        .spawn(move || loop {
            let now = contacts_core::Timestamp::now();
            let directory = store.as_directory();
            match directory.prune_events(now.minus_days(i64::from(retention_days))) {
                Ok(0) => {}
                Ok(gone) => {
                    log::info!("pruned {gone} change-feed events older than {retention_days} days")
                }
                Err(err) => {
                    log::warn!("change-feed events not pruned ({err}); trying again in an hour")
                }
            }
            let keys_cutoff = now.minus_hours(i64::from(key_retention_hours));
            if let Err(err) = directory.prune_idempotency_keys(keys_cutoff) {
                log::warn!("Idempotency-Keys not pruned ({err}); trying again in an hour");
            }
            std::thread::sleep(std::time::Duration::from_secs(3600));
        });
    if let Err(err) = pruning {
        log::warn!("no thread to prune events and keys ({err})");
    }
}

pub async fn run(settings: Settings) -> Result<(), CommandError> {
    let location = crate::database_location(&settings)?;
    let metrics = web::Data::new(
        Metrics::new().map_err(|err| CommandError::Usage(format!("metrics: {err}")))?,
    );
    let observer: Arc<Metrics> = metrics.clone().into_inner();
    let store = crate::open_observed_store(&settings, observer)?;
    store.as_directory().ping()?;
    let state = AppState::new(
        crate::gateway(&store, &settings),
        settings.clone(),
        metrics.clone(),
    );
    let gateway = state.gateway.clone();
    let mut server = HttpServer::new(move || build(state.clone()))
        .shutdown_timeout(settings.server.shutdown_timeout_secs);
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    // Bind before minting the first key: a start that cannot listen must not spend the key
    // that is shown only once.
    let bind = &settings.server.bind;
    let bound = if settings.server.tls_cert.is_empty() {
        server.bind(bind)
    } else {
        let tls = crate::tls::server_config(
            std::path::Path::new(&settings.server.tls_cert),
            std::path::Path::new(&settings.server.tls_key),
        )?;
        server.bind_rustls_0_23(bind, tls)
    };
    let server = bound.map_err(|source| CommandError::Bind {
        address: bind.clone(),
        source,
    })?;
    if let Some(key) = crate::keys::bootstrap(store.as_directory())? {
        println!("No API key existed, so one named \"bootstrap\" was created. It is shown only this once:");
        println!("{}", key.expose());
        println!("Send it as `Authorization: Bearer <key>`. Make more with: contacts-gateway keys create --name NAME [--read-only]");
    }
    warm_list_positions(&store);
    prune_hourly(
        &store,
        settings.events.retention_days,
        settings.idempotency.retention_hours,
    );
    crate::mailer::start(store.directory(), &settings.email).map_err(CommandError::Usage)?;
    crate::webhooks::start(
        store.directory(),
        settings.webhooks.retry_schedule_secs.clone(),
    );
    let scheme = if settings.server.tls_cert.is_empty() {
        "http"
    } else {
        "https"
    };
    for address in server.addrs() {
        let line = start_line(&format!("{scheme}://{address}"), &location, &settings);
        log::info!("{line}");
        println!("{line}");
    }
    // The metrics listener lives as long as the main one: stopped when it stops.
    let metrics_server = metrics_listener(&settings, &gateway, metrics)?;
    let metrics_handle = metrics_server.as_ref().map(actix_web::dev::Server::handle);
    if let Some(metrics_server) = metrics_server {
        actix_web::rt::spawn(metrics_server);
    }
    let served = server.run().await;
    if let Some(handle) = metrics_handle {
        handle.stop(true).await;
    }
    served?;
    Ok(())
}

/// `/metrics` on an address of its own, when `[metrics] bind` names one.
fn metrics_listener(
    settings: &Settings,
    gateway: &contacts_core::Gateway,
    metrics: web::Data<Metrics>,
) -> Result<Option<actix_web::dev::Server>, CommandError> {
    let bind = &settings.metrics.bind;
    if !settings.metrics.enabled || bind.is_empty() {
        return Ok(None);
    }
    let gateway = web::Data::new(gateway.clone());
    let server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(gateway.clone())
            .app_data(metrics.clone())
            .route("/metrics", web::get().to(crate::app::metrics_text))
    })
    .workers(1)
    .disable_signals()
    .bind(bind)
    .map_err(|source| CommandError::Bind {
        address: bind.clone(),
        source,
    })?;
    for address in server.addrs() {
        log::info!("metrics on http://{address}/metrics");
    }
    Ok(Some(server.run()))
}

/// One line that says everything a newcomer checks first: where to send requests (`address`
/// with its scheme), which
/// database answers them, who writes contacts, and where each dialect is mounted.
pub fn start_line(address: &str, location: &DatabaseLocation, settings: &Settings) -> String {
    let dialects = &settings.dialects;
    let mounts: Vec<String> = [
        ("grow", &dialects.grow, ""),
        ("pylon", &dialects.pylon, ""),
        ("workshop", &dialects.workshop, "/v1"),
    ]
    .into_iter()
    .map(|(name, dialect, suffix)| {
        if dialect.enabled {
            let mount = format!("{}{suffix}", dialect.prefix);
            let mount = if mount.is_empty() { "/".into() } else { mount };
            format!("{name} at {mount}")
        } else {
            format!("{name} off")
        }
    })
    .collect();
    let mut line = format!(
        "contacts-gateway listening on {address}; backend {}, database {location}; sync source {}; dialects: {}; {}",
        location.backend(),
        settings.sync.source,
        mounts.join(", "),
        crate::mailer::describe(&settings.email)
    );
    if settings.sandbox.enabled {
        line.push_str(
            "; SANDBOX ON at /_sandbox (it journals request and response bodies: never in production)",
        );
    }
    line
}
