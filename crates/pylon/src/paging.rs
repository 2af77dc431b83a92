//! Pylon's pagination: `limit` 1–999 (default 100) and opaque id cursors; the last page says
//! `has_next_page: false` with an empty cursor.

use contacts_core::{Cursor, Order, SortKey, SortValue};
use serde_json::Value;

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 999;
pub const LIMIT_MESSAGE: &str = "limit must be an integer greater than 0 and less than 1000";
pub const CURSOR_MESSAGE: &str = "cursor is invalid";

/// `limit` from a JSON body value.
pub fn limit_from_json(value: Option<&Value>, problems: &mut Vec<String>) -> u32 {
    match value {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(Value::Number(number)) => match number
            .as_u64()
            .filter(|n| (1..=u64::from(MAX_LIMIT)).contains(n))
        {
            Some(limit) => limit as u32,
            None => {
                problems.push(LIMIT_MESSAGE.into());
                DEFAULT_LIMIT
            }
        },
        Some(_) => {
            problems.push(LIMIT_MESSAGE.into());
            DEFAULT_LIMIT
        }
    }
}

/// `limit` from a query parameter.
pub fn limit_from_query(value: Option<&str>, problems: &mut Vec<String>) -> u32 {
    match value {
        None => DEFAULT_LIMIT,
        Some(text) => match text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
        {
            Some(limit) => limit,
            None => {
                problems.push(LIMIT_MESSAGE.into());
                DEFAULT_LIMIT
            }
        },
    }
}

/// The id after which the page starts; an empty cursor is the first page.
pub fn after_id(cursor: Option<&str>, problems: &mut Vec<String>) -> Option<i64> {
    let text = cursor.map(str::trim).filter(|text| !text.is_empty())?;
    match Cursor::decode(text) {
        Ok(cursor) if cursor.sort == SortKey::Id && cursor.order == Order::Asc => Some(cursor.id),
        _ => {
            problems.push(CURSOR_MESSAGE.into());
            None
        }
    }
}

/// The cursor that continues after `last_id`.
pub fn cursor_after(last_id: i64) -> String {
    Cursor {
        sort: SortKey::Id,
        order: Order::Asc,
        value: SortValue::Int(last_id),
        id: last_id,
        limit: None,
    }
    .encode()
}
