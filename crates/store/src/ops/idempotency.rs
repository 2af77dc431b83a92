//! Idempotency-Key records: claiming a key, storing a write's answer in the write's own
//! transaction, forgetting a claim whose request changed nothing, and pruning old keys.

use contacts_core::idempotency::{Claim, StoredResponse};
use contacts_core::{CoreError, Timestamp};
use diesel::prelude::*;

use super::Conn;
use crate::error::db;
use crate::schema::idempotency_keys;

const PENDING: &str = "pending";
const DONE: &str = "done";

type Record = (
    String,
    String,
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
);

pub fn claim(
    conn: &mut Conn,
    api_key: &str,
    key: &str,
    fingerprint: &str,
    lease_until: &Timestamp,
) -> Result<Claim, CoreError> {
    let now = Timestamp::now().to_text();
    let found: Option<Record> = idempotency_keys::table
        .find((api_key, key))
        .select((
            idempotency_keys::fingerprint,
            idempotency_keys::state,
            idempotency_keys::lease_until,
            idempotency_keys::status,
            idempotency_keys::location,
            idempotency_keys::body,
        ))
        .first(conn)
        .optional()
        .map_err(db)?;
    let Some((stored_fingerprint, state, lease, status, location, body)) = found else {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::api_key.eq(api_key),
                idempotency_keys::key.eq(key),
                idempotency_keys::fingerprint.eq(fingerprint),
                idempotency_keys::state.eq(PENDING),
                idempotency_keys::lease_until.eq(lease_until.to_text()),
                idempotency_keys::created_at.eq(&now),
            ))
            .execute(conn)
            .map_err(db)?;
        return Ok(Claim::Claimed);
    };
    if stored_fingerprint != fingerprint {
        return Ok(Claim::Mismatch);
    }
    match (state.as_str(), status) {
        (DONE, Some(status)) => Ok(Claim::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(500),
            location,
            body: body.unwrap_or_default().into_bytes(),
        })),
        // Its request never committed and its lease ran out: this request takes it over.
        (PENDING, _) if lease < now => {
            diesel::update(idempotency_keys::table.find((api_key, key)))
                .set(idempotency_keys::lease_until.eq(lease_until.to_text()))
                .execute(conn)
                .map_err(db)?;
            Ok(Claim::Claimed)
        }
        _ => Ok(Claim::InFlight),
    }
}

/// Stores the answer of the write that is committing (called inside its transaction). Only a
/// pending claim takes it: a second write of the same request leaves the first answer.
pub fn complete(
    conn: &mut Conn,
    api_key: &str,
    key: &str,
    response: &StoredResponse,
) -> Result<(), CoreError> {
    diesel::update(
        idempotency_keys::table
            .find((api_key, key))
            .filter(idempotency_keys::state.eq(PENDING)),
    )
    .set((
        idempotency_keys::state.eq(DONE),
        idempotency_keys::status.eq(Some(i32::from(response.status))),
        idempotency_keys::location.eq(&response.location),
        idempotency_keys::body.eq(Some(String::from_utf8_lossy(&response.body).into_owned())),
    ))
    .execute(conn)
    .map_err(db)?;
    Ok(())
}

pub fn release(conn: &mut Conn, api_key: &str, key: &str) -> Result<(), CoreError> {
    diesel::delete(
        idempotency_keys::table
            .find((api_key, key))
            .filter(idempotency_keys::state.eq(PENDING)),
    )
    .execute(conn)
    .map_err(db)?;
    Ok(())
}

pub fn prune(conn: &mut Conn, before: &Timestamp) -> Result<u64, CoreError> {
    let gone = diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::created_at.lt(before.to_text())),
    )
    .execute(conn)
    .map_err(db)?;
    Ok(gone as u64)
}
