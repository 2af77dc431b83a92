//! contacts-http: the actix-web glue every dialect shares — the request context, body and query
//! reading with limits, method routing with 405s, blocking store calls, and the hook through
//! which each dialect answers transport errors in its own error shape.

mod answer;
mod body;
mod body_rules;
mod context;
mod error;
mod openapi;
mod routes;

pub use answer::{replayed, Rendered};
pub use body::{
    query_pairs, read_body, read_body_bytes, read_fields, Body, BodyLimit, BodyTimeout, Fields,
};
pub use body_rules::BodyRules;
pub use context::{Ctx, DialectName, IdempotencyClaim, RequestId};
pub use error::{idempotency_messages, ApiError, Dialect, TextProblem, INJECTED_FAULT};
pub use openapi::{phone_schema, BearerKey};
pub use routes::{resource, route_not_found, DialectResource};

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

/// A JSON response with this status.
pub fn json(status: StatusCode, body: &serde_json::Value) -> HttpResponse {
    HttpResponse::build(status).json(body)
}
