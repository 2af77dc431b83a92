//! The bulk path: many accounts and contacts in a few large transactions, for seeding and
//! benchmarks. It trusts its input to be unique (it skips the per-row conflict checks the API
//! path makes); the unique indexes still refuse a duplicate, rolling back the whole batch.

use super::Conn;
use contacts_core::validate::name_sort_key;
use contacts_core::{CoreError, NewContact, Timestamp};
use diesel::prelude::*;

use super::contact_rows::attribute_rows;
use crate::error::db;
use crate::schema::{accounts, contact_attributes, contact_external_ids, contact_phones, contacts};

/// Rows per INSERT statement: well under SQLite's limit of bound variables.
const CHUNK: usize = 1000;

/// Creates accounts with these names; answers their ids in order.
pub fn insert_accounts(conn: &mut Conn, names: &[String]) -> Result<Vec<i64>, CoreError> {
    let now = Timestamp::now().to_text();
    let mut ids = Vec::with_capacity(names.len());
    for chunk in names.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|name| {
                (
                    accounts::uid.eq(uuid::Uuid::new_v4().to_string()),
                    accounts::name.eq(name),
                    accounts::created_at.eq(&now),
                    accounts::updated_at.eq(&now),
                )
            })
            .collect();
        let mut inserted: Vec<i64> = diesel::insert_into(accounts::table)
            .values(&rows)
            .returning(accounts::id)
            .get_results(conn)
            .map_err(db)?;
        ids.append(&mut inserted);
    }
    Ok(ids)
}

/// Inserts contacts (with account ids already resolved by the caller) in one transaction.
pub fn insert_contacts(
    conn: &mut Conn,
    batch: Vec<(NewContact, Option<i64>)>,
) -> Result<usize, CoreError> {
    let now = Timestamp::now().to_text();
    for chunk in batch.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(contact, account_id)| {
                (
                    contacts::uid.eq(uuid::Uuid::new_v4().to_string()),
                    contacts::name_key.eq(name_sort_key(&contact.first_name, &contact.last_name)),
                    contacts::first_name.eq(&contact.first_name),
                    contacts::last_name.eq(&contact.last_name),
                    contacts::email.eq(&contact.email),
                    contacts::email_key
                        .eq(contact.email.as_ref().map(|email| email.to_lowercase())),
                    contacts::phone.eq(contact.phones.first()),
                    contacts::account_id.eq(account_id),
                    contacts::source.eq(&contact.source),
                    contacts::created_at.eq(&now),
                    contacts::updated_at.eq(&now),
                )
            })
            .collect();
        let ids: Vec<i64> = diesel::insert_into(contacts::table)
            .values(&rows)
            .returning(contacts::id)
            .get_results(conn)
            .map_err(db)?;
        let mut phones = Vec::new();
        let mut externals = Vec::new();
        let mut attributes = Vec::new();
        for ((contact, _), id) in chunk.iter().zip(ids) {
            for (position, phone) in contact.phones.iter().enumerate() {
                phones.push((
                    contact_phones::contact_id.eq(id),
                    contact_phones::position.eq(position as i32),
                    contact_phones::phone.eq(phone.clone()),
                ));
            }
            for (position, external) in contact.external_ids.iter().enumerate() {
                externals.push((
                    contact_external_ids::contact_id.eq(id),
                    contact_external_ids::position.eq(position as i32),
                    contact_external_ids::external_id.eq(external.external_id.clone()),
                    contact_external_ids::label.eq(external.label.clone()),
                ));
            }
            for (key, value) in &contact.attributes {
                for (position, kind, text) in attribute_rows(value) {
                    attributes.push((
                        contact_attributes::contact_id.eq(id),
                        contact_attributes::key.eq(key.clone()),
                        contact_attributes::position.eq(position),
                        contact_attributes::kind.eq(kind),
                        contact_attributes::value.eq(text),
                    ));
                }
            }
        }
        for rows in phones.chunks(CHUNK) {
            diesel::insert_into(contact_phones::table)
                .values(rows)
                .execute(conn)
                .map_err(db)?;
        }
        for rows in externals.chunks(CHUNK) {
            diesel::insert_into(contact_external_ids::table)
                .values(rows)
                .execute(conn)
                .map_err(db)?;
        }
        for rows in attributes.chunks(CHUNK) {
            diesel::insert_into(contact_attributes::table)
                .values(rows)
                .execute(conn)
                .map_err(db)?;
        }
    }
    Ok(batch.len())
}

/// Makes each account without an owner owned by its first live contact (the sandbox's seed,
/// after the bulk inserts).
pub fn own_accounts_by_first_contact(conn: &mut Conn) -> Result<usize, CoreError> {
    diesel::sql_query(
        "UPDATE accounts SET owner_contact_id = (SELECT min(c.id) FROM contacts c \
         WHERE c.account_id = accounts.id AND c.deleted_at IS NULL) \
         WHERE owner_contact_id IS NULL AND deleted_at IS NULL",
    )
    .execute(conn)
    .map_err(db)
}
