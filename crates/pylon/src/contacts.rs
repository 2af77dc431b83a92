//! `/contacts`: list, show, create, update, delete, and search with the filter tree.

use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::phone::digits_form;
use contacts_core::validate::split_name;
use contacts_core::{
    Conflict, Contact, ContactChanges, ContactKey, CoreError, FilterNode, KeysetPage, NewContact,
    Order, SortKey, SortValue,
};
use contacts_http::{query_pairs, read_fields, Ctx};

use crate::error::{respond, PylonError};
use crate::input::{read_contact, ContactInput};
use crate::paging;
use crate::views;

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// One page of contacts by id, with the cursor that continues it.
async fn page(
    ctx: &Ctx,
    filter: Option<FilterNode>,
    limit: u32,
    after: Option<i64>,
) -> Result<HttpResponse, PylonError> {
    let query = KeysetPage {
        filter,
        sort: SortKey::Id,
        order: Order::Asc,
        limit: limit + 1,
        after: after.map(|id| (SortValue::Int(id), id)),
    };
    let mut contacts = ctx.page_after(query).await?;
    let has_next = contacts.len() > limit as usize;
    contacts.truncate(limit as usize);
    let cursor = has_next
        .then(|| contacts.last().map(|last| paging::cursor_after(last.id)))
        .flatten();
    let data = contacts
        .iter()
        .map(|contact| views::contact(contact))
        .collect();
    Ok(views::page(data, cursor, &ctx.request_id))
}

/// Get all contacts, by cursor.
#[utoipa::path(get, path = "/contacts",
    params(
        ("cursor" = Option<String>, Query, description = "From the previous page's `pagination.cursor`"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 999, description = "Default 100"),
    ),
    responses(
        (status = 200, description = "A page of contacts", body = crate::views::Page<crate::views::ContactView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn list(ctx: Ctx, req: HttpRequest) -> HttpResponse {
    let result = async {
        let pairs = query_pairs(&req);
        let mut problems = Vec::new();
        let limit = paging::limit_from_query(param(&pairs, "limit"), &mut problems);
        let after = paging::after_id(param(&pairs, "cursor"), &mut problems);
        if !problems.is_empty() {
            return Err(PylonError::Invalid(problems));
        }
        page(&ctx, None, limit, after).await
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Search contacts with a filter tree.
#[utoipa::path(post, path = "/contacts/search",
    request_body = crate::openapi::SearchContacts,
    responses(
        (status = 200, description = "A page of matching contacts", body = crate::views::Page<crate::views::ContactView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn search(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = async {
        let body = read_fields(&req, payload, false).await?;
        let mut problems = Vec::new();
        let filter = match crate::filter::parse(body.get("filter")) {
            Ok(filter) => Some(filter),
            Err(found) => {
                problems.extend(found);
                None
            }
        };
        let limit = paging::limit_from_json(body.get("limit"), &mut problems);
        let cursor = match body.get("cursor") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(text)) => Some(text.as_str()),
            Some(_) => {
                problems.push(paging::CURSOR_MESSAGE.into());
                None
            }
        };
        let after = paging::after_id(cursor, &mut problems);
        if !problems.is_empty() {
            return Err(PylonError::Invalid(problems));
        }
        page(&ctx, filter, limit, after).await
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Get a contact by its id.
#[utoipa::path(get, path = "/contacts/{id}",
    params(("id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The contact", body = crate::views::Single<crate::views::ContactView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 404, description = "Contact not found!", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn show(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        let key = ContactKey::Uid(path.into_inner());
        let contact = ctx.contact(key).await?;
        Ok(views::single(views::contact(&contact), &ctx.request_id))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Portal role and role id of a new contact: the id wins when both are given.
fn portal_roles(input: &ContactInput) -> (Option<String>, Option<String>) {
    match (&input.portal_role_id, &input.portal_role) {
        (Some(id), _) => (None, Some(id.clone())),
        (None, role) => (role.clone(), None),
    }
}

/// The same rule as a change: a contact has one portal role, so the one given replaces the
/// other, and a PATCH reads back what a create with the same fields reads back.
fn portal_role_changes(input: &ContactInput) -> (Option<Option<String>>, Option<Option<String>>) {
    match portal_roles(input) {
        (None, None) => (None, None),
        (role, id) => (Some(role), Some(id)),
    }
}

/// The changes an update or an import makes of the fields given, but for emails and phones
/// (whose rules differ between the two).
fn given_changes(input: &ContactInput) -> ContactChanges {
    let (portal_role, portal_role_id) = portal_role_changes(input);
    let (first_name, last_name) = match input.name.as_deref().map(split_name) {
        Some((first_name, last_name)) => (Some(first_name), Some(last_name)),
        None => (None, None),
    };
    ContactChanges {
        first_name,
        last_name,
        account: input.account.clone(),
        avatar_url: input.avatar_url.clone(),
        attributes: input.custom_fields.iter().cloned().collect(),
        external_ids: input.external_ids.clone(),
        portal_role,
        portal_role_id,
        ..ContactChanges::default()
    }
}

/// The contact a create (or an import of a new email) makes.
fn new_contact(name: &str, input: ContactInput) -> NewContact {
    let (first_name, last_name) = split_name(name);
    let (portal_role, portal_role_id) = portal_roles(&input);
    let mut contact = NewContact::named(first_name, last_name);
    contact.email = input.email;
    contact.account = input.account;
    contact.avatar_url = input.avatar_url;
    contact.attributes = input
        .custom_fields
        .into_iter()
        .filter_map(|(slug, value)| value.map(|value| (slug, value)))
        .collect();
    contact.external_ids = input.external_ids.unwrap_or_default();
    contact.phones = input.phone_numbers.unwrap_or_default();
    contact.primary_phone = input.primary_phone_number;
    contact.portal_role = portal_role;
    contact.portal_role_id = portal_role_id;
    contact
}

/// Import a contact: `name` and `email` required. A new email makes a contact, as a create
/// does; an email a contact already has (any of its emails) updates that contact with the
/// fields given, as a PATCH would, instead of answering 409: an import is run again and again
/// by the systems that sync through it.
#[utoipa::path(post, path = "/import/contacts",
    request_body = crate::openapi::ImportContact,
    responses(
        (status = 200, description = "The contact made or updated", body = crate::views::Single<crate::views::ContactView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
        (status = 404, description = "Account not found!", body = crate::openapi::ErrorBody),
        (status = 409, description = "Another live contact has one of these external ids (`exists_id` names it)", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn import(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let body = read_fields(&req, payload, false).await?;
        let input = read_contact(&body, false).map_err(PylonError::Invalid)?;
        let name = input.name.clone().filter(|name| !name.is_empty());
        let mut problems = Vec::new();
        if name.is_none() {
            problems.push("name is required".to_owned());
        }
        if input.email.is_none() {
            problems.push("email is required".to_owned());
        }
        let Some(name) = name.filter(|_| problems.is_empty()) else {
            return Err(PylonError::Invalid(problems));
        };
        let mut changes = given_changes(&input);
        if let Some(phones) = &input.phone_numbers {
            changes.phones = Some((phones.clone(), input.primary_phone_number.clone()));
        }
        let contact = new_contact(&name, input);
        let request_id = ctx.request_id.clone();
        let answer =
            move |result: &Contact| views::single_rendered(views::contact(result), &request_id);
        let imported = ctx
            .run_answered(answer.clone(), move |directory| {
                match directory.create_contact(contact.clone()) {
                    Err(CoreError::Conflict(Conflict::EmailTaken { existing_uid, .. })) => {
                        directory.update_contact(&ContactKey::Uid(existing_uid), changes.clone())
                    }
                    other => other,
                }
            })
            .await?;
        Ok(answer(&imported).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Create a contact.
#[utoipa::path(post, path = "/contacts",
    request_body = crate::openapi::CreateContact,
    responses(
        (status = 200, description = "The new contact", body = crate::views::Single<crate::views::ContactView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
        (status = 404, description = "Account not found!", body = crate::openapi::ErrorBody),
        (status = 409, description = "A live contact has this email or external id (`exists_id` names it)", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn create(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let body = read_fields(&req, payload, false).await?;
        let input = read_contact(&body, false).map_err(PylonError::Invalid)?;
        let Some(name) = input.name.clone().filter(|name| !name.is_empty()) else {
            return Err(PylonError::invalid("name is required"));
        };
        let contact = new_contact(&name, input);
        let request_id = ctx.request_id.clone();
        let answer =
            move |result: &Contact| views::single_rendered(views::contact(result), &request_id);
        let created = ctx
            .run_answered(answer.clone(), move |directory| {
                directory.create_contact(contact)
            })
            .await?;
        Ok(answer(&created).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Update a contact: only the fields given change.
#[utoipa::path(patch, path = "/contacts/{id}",
    params(("id" = String, Path, description = "The contact's id")),
    request_body = Option<crate::openapi::UpdateContact>,
    responses(
        (status = 200, description = "The contact after the change", body = crate::views::Single<crate::views::ContactView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
        (status = 404, description = "Contact (or account) not found!", body = crate::openapi::ErrorBody),
        (status = 409, description = "A live contact has this email or external id (`exists_id` names it)", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn update(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let key = ContactKey::Uid(path.into_inner());
        let body = read_fields(&req, payload, false).await?;
        let input = read_contact(&body, true).map_err(PylonError::Invalid)?;
        if input.name.as_deref() == Some("") {
            return Err(PylonError::invalid("name cannot be empty"));
        }
        let mut changes = given_changes(&input);
        changes.email = input.email.map(Some);
        changes.emails = input.emails.map(|emails| {
            // The entry flagged primary comes first; without one, the first entry is primary.
            let primary = emails
                .iter()
                .position(|(_, is_primary)| *is_primary)
                .unwrap_or(0);
            let mut ordered: Vec<String> = emails.iter().map(|(email, _)| email.clone()).collect();
            if primary < ordered.len() {
                let chosen = ordered.remove(primary);
                ordered.insert(0, chosen);
            }
            ordered
        });
        let phones = input.phone_numbers;
        let primary = input.primary_phone_number;
        let request_id = ctx.request_id.clone();
        let answer =
            move |result: &Contact| views::single_rendered(views::contact(result), &request_id);
        let updated = ctx
            .run_answered(answer.clone(), move |directory| {
                let current = directory.get_contact(&key)?;
                match (phones, primary) {
                    (Some(phones), primary) => changes.phones = Some((phones, primary)),
                    // Pylon shows each phone's digits, so the primary is named by them.
                    (None, Some(primary)) if shows_phone(&current.phones, &primary) => {
                        let phones = current.phones.clone();
                        let shown: Vec<Option<String>> =
                            phones.iter().map(|phone| digits_form(phone)).collect();
                        let chosen = shown
                            .iter()
                            .position(|digits| digits.as_deref() == Some(primary.as_str()))
                            .map_or(primary, |at| phones[at].clone());
                        changes.phones = Some((phones, Some(chosen)));
                    }
                    (None, Some(_)) => return Ok(Err(())),
                    (None, None) => {}
                }
                directory
                    .update_contact(&ContactKey::Uid(current.uid), changes)
                    .map(Ok)
            })
            .await?
            .map_err(|()| {
                PylonError::invalid("primary_phone_number must be one of phone_numbers")
            })?;
        Ok(answer(&updated).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Whether Pylon shows `digits` among these phones.
fn shows_phone(phones: &[String], digits: &str) -> bool {
    phones
        .iter()
        .any(|phone| digits_form(phone).as_deref() == Some(digits))
}

/// Delete a contact.
#[utoipa::path(delete, path = "/contacts/{id}",
    params(("id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "Deleted", body = crate::views::RequestIdOnly),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 404, description = "Contact not found!", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn delete(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let key = ContactKey::Uid(path.into_inner());
        let request_id = ctx.request_id.clone();
        let answer = move |_: &Contact| views::request_id_only_rendered(&request_id);
        let deleted = ctx
            .run_answered(answer.clone(), move |directory| {
                directory.delete_contact(&key)
            })
            .await?;
        Ok(answer(&deleted).response())
    }
    .await;
    respond(&ctx.request_id, result)
}
