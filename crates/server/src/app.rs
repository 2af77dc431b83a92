//! The actix application: shared state, health checks, and each enabled dialect mounted under
//! its prefix behind key authentication.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse};
use contacts_core::Gateway;
use contacts_http::{route_not_found, BodyLimit, BodyTimeout, Dialect};
use dialect_grow::Grow;
use dialect_pylon::Pylon;
use dialect_workshop::Workshop;
use serde_json::json;

use crate::config::Settings;
use crate::key_cache::KeyCache;
use crate::metrics::Metrics;
use crate::middleware::{catch_panics, rate_limit, request_id, require_key};
use crate::observe::observe;
use crate::openapi;
use crate::rate_limit::RateLimits;

#[derive(Debug, Clone)]
pub struct AppState {
    pub gateway: Gateway,
    pub settings: Settings,
    /// Shared by every worker, so a key confirmed on one is known to all.
    pub key_cache: web::Data<KeyCache>,
    /// Shared by every worker: a key's limit holds across all of them.
    pub rate_limits: web::Data<RateLimits>,
    /// The process's metrics, also told of the store's batches and cache look-ups.
    pub metrics: web::Data<Metrics>,
    /// The sandbox's request journal and fault rules (used only when it is on).
    pub journal: web::Data<crate::sandbox::journal::Journal>,
    pub faults: web::Data<crate::sandbox::faults::Faults>,
}

impl AppState {
    pub fn new(gateway: Gateway, settings: Settings, metrics: web::Data<Metrics>) -> Self {
        let rate_limits = RateLimits::new(&settings.rate_limit, &settings.dialects.pylon.prefix);
        let journal = crate::sandbox::journal::Journal::new(settings.sandbox.journal_size);
        AppState {
            gateway,
            settings,
            key_cache: web::Data::new(KeyCache::default()),
            rate_limits: web::Data::new(rate_limits),
            metrics,
            journal: web::Data::new(journal),
            faults: web::Data::new(crate::sandbox::faults::Faults::default()),
        }
    }
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

async fn readyz(gateway: web::Data<Gateway>) -> HttpResponse {
    let directory = gateway.directory();
    match web::block(move || directory.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Ok(Err(err)) => {
            log::error!("readiness check failed: {err}");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
        }
        Err(err) => {
            log::error!("readiness check failed: {err}");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
        }
    }
}

/// Prometheus' text format; the live-contact count is read on the blocking pool.
pub async fn metrics_text(
    gateway: web::Data<Gateway>,
    metrics: web::Data<Metrics>,
) -> HttpResponse {
    let directory = gateway.directory();
    let live = match web::block(move || directory.count_live_contacts()).await {
        Ok(Ok(live)) => Some(live),
        Ok(Err(err)) => {
            log::warn!("live contacts not counted for the metrics: {err}");
            None
        }
        Err(err) => {
            log::warn!("live contacts not counted for the metrics: {err}");
            None
        }
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render(live))
}

async fn nothing_here() -> HttpResponse {
    HttpResponse::NotFound().json(json!({"error": "Not found"}))
}

/// A dialect under its prefix: panics and key checks answered in its shape, its own 404.
pub fn dialect_scope<D: Dialect>(
    prefix: &str,
    configure: fn(&mut web::ServiceConfig),
) -> actix_web::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // The last wrap runs first: panics caught, then the key checked, then its limits counted,
    // then the sandbox's faults injected (when it is on), then its Idempotency-Key claimed.
    web::scope(prefix)
        .wrap(from_fn(crate::idempotency::idempotent::<D>))
        .wrap(from_fn(crate::sandbox::faults::inject::<D>))
        .wrap(from_fn(rate_limit::<D>))
        .wrap(from_fn(require_key::<D>))
        .wrap(from_fn(catch_panics::<D>))
        .configure(configure)
        .default_service(web::to(route_not_found::<D>))
}

/// The whole application, as `serve` runs it and as the tests drive it.
pub fn build(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let dialects = state.settings.dialects.clone();
    let mut app = App::new()
        .app_data(web::Data::new(state.gateway.clone()))
        .app_data(state.key_cache.clone())
        .app_data(state.rate_limits.clone())
        .app_data(state.metrics.clone())
        .app_data(web::Data::new(state.settings.log.format))
        .app_data(BodyLimit(state.settings.server.max_body_bytes))
        .app_data(BodyTimeout(std::time::Duration::from_secs(
            state.settings.server.body_timeout_secs,
        )))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
    if state.settings.metrics.enabled && state.settings.metrics.bind.is_empty() {
        app = app.route("/metrics", web::get().to(metrics_text));
    }
    // The console: its page needs no key (it can do nothing without one), its API does.
    if state.settings.console.enabled {
        app = app
            .app_data(web::Data::new(state.settings.clone()))
            .route("/_console", web::get().to(crate::console::page))
            .route("/_console/", web::get().to(crate::console::page))
            .service(dialect_scope::<crate::console::Console>(
                "/_console/api",
                crate::console::configure,
            ));
    }
    // The sandbox's routes exist only when it is on.
    if state.settings.sandbox.enabled {
        app = app
            .app_data(state.journal.clone())
            .app_data(state.faults.clone())
            .service(dialect_scope::<crate::sandbox::Sandbox>(
                "/_sandbox",
                crate::sandbox::configure,
            ));
    }
    // The change feed has its own scope, before Pylon's root prefix would take `/events`.
    app = app.service(dialect_scope::<crate::feed::Feed>(
        "/events",
        crate::feed::configure,
    ));
    // Longer prefixes first: Pylon's default prefix is the root, which matches every path.
    // Each dialect's OpenAPI document is routed before its scope so that it needs no key.
    if dialects.grow.enabled {
        let mount = dialects.grow.prefix.clone();
        app = app
            .route(
                &format!("{mount}/openapi.json"),
                openapi::route(openapi::mounted(dialect_grow::openapi(), &mount, "grow")),
            )
            .service(dialect_scope::<Grow>(&mount, dialect_grow::configure));
    }
    if dialects.workshop.enabled {
        let mount = format!("{}/v1", dialects.workshop.prefix);
        app = app
            .route(
                &format!("{mount}/openapi.json"),
                openapi::route(openapi::mounted(
                    dialect_workshop::openapi(),
                    &mount,
                    "workshop",
                )),
            )
            .service(dialect_scope::<Workshop>(
                &mount,
                dialect_workshop::configure,
            ));
    }
    if dialects.pylon.enabled {
        let mount = dialects.pylon.prefix.clone();
        app = app
            .route(
                &format!("{mount}/openapi.json"),
                openapi::route(openapi::mounted(dialect_pylon::openapi(), &mount, "pylon")),
            )
            .service(dialect_scope::<Pylon>(&mount, dialect_pylon::configure));
    }
    // Observing wraps the request-id middleware so that it sees the id on the response.
    app.default_service(web::to(nothing_here))
        .wrap(from_fn(crate::sandbox::journal::record))
        .wrap(from_fn(request_id))
        .wrap(from_fn(observe))
}
