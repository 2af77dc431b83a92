//! The console at `/_console/` (`[console] enabled`, on by default): one page built into the
//! binary (no build step, no Node), for operators and integrators. It asks for a key, keeps it
//! in the tab's session storage only, and does everything through the gateway's own APIs:
//! contacts searched through Grow and shown in all three dialects side by side, accounts,
//! keys (never a key itself), webhook endpoints, and in sandbox mode the journal and faults.
//! The page alone can do nothing: every call it makes needs the key.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::http::Method;
use actix_web::{web, HttpResponse};
use contacts_http::{resource, ApiError, Ctx, Dialect, RequestId};
use serde_json::json;

use crate::config::Settings;

const PAGE: &str = include_str!("index.html");

/// The console's API error shape (the sandbox's: `{"error", "request_id"}`).
pub struct Console;

impl Dialect for Console {
    const NAME: &'static str = "console";

    fn render(err: &ApiError, request_id: &RequestId) -> HttpResponse {
        crate::sandbox::Sandbox::render(err, request_id)
    }
}

/// `GET /_console/`: the page.
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(PAGE)
}

/// `GET /_console/api/overview`: whether the key works, and what the page should offer.
async fn overview(ctx: Ctx, settings: web::Data<Settings>) -> HttpResponse {
    match ctx.caller() {
        Ok(caller) => HttpResponse::Ok().json(json!({
            "key_name": caller.key_name,
            "read_only": caller.read_only,
            "sandbox": settings.sandbox.enabled,
        })),
        Err(err) => Console::respond(&err, &ctx.request_id),
    }
}

/// `GET /_console/api/keys`: names, flags and dates of every key; never a key.
async fn keys(ctx: Ctx) -> HttpResponse {
    match ctx.run(|directory| directory.list_keys()).await {
        Ok(keys) => HttpResponse::Ok().json(json!({
            "data": keys.iter().map(|key| json!({
                "name": key.name,
                "read_only": key.read_only,
                "created_at": key.created_at.to_text(),
                "revoked_at": key.revoked_at.as_ref().map(contacts_core::Timestamp::to_text),
                "rate_limit": key.rate_limit.map(|limit| format!("{}/s burst {}", limit.per_second, limit.burst)),
            })).collect::<Vec<_>>()
        })),
        Err(err) => Console::respond(&err, &ctx.request_id),
    }
}

/// `GET /_console/api/webhooks`: endpoints with their backlog and failures; never a secret.
async fn webhooks(ctx: Ctx) -> HttpResponse {
    match ctx.run(|directory| directory.list_webhooks()).await {
        Ok(endpoints) => HttpResponse::Ok().json(json!({
            "data": endpoints.iter().map(|endpoint| json!({
                "id": endpoint.id,
                "url": endpoint.url,
                "event_types": endpoint.event_types,
                "backlog": endpoint.backlog,
                "failed": endpoint.failed,
                "last_error": endpoint.last_error,
            })).collect::<Vec<_>>()
        })),
        Err(err) => Console::respond(&err, &ctx.request_id),
    }
}

/// Mounts the console's API (the server puts it under `/_console/api`, behind the key check).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource::<Console>("/overview")
            .on(Method::GET, overview)
            .finish(),
    )
    .service(resource::<Console>("/keys").on(Method::GET, keys).finish())
    .service(
        resource::<Console>("/webhooks")
            .on(Method::GET, webhooks)
            .finish(),
    );
}
