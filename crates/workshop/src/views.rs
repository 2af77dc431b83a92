//! Workshop's response shapes: contact summaries (lists), full contacts, and messages.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use contacts_core::Contact;
use contacts_http::json;
use serde_json::{json, Map, Value};

/// Where this dialect is mounted, up to and including `/v1`, for `urls` and `next` links.
pub fn base(req: &HttpRequest) -> String {
    req.match_pattern()
        .and_then(|pattern| pattern.find("/contacts").map(|at| pattern[..at].to_owned()))
        .unwrap_or_else(|| "/v1".to_owned())
}

pub fn summary(contact: &Contact, base: &str) -> Value {
    json!({
        "object": "contact",
        "id": contact.uid,
        "external_id": contact.primary_external_id(),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone_number": contact.phone,
        "urls": {"details": format!("{base}/contacts/{}", contact.uid)},
    })
}

pub fn full(contact: &Contact, base: &str) -> Value {
    let mut shown = summary(contact, base);
    let attributes: Map<String, Value> = contact
        .attributes
        .iter()
        .map(|(key, value)| (key.clone(), value.to_json()))
        .collect();
    if let Value::Object(fields) = &mut shown {
        fields.insert("attributes".to_owned(), Value::Object(attributes));
    }
    shown
}

pub fn message(status: StatusCode, text: &str) -> HttpResponse {
    json(status, &json!({ "message": text }))
}
