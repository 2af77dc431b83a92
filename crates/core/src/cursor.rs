//! Keyset cursors: base64url JSON holding the sort, the order, the last row's sort value and id
//! (and, for Workshop, the page size), so a deep page costs what the first one costs.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::query::{Order, SortKey};

/// The last row's value of the sort key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: SortKey,
    pub order: Order,
    pub value: SortValue,
    pub id: i64,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cursor is invalid")]
pub struct CursorError;

/// The wire form. Unknown fields are refused so that a cursor from elsewhere does not pass.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorJson {
    sort: String,
    order: String,
    value: SortValue,
    id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
}

/// Cursors are far smaller than this; anything longer is not one of ours.
const MAX_CURSOR_LEN: usize = 2048;

impl Cursor {
    pub fn encode(&self) -> String {
        let json = CursorJson {
            sort: self.sort.as_str().to_owned(),
            order: self.order.as_str().to_owned(),
            value: self.value.clone(),
            id: self.id,
            limit: self.limit,
        };
        // Serialising a struct of strings and integers cannot fail.
        let bytes = serde_json::to_vec(&json).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes and checks a cursor: known sort and order, a value of the sort's type, a positive id.
    pub fn decode(text: &str) -> Result<Cursor, CursorError> {
        if text.is_empty() || text.len() > MAX_CURSOR_LEN {
            return Err(CursorError);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .or_else(|_| URL_SAFE.decode(text))
            .map_err(|_| CursorError)?;
        let json: CursorJson = serde_json::from_slice(&bytes).map_err(|_| CursorError)?;
        let sort = SortKey::parse(&json.sort).ok_or(CursorError)?;
        let order = Order::parse(&json.order).ok_or(CursorError)?;
        let value_fits_sort = match (&json.value, sort) {
            (SortValue::Int(value), SortKey::Id) => *value == json.id,
            (SortValue::Text(_), SortKey::Id) => false,
            (SortValue::Text(_), _) => true,
            (SortValue::Int(_), _) => false,
        };
        if !value_fits_sort || json.id < 1 || json.limit == Some(0) {
            return Err(CursorError);
        }
        Ok(Cursor {
            sort,
            order,
            value: json.value,
            id: json.id,
            limit: json.limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_name() -> Cursor {
        Cursor {
            sort: SortKey::Name,
            order: Order::Asc,
            value: SortValue::Text("jane doe".into()),
            id: 42,
            limit: Some(50),
        }
    }

    #[test]
    fn round_trips() {
        let cursor = by_name();
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        let by_id = Cursor {
            sort: SortKey::Id,
            order: Order::Desc,
            value: SortValue::Int(7),
            id: 7,
            limit: None,
        };
        assert_eq!(Cursor::decode(&by_id.encode()), Ok(by_id));
    }

    #[test]
    fn starts_like_workshops_example() {
        // Workshop's docs show cursors starting `eyJzb3J0IjoibmFtZSIsIm9yZGVyIjoiY`.
        assert!(by_name()
            .encode()
            .starts_with("eyJzb3J0IjoibmFtZSIsIm9yZGVyIjoiY"));
    }

    fn encode_raw(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json.as_bytes())
    }

    #[test]
    fn rejects_tampered_and_foreign_cursors() {
        let good = by_name().encode();
        let mut flipped = good.clone().into_bytes();
        flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        let cases = [
            "".to_owned(),
            "not base64 !!".to_owned(),
            flipped,
            good[..good.len() - 4].to_owned(),
            encode_raw("[1,2,3]"),
            encode_raw(r#"{"sort":"password","order":"asc","value":"a","id":1}"#),
            encode_raw(r#"{"sort":"name","order":"sideways","value":"a","id":1}"#),
            encode_raw(r#"{"sort":"name","order":"asc","value":5,"id":1}"#),
            encode_raw(r#"{"sort":"id","order":"asc","value":5,"id":6}"#),
            encode_raw(r#"{"sort":"name","order":"asc","value":"a","id":-1}"#),
            encode_raw(r#"{"sort":"name","order":"asc","value":"a","id":1,"limit":0}"#),
            encode_raw(r#"{"sort":"name","order":"asc","value":"a","id":1,"admin":true}"#),
            "A".repeat(5000),
        ];
        for case in cases {
            assert_eq!(Cursor::decode(&case), Err(CursorError), "accepted {case:?}");
        }
    }
}
