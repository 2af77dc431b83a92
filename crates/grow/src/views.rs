//! Grow's response shapes: the contact and client objects and the success envelopes. The same
//! types serialise the responses and describe them in the OpenAPI document.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::{Account, Contact};
use contacts_http::Rendered;
use serde::Serialize;
use utoipa::ToSchema;

/// The one category the gateway knows: Grow's system default.
pub const DEFAULT_CATEGORY: (i64, &str) = (2, "Default");

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientRef {
    pub id: i64,
    pub company_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Role {
    pub id: i32,
    pub name: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Social {
    pub facebook: Option<String>,
    pub twitter: Option<String>,
    pub linkedin: Option<String>,
    pub github: Option<String>,
    pub dribbble: Option<String>,
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dates {
    pub created: String,
    pub updated: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_position: Option<String>,
    /// `yes` or `no`.
    pub account_owner: &'static str,
    pub status: &'static str,
    pub client: Option<ClientRef>,
    pub role: Role,
    pub social: Social,
    pub dates: Dates,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    pub id: i64,
    pub name: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Owner {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Billing {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    /// A string, as the vendor shows it.
    pub invoice_due_days: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Shipping {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientView {
    pub id: i64,
    pub company_name: String,
    pub description: Option<String>,
    pub status: String,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat: Option<String>,
    pub category: Category,
    pub owner: Option<Owner>,
    pub billing: Billing,
    pub shipping: Shipping,
    pub dates: Dates,
    pub tags: Vec<String>,
}

/// What a delete answers as `data`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedId {
    pub id: i64,
}

/// `{data, message}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Item<T> {
    pub data: T,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Meta {
    pub current_page: u64,
    pub per_page: u32,
    pub total: u64,
    pub last_page: u64,
}

/// `{data: [...], meta, message}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ListPage<T> {
    pub data: Vec<T>,
    pub meta: Meta,
    pub message: String,
}

fn role_name(role_id: i32) -> &'static str {
    match role_id {
        1 => "Administrator",
        3 => "Staff",
        _ => "Client",
    }
}

pub fn contact(contact: &Contact) -> ContactView {
    // Every field named, none skipped with `..`: a new field of the contact stops the build
    // here until Grow decides whether to show it.
    let Contact {
        id,
        uid: _,
        first_name,
        last_name,
        email,
        emails: _,
        phone,
        phones: _,
        job_position,
        status,
        account,
        account_owner,
        role_id,
        portal_role: _,
        portal_role_id: _,
        avatar_url: _,
        social,
        attributes: _,
        external_ids: _,
        source: _,
        created_at,
        updated_at,
    } = contact;
    ContactView {
        id: *id,
        first_name: first_name.clone(),
        last_name: last_name.clone(),
        name: contact.full_name(),
        email: email.clone(),
        phone: phone.clone(),
        job_position: job_position.clone(),
        account_owner: if *account_owner { "yes" } else { "no" },
        status: status.as_str(),
        client: account.as_ref().map(|account| ClientRef {
            id: account.id,
            company_name: account.name.clone(),
        }),
        role: Role {
            id: *role_id,
            name: role_name(*role_id),
        },
        social: Social {
            facebook: social.facebook.clone(),
            twitter: social.twitter.clone(),
            linkedin: social.linkedin.clone(),
            github: social.github.clone(),
            dribbble: social.dribbble.clone(),
        },
        dates: Dates {
            created: created_at.to_text(),
            updated: updated_at.to_text(),
        },
    }
}

pub fn client(account: &Account) -> ClientView {
    ClientView {
        id: account.id,
        company_name: account.name.clone(),
        description: account.description.clone(),
        status: account.status.clone(),
        phone: account.phone.clone(),
        website: account.website.clone(),
        vat: account.vat.clone(),
        category: Category {
            id: account.category_id,
            name: DEFAULT_CATEGORY.1,
        },
        owner: account.owner.as_ref().map(|(id, name)| Owner {
            id: *id,
            name: name.clone(),
        }),
        billing: Billing {
            street: account.billing.street.clone(),
            city: account.billing.city.clone(),
            state: account.billing.state.clone(),
            zip: account.billing.zip.clone(),
            country: account.billing.country.clone(),
            invoice_due_days: account.invoice_due_days.map(|days| days.to_string()),
        },
        shipping: Shipping {
            street: None,
            city: None,
            state: None,
            zip: None,
            country: None,
        },
        dates: Dates {
            created: account.created_at.to_text(),
            updated: account.updated_at.to_text(),
        },
        tags: account.tags.clone(),
    }
}

/// `{data, message}` with this status.
pub fn item<T: Serialize>(status: StatusCode, data: T, message: &str) -> HttpResponse {
    item_rendered(status, data, message).response()
}

/// `item` as bytes: a write's answer, which an `Idempotency-Key` stores and replays.
pub fn item_rendered<T: Serialize>(status: StatusCode, data: T, message: &str) -> Rendered {
    Rendered::json(
        status,
        &Item {
            data,
            message: message.to_owned(),
        },
    )
}

/// `{data: [...], meta: {...}, message}` for a page of a list.
pub fn page<T: Serialize>(
    data: Vec<T>,
    current_page: u64,
    per_page: u32,
    total: u64,
    message: &str,
) -> HttpResponse {
    let last_page = total.div_ceil(u64::from(per_page)).max(1);
    HttpResponse::Ok().json(ListPage {
        data,
        meta: Meta {
            current_page,
            per_page,
            total,
            last_page,
        },
        message: message.to_owned(),
    })
}
