//! How a Workshop request names its contact (by id, or by external id with `external`), and the
//! `Workshop-Version` header.

use actix_web::HttpRequest;
use contacts_core::{ContactKey, CoreError, Entity, SyncSource};
use contacts_http::{query_pairs, Ctx, Fields};
use serde_json::Value;

use crate::error::WorkshopError;

const MUST_BE_BOOLEAN: &str = "must be a boolean";

/// Whether lists use the 1.0 wording (`"object": "list"`). The gateway speaks 1.0, 1.1 and 1.2
/// (the default). Minor versions only add, so a newer minor (`1.3`) is answered as 1.2; another major (`2.0`) or a value
/// that is not `MAJOR.MINOR` is refused.
pub fn speaks_1_0(req: &HttpRequest) -> Result<bool, WorkshopError> {
    let Some(value) = req.headers().get("workshop-version") else {
        return Ok(false);
    };
    let Ok(text) = value.to_str().map(str::trim) else {
        // Not visible ASCII: no version of ours.
        let shown = String::from_utf8_lossy(value.as_bytes());
        return Err(WorkshopError::UnknownVersion(
            shown.chars().take(20).collect(),
        ));
    };
    if text.is_empty() {
        // An empty header names no version: the default, as without one.
        return Ok(false);
    }
    match text.split_once('.') {
        Some(("1", minor)) if is_number(minor) => Ok(minor.trim_start_matches('0').is_empty()),
        _ => Err(WorkshopError::UnknownVersion(
            text.chars().take(20).collect(),
        )),
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 9 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// The `external` flag: a bare `?external`, or `true/false`, `1/0`, `yes/no`, `on/off` in any
/// letter case, in the query or the body (where a JSON boolean also serves). Python's
/// `requests` sends `external=True`. Anything else is a 422.
pub fn external_flag(req: &HttpRequest, body: &Fields) -> Result<bool, WorkshopError> {
    let from_query = match query_pairs(req)
        .into_iter()
        .rev()
        .find(|(key, _)| key == "external")
    {
        None => None,
        Some((_, value)) if value.is_empty() => Some(true),
        Some((_, value)) => Some(spelled_boolean(&value)?),
    };
    let from_body = match body.get("external") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(flag)) => Some(*flag),
        Some(Value::String(text)) => Some(spelled_boolean(text)?),
        Some(_) => return Err(WorkshopError::field("external", MUST_BE_BOOLEAN)),
    };
    Ok(from_query.or(from_body).unwrap_or(false))
}

fn spelled_boolean(text: &str) -> Result<bool, WorkshopError> {
    const TRUE: [&str; 4] = ["true", "1", "yes", "on"];
    const FALSE: [&str; 4] = ["false", "0", "no", "off"];
    if TRUE.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        Ok(true)
    } else if FALSE.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        Ok(false)
    } else {
        Err(WorkshopError::field("external", MUST_BE_BOOLEAN))
    }
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
