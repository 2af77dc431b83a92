//! dialect-workshop: Workshop's `/v1/contacts` API as a translator over the gateway: UUID ids,
//! `external` look-ups, attributes merged key by key, cursor lists, `Workshop-Version`.

mod contacts;
mod error;
mod input;
mod listing;
mod lookup;
mod openapi;
mod views;

use actix_web::http::Method;
use actix_web::web;
use contacts_http::resource;

pub use error::Workshop;
pub use openapi::openapi;

/// Mounts the Workshop routes; the server puts them under `{prefix}/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource::<Workshop>("/contacts")
            .on(Method::GET, listing::list)
            .on(Method::POST, contacts::create)
            .finish(),
    )
    .service(
        resource::<Workshop>("/contacts/{id}")
            .on(Method::GET, contacts::show)
            .on(Method::PATCH, contacts::update)
            .on(Method::DELETE, contacts::delete)
            .finish(),
    );
}
