//! `/api/clients`: list, show, create (with its account-owner contact) and update.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use contacts_core::account::Address;
use contacts_core::{
    Account, AccountChanges, AccountKey, AccountQuery, AccountSort, Contact, CoreError, Entity,
    NewAccount, NewContact, Order,
};
use contacts_http::{query_pairs, read_body, Ctx};

use crate::contacts::{email_taken, new_password, welcome_email};
use crate::error::{respond, FieldErrors, GrowError};
use crate::input::{selected_invalid_message, taken_message, Input};
use crate::listing;
use crate::views::{self, DEFAULT_CATEGORY};

pub(crate) fn client_key(raw: &str) -> Result<AccountKey, GrowError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(AccountKey::Id)
        .ok_or(GrowError::from(CoreError::NotFound(Entity::Account)))
}

/// List clients.
#[utoipa::path(get, path = "/clients",
    params(
        ("status" = Option<String>, Query),
        ("category_id" = Option<String>, Query, description = "A category id; a value no category has finds nothing"),
        ("search" = Option<String>, Query),
        ("sort" = Option<String>, Query, pattern = "^(|client_company_name|client_status|client_created|client_updated)$"),
        ("order" = Option<String>, Query, pattern = "^(|asc|desc)$"),
        ("limit" = Option<String>, Query, description = "An integer: default 25, capped at 100; anything else means 25"),
        ("page" = Option<String>, Query, description = "An integer: default 1; anything below 1 or not a number means 1"),
    ),
    responses(
        (status = 200, description = "Clients retrieved successfully.", body = crate::views::ListPage<crate::views::ClientView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn list(ctx: Ctx, req: HttpRequest) -> HttpResponse {
    let result = async {
        let pairs = query_pairs(&req);
        let mut errors = FieldErrors::default();
        let sort = listing::choice(
            &pairs,
            "sort",
            &[
                ("client_company_name", AccountSort::Name),
                ("client_status", AccountSort::Status),
                ("client_created", AccountSort::CreatedAt),
                ("client_updated", AccountSort::UpdatedAt),
            ],
            AccountSort::Id,
            &mut errors,
        );
        let order = listing::order(&pairs, Order::Desc, &mut errors);
        let status = listing::filter(&pairs, "status", &mut errors).map(str::to_owned);
        // A category id that is not a number matches no client.
        let category_id = listing::filter(&pairs, "category_id", &mut errors)
            .map(|text| text.parse::<i64>().unwrap_or(-1));
        let search = listing::filter(&pairs, "search", &mut errors).map(str::to_owned);
        if !errors.is_empty() {
            return Err(GrowError::Invalid(errors));
        }
        let limit = listing::limit(&pairs);
        let page_number = listing::page(&pairs);
        let query = AccountQuery {
            status,
            category_id,
            search,
            sort,
            order,
            limit,
            offset: listing::offset(page_number, limit),
            after_id: None,
        };
        let (accounts, total) = ctx
            .run(move |directory| directory.list_accounts(&query))
            .await?;
        let data = accounts.iter().map(views::client).collect();
        Ok(views::page(
            data,
            page_number,
            limit,
            total,
            "Clients retrieved successfully.",
        ))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// Get a client.
#[utoipa::path(get, path = "/clients/{id}",
    params(("id" = i64, Path, minimum = 1, description = "The client id")),
    responses(
        (status = 200, description = "Client retrieved successfully.", body = crate::views::Item<crate::views::ClientView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 404, description = "Client not found.", body = crate::openapi::MessageBody),
    ),
)]
pub async fn show(ctx: Ctx, path: web::Path<String>) -> HttpResponse {
    let result = async {
        let key = client_key(&path)?;
        let account = ctx
            .run(move |directory| directory.get_account(&key))
            .await?;
        Ok(views::item(
            StatusCode::OK,
            views::client(&account),
            "Client retrieved successfully.",
        ))
    }
    .await;
    respond(&ctx.request_id, result)
}

/// The optional `client_*` fields shared by create and update.
struct ClientFields {
    description: Option<Option<String>>,
    phone: Option<Option<String>>,
    website: Option<Option<String>>,
    vat: Option<Option<String>>,
    category_id: Option<Option<i64>>,
    billing: Option<Address>,
    invoice_due_days: Option<Option<i64>>,
    tags: Option<Vec<String>>,
}

fn read_client_fields(input: &mut Input) -> ClientFields {
    let billing_keys =
        ["street", "city", "state", "zip", "country"].map(|part| format!("client_billing_{part}"));
    let any_billing = billing_keys.iter().any(|key| input.is_present(key));
    let mut part = |index: usize| input.optional(&billing_keys[index]).flatten();
    let billing = Address {
        street: part(0),
        city: part(1),
        state: part(2),
        zip: part(3),
        country: part(4),
    };
    let category_id = input.optional_integer("client_categoryid");
    if let Some(Some(category)) = category_id {
        if category != DEFAULT_CATEGORY.0 {
            input.errors.add(
                "client_categoryid",
                selected_invalid_message("client_categoryid"),
            );
        }
    }
    ClientFields {
        description: input.optional("client_description"),
        phone: input.optional("client_phone"),
        website: input.optional("client_website"),
        vat: input.optional("client_vat"),
        category_id,
        billing: any_billing.then_some(billing),
        invoice_due_days: input.optional_integer("client_billing_invoice_due_days"),
        tags: input.tags("tags"),
    }
}

/// Create a client and its account-owner contact.
#[utoipa::path(post, path = "/clients",
    request_body(content = crate::openapi::CreateClient, description = "JSON; form data with `tags[]=` is read too"),
    responses(
        (status = 201, description = "Client created successfully.", body = crate::views::Item<crate::views::ClientView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn create(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let result = create_client(&ctx, &req, payload).await;
    respond(&ctx.request_id, result)
}

async fn create_client(
    ctx: &Ctx,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, GrowError> {
    // Creating a client creates its owner contact, so it is a contact write.
    ctx.authorize_contact_write()?;
    let body = read_body(req, payload, true).await?;
    let mut input = Input::new(&body, &crate::openapi::rules::CREATE_CLIENT);
    let first_name = input.required("first_name");
    let last_name = input.required("last_name");
    let email = input.required_email("email");
    let company_name = input.optional("client_company_name").flatten();
    let extra = read_client_fields(&mut input);
    let send_email = input.yes("send_email");
    let mut errors = input.errors;
    let answer = |created: &(Account, Option<Contact>)| {
        views::item_rendered(
            StatusCode::CREATED,
            views::client(&created.0),
            "Client created successfully.",
        )
    };
    let created = ctx
        .run_answered(answer, move |directory| {
            if let Some(email) = &email {
                if email_taken(directory, email, None)? {
                    errors.add("email", taken_message("email"));
                }
            }
            let (Some(first_name), Some(last_name), Some(email), true) =
                (first_name, last_name, email, errors.is_empty())
            else {
                return Ok(Err(errors));
            };
            let mut owner = NewContact::named(first_name, last_name);
            // As for contacts: a password only when the welcome email sends it.
            if send_email {
                let (password, password_hash) = new_password(7)?;
                owner.welcome_email = Some(welcome_email(&owner.first_name, &email, &password));
                owner.password_hash = Some(password_hash);
            }
            owner.email = Some(email);
            let account = NewAccount {
                name: company_name.unwrap_or_else(|| owner_name(&owner)),
                description: extra.description.flatten(),
                phone: extra.phone.flatten(),
                website: extra.website.flatten(),
                vat: extra.vat.flatten(),
                category_id: extra.category_id.flatten(),
                billing: extra.billing.unwrap_or_default(),
                invoice_due_days: extra.invoice_due_days.flatten(),
                tags: extra.tags.unwrap_or_default(),
                domains: Vec::new(),
                external_ids: Vec::new(),
            };
            directory.create_account(account, Some(owner)).map(Ok)
        })
        .await?
        .map_err(GrowError::Invalid)?;
    Ok(answer(&created).response())
}

fn owner_name(owner: &NewContact) -> String {
    contacts_core::validate::join_name(&owner.first_name, &owner.last_name)
}

/// Update a client.
#[utoipa::path(patch, path = "/clients/{id}",
    params(("id" = i64, Path, minimum = 1, description = "The client id")),
    request_body(content = crate::openapi::UpdateClient, description = "JSON; form data with `tags[]=` is read too"),
    responses(
        (status = 200, description = "Client updated successfully.", body = crate::views::Item<crate::views::ClientView>),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::MessageBody),
        (status = 400, description = "Malformed body", body = crate::openapi::MessageBody),
        (status = 403, description = "Read-only key, or the API is not the sync source", body = crate::openapi::MessageBody),
        (status = 413, description = "Body too large", body = crate::openapi::MessageBody),
        (status = 415, description = "Neither JSON, form data nor multipart", body = crate::openapi::MessageBody),
        (status = 404, description = "Client not found.", body = crate::openapi::MessageBody),
        (status = 422, description = "The given data was invalid.", body = crate::openapi::ValidationBody),
    ),
)]
pub async fn update(
    ctx: Ctx,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let result = update_client(&ctx, &req, &path, payload).await;
    respond(&ctx.request_id, result)
}

async fn update_client(
    ctx: &Ctx,
    req: &HttpRequest,
    raw_id: &str,
    payload: web::Payload,
) -> Result<HttpResponse, GrowError> {
    ctx.authorize_write()?;
    let key = client_key(raw_id)?;
    let body = read_body(req, payload, true).await?;
    let mut input = Input::new(&body, &crate::openapi::rules::UPDATE_CLIENT);
    let name = input.required("client_company_name");
    let extra = read_client_fields(&mut input);
    let errors = input.errors;
    let answer = |updated: &Account| {
        views::item_rendered(
            StatusCode::OK,
            views::client(updated),
            "Client updated successfully.",
        )
    };
    let account = ctx
        .run_answered(answer, move |directory| {
            directory.get_account(&key)?;
            let (Some(name), true) = (name, errors.is_empty()) else {
                return Ok(Err(errors));
            };
            let changes = AccountChanges {
                name: Some(name),
                description: extra.description,
                phone: extra.phone,
                website: extra.website,
                vat: extra.vat,
                category_id: extra.category_id.flatten(),
                billing: extra.billing,
                invoice_due_days: extra.invoice_due_days,
                tags: extra.tags,
                ..AccountChanges::default()
            };
            directory.update_account(&key, changes).map(Ok)
        })
        .await?
        .map_err(GrowError::Invalid)?;
    Ok(answer(&account).response())
}
