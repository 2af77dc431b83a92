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
use crate::middleware::{catch_panics, rate_limit, request_id, require_key};
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
}

impl AppState {
    pub fn new(gateway: Gateway, settings: Settings) -> Self {
        let rate_limits = RateLimits::new(&settings.rate_limit, &settings.dialects.pylon.prefix);
        AppState {
            gateway,
            settings,
            key_cache: web::Data::new(KeyCache::default()),
            rate_limits: web::Data::new(rate_limits),
        }
    }
}

/// The request as the log shows it: method, path and the names of query parameters, never
/// their values, which carry keys (`?api_key=`) and personal data (`?search=` an email).
pub fn logged_request(req: &ServiceRequest) -> String {
    let mut line = format!("{} {}", req.method(), req.path());
    let query = req.query_string();
    if !query.is_empty() {
        let names: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                let name = name.replace('+', " ");
                // Percent-decoding is not needed to hide values; a name is shown as sent,
                // cut short so a huge one cannot flood the log.
                let short: String = name.chars().take(64).collect();
                format!("{short}=…")
            })
            .collect();
        line.push('?');
        line.push_str(&names.join("&"));
    }
    line
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
    // The last wrap runs first: panics caught, then the key checked, then its limits counted.
    web::scope(prefix)
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
        .app_data(BodyLimit(state.settings.server.max_body_bytes))
        .app_data(BodyTimeout(std::time::Duration::from_secs(
            state.settings.server.body_timeout_secs,
        )))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
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
    // The logger wraps the request-id middleware so that it sees the id on the response.
    app.default_service(web::to(nothing_here))
        .wrap(from_fn(request_id))
        .wrap(
            actix_web::middleware::Logger::new(
                "%a \"%{request}xi\" %s %b %Dms request_id=%{x-request-id}o",
            )
            .custom_request_replace("request", logged_request),
        )
}
