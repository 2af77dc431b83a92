//! dialect-pylon: Pylon's contacts API.

use actix_web::{web, HttpResponse};
use contacts_http::{ApiError, Dialect, RequestId};

pub struct Pylon;

impl Dialect for Pylon {
    fn render(_error: &ApiError, _request_id: &RequestId) -> HttpResponse {
        HttpResponse::NotFound().finish()
    }
}

pub fn configure(_cfg: &mut web::ServiceConfig) {}
