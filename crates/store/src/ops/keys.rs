//! API keys at rest: name, SHA-256 of the key, read-only flag, creation and revocation times.

use super::Conn;
use contacts_core::{Conflict, CoreError, Entity, KeyRecord, RateLimit, Timestamp};
use diesel::prelude::*;

use crate::error::db;
use crate::schema::api_keys::dsl;

type KeyColumns = (
    String,
    bool,
    String,
    Option<String>,
    Option<i32>,
    Option<i32>,
);

fn record((name, read_only, created_at, revoked_at, per_second, burst): KeyColumns) -> KeyRecord {
    let rate_limit = match (per_second, burst) {
        (Some(per_second), Some(burst)) => Some(RateLimit {
            per_second: u32::try_from(per_second).unwrap_or(0),
            burst: u32::try_from(burst).unwrap_or(0),
        }),
        _ => None,
    };
    KeyRecord {
        name,
        read_only,
        created_at: Timestamp::parse(&created_at).unwrap_or_else(Timestamp::now),
        revoked_at: revoked_at.as_deref().and_then(Timestamp::parse),
        rate_limit,
    }
}

const COLUMNS: (
    dsl::name,
    dsl::read_only,
    dsl::created_at,
    dsl::revoked_at,
    dsl::rate_limit_per_second,
    dsl::rate_limit_burst,
) = (
    dsl::name,
    dsl::read_only,
    dsl::created_at,
    dsl::revoked_at,
    dsl::rate_limit_per_second,
    dsl::rate_limit_burst,
);

/// A limit as stored: SQLite integers are signed, and a limit past `i32::MAX` a second is
/// no limit at all.
fn stored(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub fn create(
    conn: &mut Conn,
    name: &str,
    key_hash: &str,
    read_only: bool,
    rate_limit: Option<RateLimit>,
) -> Result<KeyRecord, CoreError> {
    let taken: i64 = dsl::api_keys
        .filter(dsl::name.eq(name))
        .count()
        .get_result(conn)
        .map_err(db)?;
    if taken > 0 {
        return Err(CoreError::Conflict(Conflict::KeyNameTaken));
    }
    diesel::insert_into(dsl::api_keys)
        .values((
            dsl::name.eq(name),
            dsl::key_hash.eq(key_hash),
            dsl::read_only.eq(read_only),
            dsl::created_at.eq(Timestamp::now().to_text()),
            dsl::rate_limit_per_second.eq(rate_limit.map(|limit| stored(limit.per_second))),
            dsl::rate_limit_burst.eq(rate_limit.map(|limit| stored(limit.burst))),
        ))
        .returning(COLUMNS)
        .get_result::<KeyColumns>(conn)
        .map(record)
        .map_err(db)
}

pub fn list(conn: &mut Conn) -> Result<Vec<KeyRecord>, CoreError> {
    let rows: Vec<KeyColumns> = dsl::api_keys
        .order(dsl::id.asc())
        .select(COLUMNS)
        .load(conn)
        .map_err(db)?;
    Ok(rows.into_iter().map(record).collect())
}

pub fn revoke(conn: &mut Conn, name: &str) -> Result<KeyRecord, CoreError> {
    let found: Option<KeyColumns> = dsl::api_keys
        .filter(dsl::name.eq(name))
        .select(COLUMNS)
        .first(conn)
        .optional()
        .map_err(db)?;
    let Some(found) = found else {
        return Err(CoreError::NotFound(Entity::ApiKey));
    };
    if found.3.is_some() {
        return Ok(record(found));
    }
    diesel::update(dsl::api_keys.filter(dsl::name.eq(name)))
        .set(dsl::revoked_at.eq(Timestamp::now().to_text()))
        .returning(COLUMNS)
        .get_result::<KeyColumns>(conn)
        .map(record)
        .map_err(db)
}

pub fn find_live(conn: &mut Conn, key_hash: &str) -> Result<Option<KeyRecord>, CoreError> {
    let found: Option<KeyColumns> = dsl::api_keys
        .filter(dsl::key_hash.eq(key_hash))
        .filter(dsl::revoked_at.is_null())
        .select(COLUMNS)
        .first(conn)
        .optional()
        .map_err(db)?;
    Ok(found.map(record))
}

pub fn count(conn: &mut Conn) -> Result<i64, CoreError> {
    dsl::api_keys.count().get_result(conn).map_err(db)
}
