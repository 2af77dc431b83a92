//! dialect-workshop: Workshop's v1 contacts API.

use actix_web::{web, HttpResponse};
use contacts_http::{ApiError, Dialect, RequestId};

pub struct Workshop;

impl Dialect for Workshop {
    fn render(_error: &ApiError, _request_id: &RequestId) -> HttpResponse {
        HttpResponse::NotFound().finish()
    }
}

pub fn configure(_cfg: &mut web::ServiceConfig) {}
