//! Workshop's response shapes: contact summaries (lists), full contacts, list envelopes and
//! messages. The same types serialise the responses and describe them in the OpenAPI document.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use contacts_core::phone::compact_form;
use contacts_core::Contact;
use contacts_http::Rendered;
use serde::Serialize;
use utoipa::ToSchema;

/// Where this dialect is mounted, up to and including `/v1`, for `urls` and `next` links.
pub fn base(req: &HttpRequest) -> String {
    req.match_pattern()
        .and_then(|pattern| pattern.find("/contacts").map(|at| pattern[..at].to_owned()))
        .unwrap_or_else(|| "/v1".to_owned())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Urls {
    /// `/v1/contacts/<id>`
    pub details: String,
}

/// A contact as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactSummary {
    /// Always `contact`.
    pub object: &'static str,
    pub id: String,
    pub external_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub urls: Urls,
}

/// A contact with its attributes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDetails {
    /// Always `contact`.
    pub object: &'static str,
    pub id: String,
    pub external_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    /// Attribute values as given: strings, numbers, booleans, or lists of strings.
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    pub urls: Urls,
}

/// A page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    /// `array` (`list` with `Workshop-Version: 1.0`).
    pub object: &'static str,
    pub has_more: bool,
    /// `/v1/contacts?cursor=…`, or null on the last page.
    pub next: Option<String>,
    pub limit: u32,
    pub size: usize,
    pub data: Vec<ContactSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

pub fn summary(contact: &Contact, base: &str) -> ContactSummary {
    ContactSummary {
        object: "contact",
        id: contact.uid.clone(),
        external_id: contact.primary_external_id().map(str::to_owned),
        first_name: contact.first_name.clone(),
        last_name: contact.last_name.clone(),
        email: contact.email.clone(),
        phone_number: contact.phone.as_deref().and_then(compact_form),
        urls: Urls {
            details: format!("{base}/contacts/{}", contact.uid),
        },
    }
}

pub fn details(contact: &Contact, base: &str) -> ContactDetails {
    // Every field named, none skipped with `..`: a new field of the contact stops the build
    // here until Workshop decides whether to show it (in the summary, or here).
    let Contact {
        id: _,
        uid: _,        // the summary's `id`
        first_name: _, // the summary's
        last_name: _,  // the summary's
        email: _,      // the summary's
        emails: _,
        phone: _, // the summary's `phone_number`
        phones: _,
        job_position: _,
        status: _,
        account: _,
        account_owner: _,
        role_id: _,
        portal_role: _,
        portal_role_id: _,
        avatar_url: _,
        social: _,
        attributes,
        external_ids: _, // the summary's `external_id`: the first
        source: _,
        created_at: _,
        updated_at: _,
    } = contact;
    let ContactSummary {
        object,
        id,
        external_id,
        first_name,
        last_name,
        email,
        phone_number,
        urls,
    } = summary(contact, base);
    ContactDetails {
        object,
        id,
        external_id,
        first_name,
        last_name,
        email,
        phone_number,
        attributes: attributes
            .iter()
            .map(|(key, value)| (key.clone(), value.to_json()))
            .collect(),
        urls,
    }
}

pub fn message(status: StatusCode, text: &str) -> HttpResponse {
    message_rendered(status, text).response()
}

/// `message` as bytes: a write's answer, which an `Idempotency-Key` stores and replays.
pub fn message_rendered(status: StatusCode, text: &str) -> Rendered {
    Rendered::json(
        status,
        &Message {
            message: text.to_owned(),
        },
    )
}
