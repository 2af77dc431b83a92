//! dialect-grow: the Grow CRM contacts API (`/api/contacts`, `/api/clients`) as a translator
//! over the gateway: Laravel-style messages, numeric ids, page/limit lists, JSON or form bodies.

mod client_actions;
mod clients;
mod contacts;
mod error;
mod input;
mod listing;
mod openapi;
mod password;
mod views;

use actix_web::http::Method;
use actix_web::web;
use contacts_core::{Order, SortKey};
use contacts_http::resource;

pub use error::Grow;
pub use openapi::openapi;

/// The order of `GET /api/contacts` without `sort` and `order`: by first name, ascending.
pub const DEFAULT_LIST_ORDER: (SortKey, Order) = (SortKey::FirstName, Order::Asc);

/// Mounts the Grow routes; the server puts them under the configured prefix (`/api`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource::<Grow>("/contacts")
            .on(Method::GET, contacts::list)
            .on(Method::POST, contacts::create)
            .finish(),
    )
    .service(
        resource::<Grow>("/contacts/{id}")
            .on(Method::GET, contacts::show)
            .on(Method::PATCH, contacts::update)
            .on(Method::DELETE, contacts::delete)
            .finish(),
    )
    .service(
        resource::<Grow>("/contacts/{id}/account-owner")
            .on(Method::PUT, contacts::set_account_owner)
            .finish(),
    )
    .service(
        resource::<Grow>("/clients")
            .on(Method::GET, clients::list)
            .on(Method::POST, clients::create)
            .finish(),
    )
    .service(
        resource::<Grow>("/clients/{id}")
            .on(Method::GET, clients::show)
            .on(Method::PATCH, clients::update)
            .on(Method::DELETE, client_actions::delete)
            .finish(),
    )
    .service(
        resource::<Grow>("/clients/{id}/tags")
            .on(Method::PUT, client_actions::set_tags)
            .finish(),
    )
    .service(
        resource::<Grow>("/clients/{id}/status")
            .on(Method::PUT, client_actions::set_status)
            .finish(),
    )
    .service(
        resource::<Grow>("/clients/{id}/owner")
            .on(Method::PUT, client_actions::set_owner)
            .finish(),
    );
}
