//! dialect-pylon: Pylon's contacts API (`/contacts`, `/contacts/search`, `/accounts`, `/me`) as a
//! translator over the gateway: `{data, request_id}` envelopes, cursors, the search filter tree.

mod accounts;
mod contacts;
mod error;
mod filter;
mod input;
mod openapi;
mod paging;
mod views;

use actix_web::http::Method;
use actix_web::web;
use contacts_http::resource;

pub use error::Pylon;
pub use openapi::openapi;

/// Mounts the Pylon routes; the server puts them under the configured prefix (the root).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource::<Pylon>("/contacts")
            .on(Method::GET, contacts::list)
            .on(Method::POST, contacts::create)
            .finish(),
    )
    .service(
        resource::<Pylon>("/import/contacts")
            .on(Method::POST, contacts::import)
            .finish(),
    )
    .service(
        resource::<Pylon>("/contacts/search")
            .on(Method::POST, contacts::search)
            .finish(),
    )
    .service(
        resource::<Pylon>("/contacts/{id}")
            .on(Method::GET, contacts::show)
            .on(Method::PATCH, contacts::update)
            .on(Method::DELETE, contacts::delete)
            .finish(),
    )
    .service(
        resource::<Pylon>("/accounts")
            .on(Method::GET, accounts::list)
            .on(Method::POST, accounts::create)
            .finish(),
    )
    .service(
        resource::<Pylon>("/accounts/{id}")
            .on(Method::GET, accounts::show)
            .on(Method::PATCH, accounts::update)
            .on(Method::DELETE, accounts::delete)
            .finish(),
    )
    .service(
        resource::<Pylon>("/me")
            .on(Method::GET, accounts::me)
            .finish(),
    );
}
