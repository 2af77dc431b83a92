//! The sandbox's reset: the directory emptied in one transaction (contacts, accounts and all
//! that hangs off them, the change feed, `Idempotency-Key` records, the outbox and the record
//! of imports), keys and webhook endpoints kept.

use contacts_core::CoreError;
use diesel::prelude::*;

use super::Conn;
use crate::error::db;
use crate::schema::{
    account_external_ids, accounts, contact_attributes, contact_emails, contact_external_ids,
    contact_phones, contacts, events, idempotency_keys, import_runs, outbox,
};

/// Empties the directory; answers how many contacts (live or not) it held.
pub fn empty_directory(conn: &mut Conn) -> Result<u64, CoreError> {
    diesel::delete(contact_attributes::table)
        .execute(conn)
        .map_err(db)?;
    diesel::delete(contact_external_ids::table)
        .execute(conn)
        .map_err(db)?;
    diesel::delete(contact_phones::table)
        .execute(conn)
        .map_err(db)?;
    diesel::delete(contact_emails::table)
        .execute(conn)
        .map_err(db)?;
    // The triggers keep the search index, the live count and the list version in step.
    let gone = diesel::delete(contacts::table).execute(conn).map_err(db)?;
    diesel::delete(account_external_ids::table)
        .execute(conn)
        .map_err(db)?;
    diesel::delete(accounts::table).execute(conn).map_err(db)?;
    diesel::delete(events::table).execute(conn).map_err(db)?;
    diesel::delete(idempotency_keys::table)
        .execute(conn)
        .map_err(db)?;
    diesel::delete(outbox::table).execute(conn).map_err(db)?;
    diesel::delete(import_runs::table)
        .execute(conn)
        .map_err(db)?;
    Ok(gone as u64)
}
