//! dialect-grow: the Grow CRM contacts API (`/api/contacts`, `/api/clients`).

use actix_web::{web, HttpResponse};
use contacts_http::{ApiError, Dialect, RequestId};

pub struct Grow;

impl Dialect for Grow {
    fn render(_error: &ApiError, _request_id: &RequestId) -> HttpResponse {
        HttpResponse::NotFound().finish()
    }
}

pub fn configure(_cfg: &mut web::ServiceConfig) {}
