//! A write's answer as bytes: what the handler sends, and, under an `Idempotency-Key`, what
//! the store keeps in the write's own transaction and replays byte for byte.

use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::idempotency::StoredResponse;
use serde::Serialize;

/// Status, optional `Location`, and a JSON body already serialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl Rendered {
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Rendered {
        Rendered {
            status,
            location: None,
            // Serialising the dialects' own view types cannot fail; an empty body would say so.
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }

    pub fn with_location(mut self, location: String) -> Rendered {
        self.location = Some(location);
        self
    }

    pub fn response(&self) -> HttpResponse {
        from_parts(self.status, self.location.as_deref(), self.body.clone())
    }

    pub fn stored(&self) -> StoredResponse {
        StoredResponse {
            status: self.status.as_u16(),
            location: self.location.clone(),
            body: self.body.clone(),
        }
    }
}

/// The response for stored parts (a replay, or a fresh answer).
pub fn from_parts(status: StatusCode, location: Option<&str>, body: Vec<u8>) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((CONTENT_TYPE, "application/json"));
    if let Some(location) = location {
        response.insert_header((LOCATION, location));
    }
    response.body(body)
}

/// A stored answer as a response (the `Idempotent-Replayed` header is the caller's).
pub fn replayed(stored: &StoredResponse) -> HttpResponse {
    from_parts(
        StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
        stored.location.as_deref(),
        stored.body.clone(),
    )
}
