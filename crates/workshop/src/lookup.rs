//! How a Workshop request names its contact (by id, or by external id with `external`), and the
//! `Workshop-Version` header.

use actix_web::HttpRequest;
use contacts_core::{ContactKey, CoreError, Entity, SyncSource};
use contacts_http::{query_pairs, Ctx, Fields};
use serde_json::Value;

use crate::error::WorkshopError;

const MUST_BE_BOOLEAN: &str = "must be a boolean";

/// The versions the gateway speaks; the newest is the default.
const VERSIONS: [&str; 3] = ["1.0", "1.1", "1.2"];

/// Whether lists use the 1.0 wording (`"object": "list"`).
pub fn speaks_1_0(req: &HttpRequest) -> Result<bool, WorkshopError> {
    let Some(value) = req.headers().get("workshop-version") else {
        return Ok(false);
    };
    let text = value.to_str().unwrap_or("").trim();
    if VERSIONS.contains(&text) {
        Ok(text == "1.0")
    } else {
        Err(WorkshopError::UnknownVersion(
            text.chars().take(20).collect(),
        ))
    }
}

/// The `external` flag: a bare `?external`, `?external=true|false|1|0`, or a JSON boolean in
/// the body. Anything else is a 422.
pub fn external_flag(req: &HttpRequest, body: &Fields) -> Result<bool, WorkshopError> {
    let from_query = match query_pairs(req)
        .into_iter()
        .rev()
        .find(|(key, _)| key == "external")
    {
        None => None,
        Some((_, value)) => match value.as_str() {
            "" | "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => return Err(WorkshopError::field("external", MUST_BE_BOOLEAN)),
        },
    };
    let from_body = match body.get("external") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(flag)) => Some(*flag),
        Some(_) => return Err(WorkshopError::field("external", MUST_BE_BOOLEAN)),
    };
    Ok(from_query.or(from_body).unwrap_or(false))
}

/// The contact the path names. External look-ups find only contacts the API synced, and none
/// at all when the API is not the sync source (404, as Workshop documents).
pub fn contact_key(ctx: &Ctx, raw_id: &str, external: bool) -> Result<ContactKey, WorkshopError> {
    if external {
        if !ctx.gateway.sync_source().is_api() {
            return Err(CoreError::NotFound(Entity::Contact).into());
        }
        return Ok(ContactKey::External {
            external_id: raw_id.to_owned(),
            only_source: Some(SyncSource::API.to_owned()),
        });
    }
    if uuid_shaped(raw_id) {
        Ok(ContactKey::Uid(raw_id.to_ascii_lowercase()))
    } else {
        Err(CoreError::NotFound(Entity::Contact).into())
    }
}

fn uuid_shaped(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(index, ch)| match index {
            8 | 13 | 18 | 23 => ch == '-',
            _ => ch.is_ascii_hexdigit(),
        })
}
