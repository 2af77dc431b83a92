//! `/v1/contacts/:id` and `POST /v1/contacts`: retrieve, create, update, delete.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::{Contact, ContactChanges, ContactKey, ExternalId, NewContact};
use contacts_http::{read_fields, Ctx, Fields};

use crate::error::{respond, WorkshopError};
use crate::input::{read_contact, BLANK};
use crate::lookup::{contact_key, external_flag, speaks_1_0};
use crate::views;

/// What show, update and delete start from: a version check, the body, and the contact the
/// path names (by id, or by external id with `external`).
async fn target(
    ctx: &Ctx,
    req: &HttpRequest,
    raw_id: &str,
    payload: web::Payload,
) -> Result<(Fields, ContactKey), WorkshopError> {
    speaks_1_0(req)?;
    let body = read_fields(req, payload, false).await?;
    let key = contact_key(ctx, raw_id, external_flag(req, &body)?)?;
    Ok((body, key))
}

/// Retrieve a contact.
#[utoipa::path(
    get,
    path = "/contacts/{id}",
    params(
        ("id" = String, Path, description = "The contact's id, or its external id with `external`"),
        ("external" = Option<String>, Query, pattern = "^(|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff])$", description = "Look up by external id: a bare flag, or true/false, 1/0, yes/no, on/off in any letter case"),
        ("Workshop-Version" = Option<String>, Header, pattern = r"^(|1\.[0-9]{1,9})$", description = "1.0, 1.1 or 1.2 (the default); a later minor of 1 is answered as 1.2"),
    ),
    responses(
        (status = 200, description = "The contact", body = crate::views::ContactDetails),
        (status = 400, description = "Malformed JSON or unknown Workshop-Version", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such contact", body = crate::openapi::ErrorBody),
        (status = 422, description = "`external` is not a boolean", body = crate::openapi::FieldErrorBody),
    ),
)]
pub async fn show(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        let (_, key) = target(&ctx, &req, &path, payload).await?;
        let contact = ctx.contact(key).await?;
        Ok(HttpResponse::Ok().json(views::details(&contact, &views::base(&req))))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Create a contact.
#[utoipa::path(
    post,
    path = "/contacts",
    params(("Workshop-Version" = Option<String>, Header, pattern = r"^(|1\.[0-9]{1,9})$", description = "1.0, 1.1 or 1.2 (the default); a later minor of 1 is answered as 1.2")),
    request_body = crate::openapi::CreateContact,
    responses(
        (status = 201, description = "Created", body = crate::views::Message,
            headers(("Location" = String, description = "/v1/contacts/<id>"))),
        (status = 400, description = "Malformed JSON or unknown Workshop-Version", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
        (status = 409, description = "A live contact has this external_id", body = crate::openapi::ErrorBody),
        (status = 422, description = "Invalid fields, or the email is taken", body = crate::openapi::FieldErrorBody),
    ),
)]
pub async fn create(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = async {
        speaks_1_0(&req)?;
        ctx.authorize_contact_write()?;
        let body = read_fields(&req, payload, false).await?;
        let input = read_contact(&body, true).map_err(WorkshopError::Invalid)?;
        let (Some(external_id), Some(first_name), Some(last_name), Some(email)) = (
            input.external_id,
            input.first_name,
            input.last_name,
            input.email,
        ) else {
            return Err(WorkshopError::field("external_id", "can't be blank"));
        };
        let mut contact = NewContact::named(first_name, last_name);
        contact.email = Some(email);
        contact.external_ids = vec![ExternalId {
            external_id,
            label: String::new(),
        }];
        contact.phones = input.phone_number.flatten().into_iter().collect();
        contact.attributes = input
            .attributes
            .into_iter()
            .filter_map(|(key, value)| value.map(|value| (key, value)))
            .collect();
        let base = views::base(&req);
        let answer = move |created: &Contact| {
            views::message_rendered(StatusCode::CREATED, "Contact created successfully")
                .with_location(format!("{base}/contacts/{}", created.uid))
        };
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

/// Update a contact: only what is sent changes; attributes merge key by key.
#[utoipa::path(
    patch,
    path = "/contacts/{id}",
    params(
        ("id" = String, Path, description = "The contact's id, or its external id with `external`"),
        ("external" = Option<String>, Query, pattern = "^(|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff])$", description = "Look up by external id: a bare flag, or true/false, 1/0, yes/no, on/off in any letter case"),
        ("Workshop-Version" = Option<String>, Header, pattern = r"^(|1\.[0-9]{1,9})$", description = "1.0, 1.1 or 1.2 (the default); a later minor of 1 is answered as 1.2"),
    ),
    request_body = crate::openapi::UpdateContact,
    responses(
        (status = 200, description = "Updated", body = crate::views::Message),
        (status = 400, description = "Malformed JSON or unknown Workshop-Version", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such contact", body = crate::openapi::ErrorBody),
        (status = 409, description = "Another live contact has this external_id", body = crate::openapi::ErrorBody),
        (status = 422, description = "Invalid fields, or the email is taken", body = crate::openapi::FieldErrorBody),
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
        let (body, key) = target(&ctx, &req, &path, payload).await?;
        let input = read_contact(&body, false).map_err(WorkshopError::Invalid)?;
        let changes = ContactChanges {
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email.map(Some),
            phone: input.phone_number,
            primary_external_id: input.external_id,
            attributes: input.attributes,
            ..ContactChanges::default()
        };
        let sent_blank = input.sent_blank;
        let answer =
            |_: &Contact| views::message_rendered(StatusCode::OK, "Contact updated successfully");
        ctx.run_answered(answer, move |directory| {
            let current = directory.get_contact(&key)?;
            let refused: Vec<&str> = sent_blank
                .iter()
                .copied()
                .filter(|field| !shows_blank(&current, field))
                .collect();
            if !refused.is_empty() {
                return Ok(Err(refused));
            }
            directory.update_contact(&key, changes).map(Ok)
        })
        .await?
        .map_err(|refused| {
            WorkshopError::Invalid(
                refused
                    .into_iter()
                    .map(|field| (field.to_owned(), vec![BLANK.to_owned()]))
                    .collect(),
            )
        })?;
        Ok(views::message(
            StatusCode::OK,
            "Contact updated successfully",
        ))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Whether Workshop shows this field of the contact as null or blank, so that sending it back
/// so changes nothing rather than clearing it.
fn shows_blank(contact: &Contact, field: &str) -> bool {
    match field {
        "external_id" => contact.external_ids.is_empty(),
        "first_name" => contact.first_name.is_empty(),
        "last_name" => contact.last_name.is_empty(),
        "email" => contact.email.is_none(),
        _ => false,
    }
}

/// Delete a contact.
#[utoipa::path(
    delete,
    path = "/contacts/{id}",
    params(
        ("id" = String, Path, description = "The contact's id, or its external id with `external`"),
        ("external" = Option<String>, Query, pattern = "^(|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff])$", description = "Look up by external id: a bare flag, or true/false, 1/0, yes/no, on/off in any letter case"),
        ("Workshop-Version" = Option<String>, Header, pattern = r"^(|1\.[0-9]{1,9})$", description = "1.0, 1.1 or 1.2 (the default); a later minor of 1 is answered as 1.2"),
    ),
    responses(
        (status = 200, description = "Deleted", body = crate::views::Message),
        (status = 400, description = "Malformed JSON or unknown Workshop-Version", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such contact", body = crate::openapi::ErrorBody),
        (status = 422, description = "`external` is not a boolean", body = crate::openapi::FieldErrorBody),
    ),
)]
pub async fn delete(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        ctx.authorize_contact_write()?;
        let (_, key) = target(&ctx, &req, &path, payload).await?;
        let answer =
            |_: &Contact| views::message_rendered(StatusCode::OK, "Contact deleted successfully");
        ctx.run_answered(answer, move |directory| directory.delete_contact(&key))
            .await?;
        Ok(views::message(
            StatusCode::OK,
            "Contact deleted successfully",
        ))
    }
    .await;
    respond(&ctx.request_id, result)
}
