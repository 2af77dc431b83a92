//! `/api/contacts`: list, show, create, update, delete, and set as account owner.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::{
    AccountKey, Conflict, Contact, ContactChanges, ContactKey, CoreError, Directory, Entity,
    FilterField, FilterNode, NewContact, OffsetPage, Operator, Order, OutgoingEmail, SortKey,
    Unavailable,
};
use contacts_http::{query_pairs, read_body, Ctx};

use crate::error::{respond, FieldErrors, GrowError};
use crate::input::{required_message, selected_invalid_message, taken_message, Input};
use crate::listing;
pub use crate::password::new_password;
use crate::views;

/// A contact id from the path; anything that is not one finds no contact.
pub fn contact_id(raw: &str) -> Result<i64, GrowError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(GrowError::from(CoreError::NotFound(Entity::Contact)))
}

/// Whether a live contact other than `except` has this email (case-insensitively).
pub fn email_taken(
    directory: &dyn Directory,
    email: &str,
    except: Option<i64>,
) -> Result<bool, CoreError> {
    let page = OffsetPage {
        filter: Some(FilterNode::test(
            FilterField::Email,
            Operator::Equals,
            vec![email.to_owned()],
        )),
        sort: SortKey::Id,
        order: Order::Asc,
        limit: 2,
        offset: 0,
    };
    let (holders, _) = directory.list_contacts_by_offset(&page)?;
    Ok(holders.iter().any(|holder| Some(holder.id) != except))
}

pub fn welcome_email(first_name: &str, email: &str, password: &str) -> OutgoingEmail {
    OutgoingEmail {
        recipient: email.to_owned(),
        subject: "Your account has been created".to_owned(),
        body: format!(
            "Hello {first_name},\n\nAn account has been created for you.\n\nLogin email: {email}\nPassword: {password}\n"
        ),
    }
}

/// List and search contacts.
#[utoipa::path(get, path = "/contacts",
    params(
        ("status" = Option<String>, Query),
        ("client_id" = Option<String>, Query, description = "A client id; a value no client has finds nothing"),
        ("account_owner" = Option<String>, Query),
        ("search" = Option<String>, Query),
        ("sort" = Option<String>, Query, pattern = "^(|first_name|last_name|email|created|updated)$"),
        ("order" = Option<String>, Query, pattern = "^(|asc|desc)$"),
        ("limit" = Option<String>, Query, description = "An integer: default 25, capped at 100; anything else means 25"),
        ("page" = Option<String>, Query, description = "An integer: default 1; anything below 1 or not a number means 1"),
    ),
    responses(
        (status = 200, description = "Contacts retrieved successfully.", body = crate::views::ListPage<crate::views::ContactView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn list(ctx: Ctx, req: HttpRequest) -> HttpResponse {
    let result = list_contacts(&ctx, &req).await;
    respond(&ctx.request_id, result)
}

async fn list_contacts(ctx: &Ctx, req: &HttpRequest) -> Result<HttpResponse, GrowError> {
    let pairs = query_pairs(req);
    let mut errors = FieldErrors::default();
    let sort = listing::choice(
        &pairs,
        "sort",
        &[
            ("first_name", SortKey::FirstName),
            ("last_name", SortKey::LastName),
            ("email", SortKey::Email),
            ("created", SortKey::CreatedAt),
            ("updated", SortKey::UpdatedAt),
        ],
        crate::DEFAULT_LIST_ORDER.0,
        &mut errors,
    );
    let order = listing::order(&pairs, crate::DEFAULT_LIST_ORDER.1, &mut errors);
    let mut tests = Vec::new();
    let filters = [
        ("status", FilterField::Status),
        ("client_id", FilterField::AccountId),
        ("account_owner", FilterField::AccountOwner),
        ("search", FilterField::Text),
    ];
    for (name, field) in filters {
        if let Some(value) = listing::filter(&pairs, name, &mut errors) {
            tests.push(FilterNode::test(
                field,
                Operator::Equals,
                vec![value.to_owned()],
            ));
        }
    }
    if !errors.is_empty() {
        return Err(GrowError::Invalid(errors));
    }
    let limit = listing::limit(&pairs);
    let page_number = listing::page(&pairs);
    let page = OffsetPage {
        filter: (!tests.is_empty()).then_some(FilterNode::All(tests)),
        sort,
        order,
        limit,
        offset: listing::offset(page_number, limit),
    };
    let (contacts, total) = ctx.page_by_offset(page).await?;
    let data = contacts
        .iter()
        .map(|contact| views::contact(contact))
        .collect();
    Ok(views::page(
        data,
        page_number,
        limit,
        total,
        "Contacts retrieved successfully.",
    ))
}

/// Get a contact.
#[utoipa::path(get, path = "/contacts/{id}",
    params(("id" = i64, Path, minimum = 1, description = "The contact id")),
    responses(
        (status = 200, description = "Contact retrieved successfully.", body = crate::views::Item<crate::views::ContactView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 404, description = "Contact not found.", body = crate::openapi::MessageBody),
    ),
)]
pub async fn show(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        let key = ContactKey::Id(contact_id(&path)?);
        let contact = ctx.contact(key).await?;
        Ok(views::item(
            StatusCode::OK,
            views::contact(&contact),
            "Contact retrieved successfully.",
        ))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Create a contact under an existing client.
#[utoipa::path(post, path = "/contacts",
    request_body(content((crate::openapi::CreateContact = "application/json"), (crate::openapi::CreateContact = "application/x-www-form-urlencoded"))),
    responses(
        (status = 201, description = "Contact created successfully.", body = crate::views::Item<crate::views::ContactView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn create(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = create_contact(&ctx, &req, payload).await;
    respond(&ctx.request_id, result)
}

async fn create_contact(
    ctx: &Ctx,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, GrowError> {
    ctx.authorize_contact_write()?;
    let body = read_body(req, payload, true).await?;
    let mut input = Input::new(&body, &crate::openapi::rules::CREATE_CONTACT);
    let first_name = input.required("first_name");
    let last_name = input.required("last_name");
    let email = input.required_email("email");
    let client = input.required_id("clientid");
    let phone = input.optional_phone("phone").flatten();
    let position = input.optional("position").flatten();
    let send_email = input.yes("send_email");
    let mut errors = input.errors;
    let answer = |result: &Contact| {
        views::item_rendered(
            StatusCode::CREATED,
            views::contact(result),
            "Contact created successfully.",
        )
    };
    let created = ctx
        .run_answered(answer, move |directory| {
            // The write checks the rules that need the store inside its transaction. Only when
            // it refuses for one of them are they checked here, so every failing field is
            // reported at once; a create that succeeds costs one transaction.
            if let (Some(first_name), Some(last_name), Some(email), Some(Some(client)), true) =
                (&first_name, &last_name, &email, client, errors.is_empty())
            {
                let mut contact = NewContact::named(first_name.clone(), last_name.clone());
                // A password exists only to be sent: without the welcome email no one could
                // ever learn it, so none is made (and no Argon2 hash is paid for).
                if send_email {
                    let (password, password_hash) = new_password(9)?;
                    contact.welcome_email =
                        Some(welcome_email(&contact.first_name, email, &password));
                    contact.password_hash = Some(password_hash);
                }
                contact.email = Some(email.clone());
                contact.phones = phone.clone().into_iter().collect();
                contact.job_position = position.clone();
                contact.account = Some(AccountKey::Id(client));
                match directory.create_contact(contact) {
                    Err(CoreError::Conflict(Conflict::EmailTaken { .. }))
                    | Err(CoreError::UnknownAccount) => {}
                    done => return done.map(Ok),
                }
            }
            if let Some(email) = &email {
                if email_taken(directory, email, None)? {
                    errors.add("email", taken_message("email"));
                }
            }
            if let Some(client) = client {
                let exists = match client {
                    Some(id) => match directory.get_account(&AccountKey::Id(id)) {
                        Ok(_) => true,
                        Err(CoreError::NotFound(_)) => false,
                        Err(err) => return Err(err),
                    },
                    None => false,
                };
                if !exists {
                    errors.add("clientid", selected_invalid_message("clientid"));
                }
            }
            match errors.is_empty() {
                // Refused by the write, but no longer by the checks (a contact went meanwhile):
                // nothing was written, and the client may send it again.
                true => Err(CoreError::Unavailable(Unavailable::Contention)),
                false => Ok(Err(errors)),
            }
        })
        .await?
        .map_err(GrowError::Invalid)?;
    Ok(answer(&created).response())
}

/// Update a contact.
#[utoipa::path(patch, path = "/contacts/{id}",
    params(("id" = i64, Path, minimum = 1, description = "The contact id")),
    request_body(content((crate::openapi::UpdateContact = "application/json"), (crate::openapi::UpdateContact = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Contact updated successfully.", body = crate::views::Item<crate::views::ContactView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 404, description = "Contact not found.", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn update(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = update_contact(&ctx, &req, &path, payload).await;
    respond(&ctx.request_id, result)
}

async fn update_contact(
    ctx: &Ctx,
    req: &HttpRequest,
    raw_id: &str,
    payload: web::Payload,
) -> Result<HttpResponse, GrowError> {
    ctx.authorize_contact_write()?;
    let id = contact_id(raw_id)?;
    let body = read_body(req, payload, true).await?;
    let mut input = Input::new(&body, &crate::openapi::rules::UPDATE_CONTACT);
    // Whatever Grow shows it accepts back: a contact written elsewhere may have no last name or
    // no email, which Grow shows as "" and null; sent back empty, they are kept as they are
    // (decided against the contact below), while emptying a field the contact has is refused.
    let sent_empty = |input: &Input, field: &str| input.is_sent_empty(field);
    let [first_empty, last_empty, email_empty] =
        ["first_name", "last_name", "email"].map(|field| sent_empty(&input, field));
    let first_name = (!first_empty)
        .then(|| input.required("first_name"))
        .flatten();
    let last_name = (!last_empty).then(|| input.required("last_name")).flatten();
    let email = (!email_empty)
        .then(|| input.required_email("email"))
        .flatten();
    let phone = input.optional_phone("phone");
    let position = input.optional("position");
    let mut errors = input.errors;
    let answer = |result: &Contact| {
        views::item_rendered(
            StatusCode::OK,
            views::contact(result),
            "Contact updated successfully.",
        )
    };
    let updated = ctx
        .run_answered(answer, move |directory| {
            let key = ContactKey::Id(id);
            let current = directory.get_contact(&key)?;
            let mut kept = |field: &str, sent: bool, has_none: bool| {
                if sent && !has_none {
                    errors.add(field, required_message(field));
                }
                sent && has_none
            };
            let first_kept = kept("first_name", first_empty, current.first_name.is_empty());
            let last_kept = kept("last_name", last_empty, current.last_name.is_empty());
            let email_kept = kept("email", email_empty, current.email.is_none());
            if let Some(email) = &email {
                if email_taken(directory, email, Some(id))? {
                    errors.add("email", taken_message("email"));
                }
            }
            let first_name = first_name.or(first_kept.then(String::new));
            let last_name = last_name.or(last_kept.then(String::new));
            let email = match (email, email_kept) {
                (Some(email), _) => Some(Some(email)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let (Some(first_name), Some(last_name), Some(email), true) =
                (first_name, last_name, email, errors.is_empty())
            else {
                return Ok(Err(errors));
            };
            let changes = ContactChanges {
                first_name: Some(first_name),
                last_name: Some(last_name),
                // A kept (absent) email is no change.
                email: email.map(Some),
                phone,
                job_position: position,
                ..ContactChanges::default()
            };
            directory.update_contact(&key, changes).map(Ok)
        })
        .await?
        .map_err(GrowError::Invalid)?;
    Ok(answer(&updated).response())
}

/// Delete (soft-delete) a contact.
#[utoipa::path(delete, path = "/contacts/{id}",
    params(("id" = i64, Path, minimum = 1, description = "The contact id")),
    responses(
        (status = 200, description = "Contact deleted successfully.", body = crate::views::Item<crate::views::DeletedId>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 404, description = "Contact not found.", body = crate::openapi::MessageBody),
    ),
)]
pub async fn delete(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let key = ContactKey::Id(contact_id(&path)?);
        let answer = |result: &Contact| {
            views::item_rendered(
                StatusCode::OK,
                views::DeletedId { id: result.id },
                "Contact deleted successfully.",
            )
        };
        let deleted = ctx
            .run_answered(answer, move |directory| directory.delete_contact(&key))
            .await?;
        Ok(answer(&deleted).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Make the contact its client's account owner.
#[utoipa::path(put, path = "/contacts/{id}/account-owner",
    params(("id" = i64, Path, minimum = 1, description = "The contact id")),
    responses(
        (status = 200, description = "Contact set as account owner successfully.", body = crate::views::Item<crate::views::ContactView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 404, description = "Contact not found.", body = crate::openapi::MessageBody),
        (status = 409, description = "The contact does not belong to a client account.", body = crate::openapi::MessageBody),
    ),
)]
pub async fn set_account_owner(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let key = ContactKey::Id(contact_id(&path)?);
        let answer = |result: &Contact| {
            views::item_rendered(
                StatusCode::OK,
                views::contact(result),
                "Contact set as account owner successfully.",
            )
        };
        let owner = ctx
            .run_answered(answer, move |directory| directory.set_account_owner(&key))
            .await?;
        Ok(answer(&owner).response())
    }
    .await;
    respond(&ctx.request_id, result)
}
