//! Grow's response shapes: the contact and client objects, and the success envelopes.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::{Account, Contact};
use contacts_http::json;
use serde_json::{json, Value};

fn role_name(role_id: i32) -> &'static str {
    match role_id {
        1 => "Administrator",
        3 => "Staff",
        _ => "Client",
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

pub fn contact(contact: &Contact) -> Value {
    json!({
        "id": contact.id,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "name": contact.full_name(),
        "email": contact.email,
        "phone": contact.phone,
        "job_position": contact.job_position,
        "account_owner": yes_no(contact.account_owner),
        "status": contact.status.as_str(),
        "client": contact.account.as_ref().map(|account| json!({"id": account.id, "company_name": account.name})),
        "role": {"id": contact.role_id, "name": role_name(contact.role_id)},
        "social": {
            "facebook": contact.social.facebook,
            "twitter": contact.social.twitter,
            "linkedin": contact.social.linkedin,
            "github": contact.social.github,
            "dribbble": contact.social.dribbble,
        },
        "dates": {"created": contact.created_at.to_text(), "updated": contact.updated_at.to_text()},
    })
}

/// The one category the gateway knows: Grow's system default.
pub const DEFAULT_CATEGORY: (i64, &str) = (2, "Default");

pub fn client(account: &Account) -> Value {
    json!({
        "id": account.id,
        "company_name": account.name,
        "description": account.description,
        "status": account.status,
        "phone": account.phone,
        "website": account.website,
        "vat": account.vat,
        "category": {"id": account.category_id, "name": DEFAULT_CATEGORY.1},
        "owner": account.owner.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
        "billing": {
            "street": account.billing.street,
            "city": account.billing.city,
            "state": account.billing.state,
            "zip": account.billing.zip,
            "country": account.billing.country,
            "invoice_due_days": account.invoice_due_days.map(|days| days.to_string()),
        },
        "shipping": {"street": null, "city": null, "state": null, "zip": null, "country": null},
        "dates": {"created": account.created_at.to_text(), "updated": account.updated_at.to_text()},
        "tags": account.tags,
    })
}

/// `{data, message}` with this status.
pub fn item(status: StatusCode, data: Value, message: &str) -> HttpResponse {
    json(status, &json!({"data": data, "message": message}))
}

/// `{data: [...], meta: {...}, message}` for a page of a list.
pub fn page(
    data: Vec<Value>,
    current_page: u64,
    per_page: u32,
    total: u64,
    message: &str,
) -> HttpResponse {
    let last_page = total.div_ceil(u64::from(per_page)).max(1);
    json(
        StatusCode::OK,
        &json!({
            "data": data,
            "meta": {"current_page": current_page, "per_page": per_page, "total": total, "last_page": last_page},
            "message": message,
        }),
    )
}
