//! `serve`: open the store, mint the first key if there is none, and run the HTTP server until
//! SIGTERM or Ctrl-C, letting in-flight requests finish.

use actix_web::HttpServer;
use std::time::Instant;

use contacts_core::Directory;
use contacts_store::SqliteStore;

use crate::app::{build, AppState};
use crate::config::Settings;
use crate::error::CommandError;

/// Reads the positions of Grow's default list order on a thread of its own, while the server
/// starts answering: the first deep page/limit requests would otherwise wait for that walk.
fn warm_list_positions(store: &SqliteStore) {
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

pub async fn run(settings: Settings) -> Result<(), CommandError> {
    let store = crate::open_store(&settings)?;
    if let Some(key) = crate::keys::bootstrap(&store)? {
        println!("No API key existed, so one named \"bootstrap\" was created. It is shown only this once:");
        println!("{}", key.expose());
        println!("Send it as `Authorization: Bearer <key>`. Make more with: contacts-gateway keys create --name NAME [--read-only]");
    }
    store.ping()?;
    warm_list_positions(&store);
    let state = AppState::new(crate::gateway(store, &settings), settings.clone());
    let mut server = HttpServer::new(move || build(state.clone()))
        .shutdown_timeout(settings.server.shutdown_timeout_secs);
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    let server = server.bind(&settings.server.bind)?;
    for address in server.addrs() {
        log::info!("listening on http://{address}");
        println!("contacts-gateway listening on http://{address}");
    }
    server.run().await?;
    Ok(())
}
