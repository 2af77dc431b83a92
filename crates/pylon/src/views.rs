//! Pylon's response shapes: the contact and account objects and the `{data, request_id}` envelopes.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::{Account, AttributeValue, Contact, ExternalId};
use contacts_http::{json, RequestId};
use serde_json::{json, Map, Value};

fn external_ids(ids: &[ExternalId]) -> Value {
    ids.iter()
        .map(|id| json!({"external_id": id.external_id, "label": id.label}))
        .collect()
}

fn custom_fields(contact: &Contact) -> Value {
    let fields: Map<String, Value> = contact
        .attributes
        .iter()
        .map(|(slug, value)| {
            let shown = match value {
                AttributeValue::List(values) => json!({"slug": slug, "values": values}),
                scalar => json!({"slug": slug, "value": scalar.scalar_text()}),
            };
            (slug.clone(), shown)
        })
        .collect();
    Value::Object(fields)
}

pub fn contact(contact: &Contact) -> Value {
    json!({
        "id": contact.uid,
        "name": contact.full_name(),
        "email": contact.email,
        "emails": contact.emails,
        "avatar_url": contact.avatar_url,
        "account": contact.account.as_ref().map(|account| json!({
            "id": account.uid,
            "external_ids": external_ids(&account.external_ids),
        })),
        "custom_fields": custom_fields(contact),
        "external_ids": external_ids(&contact.external_ids),
        "integration_user_ids": [],
        "phone_numbers": contact.phones,
        "primary_phone_number": contact.phone,
        "portal_role": contact.portal_role,
        "portal_role_id": contact.portal_role_id,
    })
}

pub fn account(account: &Account) -> Value {
    json!({
        "id": account.uid,
        "name": account.name,
        "domain": account.domains.first(),
        "domains": account.domains,
        "primary_domain": account.domains.first(),
        "tags": account.tags,
        "external_ids": external_ids(&account.external_ids),
        "created_at": account.created_at.to_text(),
    })
}

pub fn single(data: Value, request_id: &RequestId) -> HttpResponse {
    json(
        StatusCode::OK,
        &json!({"data": data, "request_id": request_id.0}),
    )
}

/// A page: `cursor` continues after it, or is `None` on the last page.
pub fn page(data: Vec<Value>, cursor: Option<String>, request_id: &RequestId) -> HttpResponse {
    json(
        StatusCode::OK,
        &json!({
            "data": data,
            "pagination": {"cursor": cursor.clone().unwrap_or_default(), "has_next_page": cursor.is_some()},
            "request_id": request_id.0,
        }),
    )
}
