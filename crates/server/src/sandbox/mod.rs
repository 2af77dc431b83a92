//! The sandbox for integrators (`[sandbox] enabled`, off by default): put the directory back
//! between test runs, see exactly what a client sent and got, and make any dialect slow or
//! failing on purpose. When off, none of its routes exist and nothing is journalled. Every
//! route takes a key that is not read-only. It keeps bodies, so it is not for production.

pub mod faults;
pub mod journal;
pub mod seed;

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::{CoreError, ForbiddenReason, Unavailable};
use contacts_http::{query_pairs, resource, ApiError, Ctx, Dialect, RequestId};
use serde_json::json;

use faults::{Faults, Rule};
use journal::Journal;

/// The sandbox routes' error shape: `{"error": "...", "request_id": "..."}`.
pub struct Sandbox;

fn error(status: StatusCode, message: &str, request_id: &RequestId) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": message, "request_id": request_id.0}))
}

impl Dialect for Sandbox {
    const NAME: &'static str = "sandbox";

    fn render(err: &ApiError, request_id: &RequestId) -> HttpResponse {
        let (status, message) = match err {
            ApiError::Core(CoreError::Unauthorized) => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ApiError::Core(CoreError::Forbidden(ForbiddenReason::ReadOnlyKey)) => (
                StatusCode::FORBIDDEN,
                "The sandbox needs a key that is not read-only.",
            ),
            ApiError::Core(CoreError::Unavailable(Unavailable::StorageFull)) => (
                StatusCode::INSUFFICIENT_STORAGE,
                "Out of storage space; retry later",
            ),
            ApiError::Core(CoreError::Unavailable(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Busy; retry later")
            }
            ApiError::Core(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
            ApiError::MalformedBody(_) => (StatusCode::BAD_REQUEST, "The body is not valid JSON."),
            ApiError::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json.",
            ),
            ApiError::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "The body is too large.")
            }
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            ApiError::RouteNotFound { .. } => (StatusCode::NOT_FOUND, "Not found"),
            ApiError::MethodNotAllowed { .. } => {
                (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
            }
            ApiError::InjectedFault { .. }
            | ApiError::IdempotencyKeyInvalid
            | ApiError::IdempotencyKeyReused
            | ApiError::IdempotencyKeyInFlight
            | ApiError::BodyTimeout
            | ApiError::InvalidText { .. } => (StatusCode::BAD_REQUEST, "Bad request"),
        };
        error(status, message, request_id)
    }
}

/// `POST /_sandbox/reset`: the directory emptied; keys and webhook endpoints stay.
async fn reset(ctx: Ctx) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    match ctx.run(|directory| directory.empty_directory()).await {
        Ok(contacts) => {
            HttpResponse::Ok().json(json!({"reset": true, "contacts_removed": contacts}))
        }
        Err(err) => Sandbox::respond(&err, &ctx.request_id),
    }
}

/// `POST /_sandbox/seed` with `{"contacts": N, "seed": S}`: realistic data, the same for the
/// same seed, through the store's bulk path.
async fn seed_directory(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    let fields = match contacts_http::read_fields(&req, payload, false).await {
        Ok(fields) => fields,
        Err(err) => return Sandbox::respond(&err, &ctx.request_id),
    };
    let contacts = fields.get("contacts").and_then(serde_json::Value::as_u64);
    let Some(contacts) = contacts
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (1..=seed::MAX_CONTACTS).contains(n))
    else {
        let message = format!(
            "contacts must be an integer from 1 to {}",
            seed::MAX_CONTACTS
        );
        return error(StatusCode::BAD_REQUEST, &message, &ctx.request_id);
    };
    let seed_value = match fields.get("seed") {
        None | Some(serde_json::Value::Null) => 1,
        Some(value) => match value.as_u64() {
            Some(seed_value) => seed_value,
            None => {
                let message = "seed must be a non-negative integer";
                return error(StatusCode::BAD_REQUEST, message, &ctx.request_id);
            }
        },
    };
    let loaded = ctx
        .run(move |directory| {
            let (accounts, people) = seed::directory(contacts, seed_value);
            let account_count = accounts.len();
            directory
                .bulk_load(accounts, people)
                .map(|()| account_count)
        })
        .await;
    match loaded {
        Ok(accounts) => HttpResponse::Ok().json(json!({
            "seeded": {"contacts": contacts, "accounts": accounts, "seed": seed_value}
        })),
        Err(err) => Sandbox::respond(&err, &ctx.request_id),
    }
}

/// `GET /_sandbox/requests?limit=&dialect=&status=`: the journal, newest first.
async fn requests(ctx: Ctx, req: HttpRequest, journal: web::Data<Journal>) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    let pairs = query_pairs(&req);
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let limit = match get("limit").map(str::parse::<usize>) {
        None => 100,
        Some(Ok(limit)) if (1..=journal.capacity()).contains(&limit) => limit,
        Some(_) => {
            let message = format!("limit must be an integer from 1 to {}", journal.capacity());
            return error(StatusCode::BAD_REQUEST, &message, &ctx.request_id);
        }
    };
    let status = match get("status").map(str::parse::<u16>) {
        None => None,
        Some(Ok(status)) => Some(status),
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "status must be an HTTP status code",
                &ctx.request_id,
            )
        }
    };
    let entries = journal.newest(limit, get("dialect"), status);
    HttpResponse::Ok().json(json!({ "data": entries }))
}

/// `DELETE /_sandbox/requests`: the journal emptied.
async fn clear_requests(ctx: Ctx, journal: web::Data<Journal>) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    journal.clear();
    HttpResponse::Ok().json(json!({"data": []}))
}

/// `GET /_sandbox/faults`: the rules in force.
async fn list_faults(ctx: Ctx, faults: web::Data<Faults>) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    HttpResponse::Ok().json(json!({ "data": faults.list() }))
}

/// `PUT /_sandbox/faults`: a JSON list of rules replaces the rules in force.
async fn put_faults(
    ctx: Ctx,
    req: HttpRequest,
    payload: web::Payload,
    faults: web::Data<Faults>,
) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    // The body is a list, which `read_fields` (objects only) would refuse: read it as JSON.
    let body = match contacts_http::read_body_bytes(&req, payload).await {
        Ok(body) => body,
        Err(err) => return Sandbox::respond(&err, &ctx.request_id),
    };
    let rules: Vec<Rule> = match serde_json::from_slice(&body) {
        Ok(rules) => rules,
        Err(err) => {
            let message = format!("the body must be a JSON list of fault rules: {err}");
            return error(StatusCode::BAD_REQUEST, &message, &ctx.request_id);
        }
    };
    if rules.len() > 100 {
        return error(
            StatusCode::BAD_REQUEST,
            "at most 100 rules",
            &ctx.request_id,
        );
    }
    if let Some((index, problem)) = rules
        .iter()
        .enumerate()
        .find_map(|(index, rule)| rule.problem().map(|problem| (index, problem)))
    {
        let message = format!("rule {index}: {problem}");
        return error(StatusCode::BAD_REQUEST, &message, &ctx.request_id);
    }
    faults.replace(rules);
    HttpResponse::Ok().json(json!({ "data": faults.list() }))
}

/// `DELETE /_sandbox/faults`: no rules.
async fn clear_faults(ctx: Ctx, faults: web::Data<Faults>) -> HttpResponse {
    if let Err(err) = ctx.authorize_write() {
        return Sandbox::respond(&err, &ctx.request_id);
    }
    faults.replace(Vec::new());
    HttpResponse::Ok().json(json!({"data": []}))
}

/// Mounts the sandbox's routes (the server puts them under `/_sandbox` when it is on).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource::<Sandbox>("/reset")
            .on(Method::POST, reset)
            .finish(),
    )
    .service(
        resource::<Sandbox>("/seed")
            .on(Method::POST, seed_directory)
            .finish(),
    )
    .service(
        resource::<Sandbox>("/requests")
            .on(Method::GET, requests)
            .on(Method::DELETE, clear_requests)
            .finish(),
    )
    .service(
        resource::<Sandbox>("/faults")
            .on(Method::GET, list_faults)
            .on(Method::PUT, put_faults)
            .on(Method::DELETE, clear_faults)
            .finish(),
    );
}
