//! Pylon's response shapes: the contact and account objects and the `{data, request_id}`
//! envelopes. The same types serialise the responses and describe them in the OpenAPI document.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::phone::digits_form;
use contacts_core::{Account, AttributeValue, Contact, ExternalId};
use contacts_http::{Rendered, RequestId};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExternalIdView {
    pub external_id: String,
    pub label: String,
}

/// The account a contact belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct MiniAccount {
    pub id: String,
    pub external_ids: Vec<ExternalIdView>,
}

/// A custom field: `value` for a single value, `values` for a multi-value field.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomFieldValue {
    pub slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationUserId {
    pub id: String,
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub emails: Vec<String>,
    pub avatar_url: Option<String>,
    pub account: Option<MiniAccount>,
    pub custom_fields: BTreeMap<String, CustomFieldValue>,
    pub external_ids: Vec<ExternalIdView>,
    pub integration_user_ids: Vec<IntegrationUserId>,
    pub phone_numbers: Vec<String>,
    pub primary_phone_number: Option<String>,
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub domain: Option<String>,
    pub domains: Vec<String>,
    pub primary_domain: Option<String>,
    pub tags: Vec<String>,
    pub external_ids: Vec<ExternalIdView>,
    pub created_at: String,
}

/// The key making the call.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub name: String,
    pub read_only: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    /// Continues after this page; `""` on the last page.
    pub cursor: String,
    pub has_next_page: bool,
}

/// `{data, request_id}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Single<T> {
    pub data: T,
    pub request_id: String,
}

/// `{data: [...], pagination, request_id}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub pagination: Pagination,
    pub request_id: String,
}

/// What a delete answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestIdOnly {
    pub request_id: String,
}

fn external_ids(ids: &[ExternalId]) -> Vec<ExternalIdView> {
    ids.iter()
        .map(|id| ExternalIdView {
            external_id: id.external_id.clone(),
            label: id.label.clone(),
        })
        .collect()
}

fn custom_fields(
    attributes: &BTreeMap<String, AttributeValue>,
) -> BTreeMap<String, CustomFieldValue> {
    attributes
        .iter()
        .map(|(slug, value)| {
            let (value, values) = match value {
                AttributeValue::List(values) => (None, Some(values.clone())),
                scalar => (scalar.scalar_text(), None),
            };
            (
                slug.clone(),
                CustomFieldValue {
                    slug: slug.clone(),
                    value,
                    values,
                },
            )
        })
        .collect()
}

pub fn contact(contact: &Contact) -> ContactView {
    // Every field named, none skipped with `..`: a new field of the contact stops the build
    // here until Pylon decides whether to show it.
    let Contact {
        id: _,
        uid,
        first_name: _,
        last_name: _,
        email,
        emails,
        phone,
        phones,
        job_position: _,
        status: _,
        account,
        account_owner: _,
        role_id: _,
        portal_role,
        portal_role_id,
        avatar_url,
        social: _,
        attributes,
        external_ids: contact_external_ids,
        source: _,
        created_at: _,
        updated_at: _,
    } = contact;
    ContactView {
        id: uid.clone(),
        name: contact.full_name(),
        email: email.clone(),
        emails: emails.clone(),
        avatar_url: avatar_url.clone(),
        account: account.as_ref().map(|account| MiniAccount {
            id: account.uid.clone(),
            external_ids: external_ids(&account.external_ids),
        }),
        custom_fields: custom_fields(attributes),
        external_ids: external_ids(contact_external_ids),
        integration_user_ids: Vec::new(),
        phone_numbers: phones
            .iter()
            .filter_map(|phone| digits_form(phone))
            .collect(),
        primary_phone_number: phone.as_deref().and_then(digits_form),
        portal_role: portal_role.clone(),
        portal_role_id: portal_role_id.clone(),
    }
}

pub fn account(account: &Account) -> AccountView {
    AccountView {
        id: account.uid.clone(),
        name: account.name.clone(),
        domain: account.domains.first().cloned(),
        domains: account.domains.clone(),
        primary_domain: account.domains.first().cloned(),
        tags: account.tags.clone(),
        external_ids: external_ids(&account.external_ids),
        created_at: account.created_at.to_text(),
    }
}

pub fn single<T: Serialize>(data: T, request_id: &RequestId) -> HttpResponse {
    single_rendered(data, request_id).response()
}

/// `single` as bytes: a write's answer, which an `Idempotency-Key` stores and replays.
pub fn single_rendered<T: Serialize>(data: T, request_id: &RequestId) -> Rendered {
    Rendered::json(
        StatusCode::OK,
        &Single {
            data,
            request_id: request_id.0.clone(),
        },
    )
}

/// A page: `cursor` continues after it, or is `None` on the last page.
pub fn page<T: Serialize>(
    data: Vec<T>,
    cursor: Option<String>,
    request_id: &RequestId,
) -> HttpResponse {
    HttpResponse::Ok().json(Page {
        data,
        pagination: Pagination {
            has_next_page: cursor.is_some(),
            cursor: cursor.unwrap_or_default(),
        },
        request_id: request_id.0.clone(),
    })
}

/// `{request_id}` as bytes: a delete's answer, which an `Idempotency-Key` stores and replays.
pub fn request_id_only_rendered(request_id: &RequestId) -> Rendered {
    Rendered::json(
        StatusCode::OK,
        &RequestIdOnly {
            request_id: request_id.0.clone(),
        },
    )
}
