//! `/accounts` (the rows Grow calls clients: list, show, create, update, delete) and `/me`
//! (the key making the call).

use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::{Account, AccountChanges, AccountKey, AccountQuery, Contact, NewAccount};
use contacts_http::{query_pairs, read_fields, Ctx};
use serde_json::Value;

use crate::error::{respond, PylonError};
use crate::input::Reader;
use crate::paging;
use crate::views;

/// Get all accounts, by cursor.
#[utoipa::path(get, path = "/accounts",
    params(
        ("cursor" = Option<String>, Query, description = "From the previous page's `pagination.cursor`"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 999, description = "Default 100"),
    ),
    responses(
        (status = 200, description = "A page of accounts", body = crate::views::Page<crate::views::AccountView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn list(ctx: Ctx, req: HttpRequest) -> HttpResponse {
    let result = async {
        let pairs = query_pairs(&req);
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v.as_str())
        };
        let mut problems = Vec::new();
        let limit = paging::limit_from_query(get("limit"), &mut problems);
        let after = paging::after_id(get("cursor"), &mut problems);
        if !problems.is_empty() {
            return Err(PylonError::Invalid(problems));
        }
        let mut query = AccountQuery::by_id(limit + 1);
        query.after_id = after;
        let (mut accounts, _) = ctx
            .run(move |directory| directory.list_accounts(&query))
            .await?;
        let has_next = accounts.len() > limit as usize;
        accounts.truncate(limit as usize);
        let cursor = has_next
            .then(|| accounts.last().map(|last| paging::cursor_after(last.id)))
            .flatten();
        Ok(views::page(
            accounts.iter().map(views::account).collect(),
            cursor,
            &ctx.request_id,
        ))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Get an account by its id or external id.
#[utoipa::path(get, path = "/accounts/{id}",
    params(("id" = String, Path, description = "The account's id or one of its external ids")),
    responses(
        (status = 200, description = "The account", body = crate::views::Single<crate::views::AccountView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 404, description = "Account not found!", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn show(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        let key = AccountKey::UidOrExternalId(path.into_inner());
        let account = ctx
            .run(move |directory| directory.get_account(&key))
            .await?;
        Ok(views::single(views::account(&account), &ctx.request_id))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// A list of strings; `None` when absent or null (on PATCH: leave it as it is).
fn string_list(
    reader: &mut Reader,
    body: &contacts_http::Fields,
    name: &str,
) -> Option<Vec<String>> {
    match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items))
            if items.len() <= 100
                && items
                    .iter()
                    .all(|item| item.as_str().is_some_and(|s| s.len() <= 255)) =>
        {
            Some(
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
            )
        }
        Some(_) => {
            reader
                .problems
                .push(format!("{name} must be an array of at most 100 strings"));
            None
        }
    }
}

/// Create an account.
#[utoipa::path(post, path = "/accounts",
    request_body = crate::openapi::CreateAccount,
    responses(
        (status = 200, description = "The new account", body = crate::views::Single<crate::views::AccountView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key", body = crate::openapi::ErrorBody),
        (status = 409, description = "An account has this external id", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn create(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = async {
        ctx.authorize_write()?;
        let body = read_fields(&req, payload, false).await?;
        let mut reader = Reader::new(&body);
        let name = reader.text("name");
        let domains = string_list(&mut reader, &body, "domains").unwrap_or_default();
        let tags = string_list(&mut reader, &body, "tags").unwrap_or_default();
        let external_ids = reader.external_ids().unwrap_or_default();
        let name = name.filter(|name| !name.is_empty());
        // A name that was refused (too long, not a string) has its own message already.
        let blank = body
            .get("name")
            .is_none_or(|value| value.as_str().is_some_and(|text| text.trim().is_empty()));
        if name.is_none() && blank {
            reader.problems.push("name is required".into());
        }
        let (Some(name), true) = (name, reader.problems.is_empty()) else {
            return Err(PylonError::Invalid(reader.problems));
        };
        let account = NewAccount {
            name,
            domains,
            tags,
            external_ids,
            ..NewAccount::default()
        };
        let request_id = ctx.request_id.clone();
        let answer = move |created: &(Account, Option<Contact>)| {
            views::single_rendered(views::account(&created.0), &request_id)
        };
        let created = ctx
            .run_answered(answer.clone(), move |directory| {
                directory.create_account(account, None)
            })
            .await?;
        Ok(answer(&created).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Update an account, by its id or external id: fields absent or null stay as they are.
#[utoipa::path(patch, path = "/accounts/{id}",
    params(("id" = String, Path, description = "The account's id or one of its external ids")),
    request_body = Option<crate::openapi::UpdateAccount>,
    responses(
        (status = 200, description = "The account as it now is", body = crate::views::Single<crate::views::AccountView>),
        (status = 400, description = "Invalid input, one message per problem", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key", body = crate::openapi::ErrorBody),
        (status = 404, description = "Account not found!", body = crate::openapi::ErrorBody),
        (status = 409, description = "Another account has one of these external ids", body = crate::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = crate::openapi::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn update(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = async {
        ctx.authorize_write()?;
        let key = AccountKey::UidOrExternalId(path.into_inner());
        let body = read_fields(&req, payload, false).await?;
        let mut reader = Reader::new(&body);
        let name = reader.text("name");
        if name.as_deref().is_some_and(str::is_empty) {
            reader.problems.push("name must not be empty".into());
        }
        let changes = AccountChanges {
            name,
            domains: string_list(&mut reader, &body, "domains"),
            tags: string_list(&mut reader, &body, "tags"),
            external_ids: reader.external_ids(),
            ..AccountChanges::default()
        };
        if !reader.problems.is_empty() {
            return Err(PylonError::Invalid(reader.problems));
        }
        let request_id = ctx.request_id.clone();
        let answer =
            move |result: &Account| views::single_rendered(views::account(result), &request_id);
        let updated = ctx
            .run_answered(answer.clone(), move |directory| {
                directory.update_account(&key, changes)
            })
            .await?;
        Ok(answer(&updated).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Delete an account, by its id or external id, and every contact of it.
#[utoipa::path(delete, path = "/accounts/{id}",
    params(("id" = String, Path, description = "The account's id or one of its external ids")),
    responses(
        (status = 200, description = "Deleted, with its contacts", body = crate::views::RequestIdOnly),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::ErrorBody),
        (status = 404, description = "Account not found!", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn delete(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        // Its contacts go with it, so it is a contact write.
        ctx.authorize_contact_write()?;
        let key = AccountKey::UidOrExternalId(path.into_inner());
        let request_id = ctx.request_id.clone();
        let answer = move |_: &Account| views::request_id_only_rendered(&request_id);
        let deleted = ctx
            .run_answered(answer.clone(), move |directory| {
                directory.delete_account(&key)
            })
            .await?;
        Ok(answer(&deleted).response())
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Who the key is.
#[utoipa::path(get, path = "/me",
    responses(
        (status = 200, description = "The calling key", body = crate::views::Single<crate::views::MeView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
    ),
)]
pub async fn me(ctx: Ctx) -> HttpResponse {
    let result = async {
        let caller = ctx.caller()?;
        let me = views::MeView {
            name: caller.key_name.clone(),
            read_only: caller.read_only,
        };
        Ok(views::single(me, &ctx.request_id))
    }
    .await;
    respond(&ctx.request_id, result)
}
