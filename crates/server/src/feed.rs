//! `GET /events`: the change feed, in commit order, by cursor. Not any vendor's API, so it has
//! its own plain shape: `{"data": [event…], "next_cursor", "has_more"}`, errors as
//! `{"error": "...", "request_id": "..."}`. Any live key reads it, read-only ones too.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::{ChangeEvent, CoreError, FeedPosition, Unavailable};
use contacts_http::{query_pairs, resource, ApiError, Ctx, Dialect, RequestId};
use serde_json::json;

/// The feed's error shape, for the shared middleware (keys, limits, panics).
pub struct Feed;

/// Events per page unless `limit` says otherwise, and the most it may say.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

fn error(status: StatusCode, message: &str, request_id: &RequestId) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": message, "request_id": request_id.0}))
}

impl Dialect for Feed {
    const NAME: &'static str = "events";

    fn render(err: &ApiError, request_id: &RequestId) -> HttpResponse {
        let (status, message) = match err {
            ApiError::Core(CoreError::Unauthorized) => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ApiError::Core(CoreError::Unavailable(Unavailable::StorageFull)) => (
                StatusCode::INSUFFICIENT_STORAGE,
                "Out of storage space; retry later",
            ),
            ApiError::Core(CoreError::Unavailable(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Busy; retry later")
            }
            ApiError::Core(CoreError::InvalidCursor) => (
                StatusCode::BAD_REQUEST,
                "after must be a cursor this feed gave",
            ),
            ApiError::Core(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            ApiError::RouteNotFound { .. } => (StatusCode::NOT_FOUND, "Not found"),
            ApiError::MethodNotAllowed { .. } => {
                (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
            }
            ApiError::InjectedFault { status } => {
                return error(
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                    contacts_http::INJECTED_FAULT,
                    request_id,
                )
            }
            ApiError::IdempotencyKeyInvalid
            | ApiError::IdempotencyKeyReused
            | ApiError::IdempotencyKeyInFlight
            | ApiError::MalformedBody(_)
            | ApiError::UnsupportedMediaType(_)
            | ApiError::PayloadTooLarge { .. }
            | ApiError::BodyTimeout
            | ApiError::InvalidText { .. } => (StatusCode::BAD_REQUEST, "Bad request"),
        };
        error(status, message, request_id)
    }
}

fn shown(event: &ChangeEvent) -> serde_json::Value {
    json!({
        "id": event.position.to_cursor(),
        "type": event.kind,
        "timestamp": event.occurred_at.to_text(),
        "origin": event.origin,
        "data": event.data,
    })
}

async fn list(ctx: Ctx, req: HttpRequest) -> HttpResponse {
    let pairs = query_pairs(&req);
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let after = match get("after").filter(|after| !after.is_empty()) {
        None => None,
        Some(cursor) => match FeedPosition::from_cursor(cursor) {
            Some(position) => Some(position),
            None => {
                return Feed::respond(&ApiError::Core(CoreError::InvalidCursor), &ctx.request_id)
            }
        },
    };
    let limit = match get("limit").map(str::parse::<u32>) {
        None => DEFAULT_LIMIT,
        Some(Ok(limit)) if (1..=MAX_LIMIT).contains(&limit) => limit,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("limit must be an integer from 1 to {MAX_LIMIT}"),
                &ctx.request_id,
            )
        }
    };
    match ctx
        .run(move |directory| directory.list_events(after, limit))
        .await
    {
        Ok((events, has_more)) => {
            // With nothing new, the cursor stays where the client is, so it polls from there.
            let next = events
                .last()
                .map(|event| event.position)
                .or(after)
                .map(FeedPosition::to_cursor);
            HttpResponse::Ok().json(json!({
                "data": events.iter().map(shown).collect::<Vec<_>>(),
                "next_cursor": next,
                "has_more": has_more,
            }))
        }
        Err(err) => Feed::respond(&err, &ctx.request_id),
    }
}

/// Mounts `/events` (the server puts it under its own scope).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource::<Feed>("").on(Method::GET, list).finish());
}
