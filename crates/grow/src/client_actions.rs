//! `/api/clients/{id}`'s actions: delete (with every contact of the client) and the
//! `PUT …/tags|status|owner` updates, each answering the client as it now is.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::{Account, AccountChanges, AccountKey, ContactKey};
use contacts_http::{read_body, Ctx};

use crate::clients::client_key;
use crate::error::{respond, FieldErrors, GrowError};
use crate::input::{selected_invalid_message, Input};
use crate::views;

/// The statuses a client can be put in.
const CLIENT_STATUSES: [&str; 2] = ["active", "suspended"];

/// The answer to an action whose fields are invalid: 404 when the client does not exist, as
/// Laravel finds the route's model before it validates the body, else 422 with the errors.
async fn refused(ctx: &Ctx, key: AccountKey, errors: FieldErrors) -> GrowError {
    match ctx.run(move |directory| directory.get_account(&key)).await {
        Ok(_) => GrowError::Invalid(errors),
        Err(err) => err.into(),
    }
}

/// Delete a client and all its contacts.
#[utoipa::path(delete, path = "/clients/{id}",
    params(("id" = i64, Path, minimum = 1, description = "The client id")),
    responses(
        (status = 200, description = "Client deleted successfully.", body = crate::views::Item<crate::views::DeletedId>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 404, description = "Client not found.", body = crate::openapi::MessageBody),
    ),
)]
pub async fn delete(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        // Deleting a client deletes its contacts, so it is a contact write.
        ctx.authorize_contact_write()?;
        let key = client_key(&path)?;
        let answer = |result: &Account| {
            views::item_rendered(
                StatusCode::OK,
                views::DeletedId { id: result.id },
                "Client deleted successfully.",
            )
        };
        let deleted = ctx
            .run_answered(answer, move |directory| directory.delete_account(&key))
            .await?;
        Ok(answer(&deleted).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Replace a client's tags.
#[utoipa::path(put, path = "/clients/{id}/tags",
    params(("id" = i64, Path, minimum = 1, description = "The client id")),
    request_body(content = Option<crate::openapi::ClientTags>, description = "The full set: an empty or absent `tags` clears it (PHP's `http_build_query` sends nothing for an empty array)"),
    responses(
        (status = 200, description = "Client tags updated successfully.", body = crate::views::Item<crate::views::ClientView>),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key", body = crate::openapi::MessageBody),
        (status = 404, description = "Client not found.", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn set_tags(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        ctx.authorize_write()?;
        let key = client_key(&path)?;
        let body = read_body(&req, payload, true).await?;
        let mut input = Input::new(&body, &crate::openapi::rules::CLIENT_TAGS);
        let tags = input.tags("tags").unwrap_or_default();
        if !input.errors.is_empty() {
            return Err(refused(&ctx, key, input.errors).await);
        }
        let changes = AccountChanges {
            tags: Some(tags),
            ..AccountChanges::default()
        };
        let answer = |result: &Account| {
            views::item_rendered(
                StatusCode::OK,
                views::client(result),
                "Client tags updated successfully.",
            )
        };
        let account = ctx
            .run_answered(answer, move |directory| {
                directory.update_account(&key, changes)
            })
            .await?;
        Ok(answer(&account).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Set a client's status.
#[utoipa::path(put, path = "/clients/{id}/status",
    params(("id" = i64, Path, minimum = 1, description = "The client id")),
    request_body(content = crate::openapi::ClientStatus),
    responses(
        (status = 200, description = "Client status updated successfully.", body = crate::views::Item<crate::views::ClientView>),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key", body = crate::openapi::MessageBody),
        (status = 404, description = "Client not found.", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn set_status(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        ctx.authorize_write()?;
        let key = client_key(&path)?;
        let body = read_body(&req, payload, true).await?;
        let mut input = Input::new(&body, &crate::openapi::rules::CLIENT_STATUS);
        let status = input.required("status");
        if status
            .as_deref()
            .is_some_and(|status| !CLIENT_STATUSES.contains(&status))
        {
            input
                .errors
                .add("status", selected_invalid_message("status"));
        }
        let (Some(status), true) = (status, input.errors.is_empty()) else {
            return Err(refused(&ctx, key, input.errors).await);
        };
        let changes = AccountChanges {
            status: Some(status),
            ..AccountChanges::default()
        };
        let answer = |result: &Account| {
            views::item_rendered(
                StatusCode::OK,
                views::client(result),
                "Client status updated successfully.",
            )
        };
        let account = ctx
            .run_answered(answer, move |directory| {
                directory.update_account(&key, changes)
            })
            .await?;
        Ok(answer(&account).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Make one of the client's contacts its account owner.
#[utoipa::path(put, path = "/clients/{id}/owner",
    params(("id" = i64, Path, minimum = 1, description = "The client id")),
    request_body(content = crate::openapi::ClientOwner),
    responses(
        (status = 200, description = "Client account owner updated successfully.", body = crate::views::Item<crate::views::ClientView>),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 404, description = "Client not found.", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid: `owner` is not a contact of this client", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn set_owner(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        // The owner flag shows on contacts, so it is a contact write (as the contact route is).
        ctx.authorize_contact_write()?;
        let key = client_key(&path)?;
        let body = read_body(&req, payload, true).await?;
        let mut input = Input::new(&body, &crate::openapi::rules::CLIENT_OWNER);
        let owner = input.required_id("owner");
        let owner = match owner {
            Some(Some(owner)) => owner,
            Some(None) => {
                input.errors.add("owner", selected_invalid_message("owner"));
                return Err(refused(&ctx, key, input.errors).await);
            }
            None => return Err(refused(&ctx, key, input.errors).await),
        };
        let answer = |result: &Account| {
            views::item_rendered(
                StatusCode::OK,
                views::client(result),
                "Client account owner updated successfully.",
            )
        };
        let account = ctx
            .run_answered(answer, move |directory| {
                directory.set_account_owner_of(&key, &ContactKey::Id(owner))
            })
            .await?;
        Ok(answer(&account).response())
    }
    .await;
    respond(&ctx.request_id, result)
}
