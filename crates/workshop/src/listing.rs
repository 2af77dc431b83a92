//! `GET /v1/contacts`: keyset pages sorted by name or creation time; `next` carries only a
//! cursor, which remembers the sort, the order and the page size.

use actix_web::{HttpRequest, HttpResponse};
use contacts_core::validate::name_sort_key;
use contacts_core::{Contact, Cursor, KeysetPage, Order, SortKey, SortValue};
use contacts_http::{query_pairs, Ctx};

use crate::error::{respond, FieldErrors, WorkshopError};
use crate::lookup::speaks_1_0;
use crate::views;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;

fn sort_value(contact: &Contact, sort: SortKey) -> SortValue {
    match sort {
        SortKey::CreatedAt => SortValue::Text(contact.created_at.to_text()),
        _ => SortValue::Text(name_sort_key(&contact.first_name, &contact.last_name)),
    }
}

/// The page the query asks for, or every problem with it.
fn page_request(pairs: &[(String, String)]) -> Result<KeysetPage, FieldErrors> {
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    };
    let mut errors = FieldErrors::new();
    let mut problem = |field: &str, message: &str| {
        errors
            .entry(field.to_owned())
            .or_default()
            .push(message.to_owned())
    };
    let cursor = match get("cursor").filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => match Cursor::decode(text) {
            Ok(cursor)
                if matches!(cursor.sort, SortKey::Name | SortKey::CreatedAt)
                    && cursor.limit.is_some_and(|l| l <= MAX_LIMIT) =>
            {
                Some(cursor)
            }
            _ => {
                problem("cursor", "is invalid");
                None
            }
        },
    };
    let limit = match get("limit") {
        None => cursor
            .as_ref()
            .and_then(|c| c.limit)
            .unwrap_or(DEFAULT_LIMIT),
        Some(text) => match text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
        {
            Some(limit) => limit,
            None => {
                problem("limit", "must be an integer between 1 and 100");
                DEFAULT_LIMIT
            }
        },
    };
    let sort = match (get("sort"), &cursor) {
        (Some("name"), _) => SortKey::Name,
        (Some("created_at"), _) => SortKey::CreatedAt,
        (Some(_), _) => {
            problem("sort", "must be one of name, created_at");
            SortKey::Name
        }
        (None, Some(cursor)) => cursor.sort,
        (None, None) => SortKey::Name,
    };
    let order = match (get("order"), &cursor) {
        (Some("asc"), _) => Order::Asc,
        (Some("desc"), _) => Order::Desc,
        (Some(_), _) => {
            problem("order", "must be one of asc, desc");
            Order::Asc
        }
        (None, Some(cursor)) => cursor.order,
        (None, None) => Order::Asc,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    // A cursor only continues the walk it came from.
    let after = cursor
        .filter(|cursor| cursor.sort == sort && cursor.order == order)
        .map(|cursor| (cursor.value, cursor.id));
    Ok(KeysetPage {
        filter: None,
        sort,
        order,
        limit,
        after,
    })
}

/// List contacts.
#[utoipa::path(
    get,
    path = "/contacts",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Page size, default 50"),
        ("cursor" = Option<String>, Query, description = "From a previous page's `next`"),
        ("sort" = Option<String>, Query, pattern = "^(name|created_at)$", description = "`name` (default) or `created_at`"),
        ("order" = Option<String>, Query, pattern = "^(asc|desc)$", description = "`asc` (default) or `desc`"),
        ("Workshop-Version" = Option<String>, Header, pattern = r"^(|1\.[0-9]{1,9})$", description = "`1.0` lists say `list`; 1.1, 1.2 (the default) and any later minor of 1 say `array`"),
    ),
    responses(
        (status = 200, description = "A page of contact summaries", body = crate::views::ContactPage),
        (status = 400, description = "Unknown Workshop-Version", body = crate::openapi::ErrorBody),
        (status = 401, description = "Missing or invalid key", body = crate::openapi::ErrorBody),
        (status = 422, description = "Bad limit, sort, order or cursor", body = crate::openapi::FieldErrorBody),
    ),
)]
pub async fn list(ctx: Ctx, req: HttpRequest) -> HttpResponse {
    let result = async {
        let legacy = speaks_1_0(&req)?;
        let page = page_request(&query_pairs(&req)).map_err(WorkshopError::Invalid)?;
        let (sort, order, limit) = (page.sort, page.order, page.limit);
        let mut query = page;
        query.limit = limit + 1;
        let mut contacts = ctx.page_after(query).await?;
        let has_more = contacts.len() > limit as usize;
        contacts.truncate(limit as usize);
        let base = views::base(&req);
        let next = match (has_more, contacts.last()) {
            (true, Some(last)) => {
                let cursor = Cursor {
                    sort,
                    order,
                    value: sort_value(last, sort),
                    id: last.id,
                    limit: Some(limit),
                };
                Some(format!("{base}/contacts?cursor={}", cursor.encode()))
            }
            _ => None,
        };
        let data: Vec<views::ContactSummary> = contacts
            .iter()
            .map(|contact| views::summary(contact, &base))
            .collect();
        Ok(HttpResponse::Ok().json(views::ContactPage {
            object: if legacy { "list" } else { "array" },
            has_more,
            next,
            limit,
            size: data.len(),
            data,
        }))
    }
    .await;
    respond(&ctx.request_id, result)
}
