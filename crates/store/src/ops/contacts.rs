//! Contact writes and single look-ups. Each write runs in one savepoint of the writer's batch
//! (tx.rs): it checks the uniqueness rules, writes every table it touches, and reads the result
//! back, or changes nothing.

use super::Conn;
use contacts_core::phone::keep_written_forms;
use contacts_core::validate::name_sort_key;
use contacts_core::{
    AttributeValue, Conflict, Contact, ContactChanges, ContactKey, CoreError, Entity, EventKind,
    ExternalId, NewContact, OutgoingEmail, Timestamp,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::accounts::resolve_account;
use super::contact_rows::{attribute_rows, load_contacts, AccountMemory, ContactRow};
use super::events;
use crate::error::db;
use crate::schema::{
    accounts, contact_attributes, contact_emails, contact_external_ids, contact_phones, contacts,
    outbox,
};
use crate::statement::Statement;

/// The id of the live contact `key` names.
pub fn resolve(conn: &mut Conn, key: &ContactKey) -> Result<i64, CoreError> {
    let live = contacts::table.filter(contacts::deleted_at.is_null());
    let found: Option<i64> = match key {
        ContactKey::Id(id) => live
            .filter(contacts::id.eq(id))
            .select(contacts::id)
            .first(conn)
            .optional(),
        ContactKey::Uid(uid) => live
            .filter(contacts::uid.eq(uid))
            .select(contacts::id)
            .first(conn)
            .optional(),
        ContactKey::External {
            external_id,
            only_source,
        } => {
            let mut query = live
                .inner_join(contact_external_ids::table)
                .filter(contact_external_ids::external_id.eq(external_id))
                .select(contacts::id)
                .into_boxed();
            if let Some(source) = only_source {
                query = query.filter(contacts::source.eq(source));
            }
            query.first(conn).optional()
        }
    }
    .map_err(db)?;
    found.ok_or(CoreError::NotFound(Entity::Contact))
}

/// The live contact with this key; its account from `memory` where that holds it.
pub(crate) fn get(
    conn: &mut Conn,
    key: &ContactKey,
    memory: Option<AccountMemory<'_>>,
) -> Result<Contact, CoreError> {
    let id = match key {
        // Loading the row already answers whether a live contact has this id.
        ContactKey::Id(id) => *id,
        _ => resolve(conn, key)?,
    };
    load_contacts(conn, &[id], memory)?
        .pop()
        .ok_or(CoreError::NotFound(Entity::Contact))
}

pub(crate) fn load_one(conn: &mut Conn, id: i64) -> Result<Contact, CoreError> {
    load_contacts(conn, &[id], None)?
        .pop()
        .ok_or(CoreError::NotFound(Entity::Contact))
}

/// Fails with the holder when a live contact other than `except` has this email.
pub(crate) fn ensure_email_free(
    conn: &mut Conn,
    email_key: &str,
    except: Option<i64>,
) -> Result<(), CoreError> {
    // Ids start at 1, so 0 excludes nothing; one static query shape keeps the statement cached.
    // Primary and secondary emails in one statement: one round trip per create on PostgreSQL.
    let except = except.unwrap_or(0);
    let holder: Option<Holder> = Statement::new(
        "SELECT id, uid FROM contacts WHERE deleted_at IS NULL AND email_key = ? AND id <> ? \
         UNION ALL \
         SELECT c.id, c.uid FROM contact_emails e JOIN contacts c ON c.id = e.contact_id \
         WHERE e.email_key = ? AND c.id <> ? \
         LIMIT 1",
    )
    .bind::<Text, _>(email_key.to_owned())
    .bind::<BigInt, _>(except)
    .bind::<Text, _>(email_key.to_owned())
    .bind::<BigInt, _>(except)
    .get_result(conn)
    .optional()
    .map_err(db)?;
    let holder = holder.map(|holder| (holder.id, holder.uid));
    match holder {
        Some((existing_id, existing_uid)) => Err(CoreError::Conflict(Conflict::EmailTaken {
            existing_id,
            existing_uid,
        })),
        None => Ok(()),
    }
}

#[derive(QueryableByName)]
struct Holder {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    uid: String,
}

/// Fails with the holder when a live contact other than `except` has one of these external ids.
pub(crate) fn ensure_external_ids_free(
    conn: &mut Conn,
    external_ids: &[String],
    except: Option<i64>,
) -> Result<(), CoreError> {
    if external_ids.is_empty() {
        return Ok(());
    }
    let mut query = contact_external_ids::table
        .inner_join(contacts::table)
        .filter(contact_external_ids::external_id.eq_any(external_ids))
        .select((contacts::id, contacts::uid))
        .into_boxed();
    if let Some(except) = except {
        query = query.filter(contacts::id.ne(except));
    }
    match query.first::<(i64, String)>(conn).optional().map_err(db)? {
        Some((existing_id, existing_uid)) => Err(CoreError::Conflict(Conflict::ExternalIdTaken {
            existing_id,
            existing_uid,
        })),
        None => Ok(()),
    }
}

/// Keeps the first of each repeated value, so a list cannot trip over its own uniqueness.
pub(crate) fn dedup_by<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !kept.iter().any(|seen| key(seen) == key(&item)) {
            kept.push(item);
        }
    }
    kept
}

pub(crate) fn replace_phones(
    conn: &mut Conn,
    contact_id: i64,
    phones: &[String],
) -> Result<(), CoreError> {
    diesel::delete(contact_phones::table.filter(contact_phones::contact_id.eq(contact_id)))
        .execute(conn)
        .map_err(db)?;
    insert_phones(conn, contact_id, phones)
}

/// The contact's phones, in order.
fn phones_of(conn: &mut Conn, contact_id: i64) -> Result<Vec<String>, CoreError> {
    contact_phones::table
        .filter(contact_phones::contact_id.eq(contact_id))
        .order(contact_phones::position)
        .select(contact_phones::phone)
        .load(conn)
        .map_err(db)
}

/// A new contact's phones (it has none to delete). Each child statement skipped here is a
/// round trip on PostgreSQL, where a create is a transaction of its own.
fn insert_phones(conn: &mut Conn, contact_id: i64, phones: &[String]) -> Result<(), CoreError> {
    if phones.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = phones
        .iter()
        .enumerate()
        .map(|(position, phone)| {
            (
                contact_phones::contact_id.eq(contact_id),
                contact_phones::position.eq(position as i32),
                contact_phones::phone.eq(phone),
            )
        })
        .collect();
    diesel::insert_into(contact_phones::table)
        .values(&rows)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

fn replace_secondary_emails(
    conn: &mut Conn,
    contact_id: i64,
    emails: &[String],
) -> Result<(), CoreError> {
    diesel::delete(contact_emails::table.filter(contact_emails::contact_id.eq(contact_id)))
        .execute(conn)
        .map_err(db)?;
    if emails.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = emails
        .iter()
        .enumerate()
        .map(|(position, email)| {
            (
                contact_emails::contact_id.eq(contact_id),
                contact_emails::position.eq(position as i32),
                contact_emails::email.eq(email),
                contact_emails::email_key.eq(email.to_lowercase()),
            )
        })
        .collect();
    diesel::insert_into(contact_emails::table)
        .values(&rows)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

pub(crate) fn replace_external_ids(
    conn: &mut Conn,
    contact_id: i64,
    ids: &[ExternalId],
) -> Result<(), CoreError> {
    diesel::delete(
        contact_external_ids::table.filter(contact_external_ids::contact_id.eq(contact_id)),
    )
    .execute(conn)
    .map_err(db)?;
    insert_external_ids(conn, contact_id, ids)
}

/// A new contact's external ids (it has none to delete).
fn insert_external_ids(
    conn: &mut Conn,
    contact_id: i64,
    ids: &[ExternalId],
) -> Result<(), CoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(position, id)| {
            (
                contact_external_ids::contact_id.eq(contact_id),
                contact_external_ids::position.eq(position as i32),
                contact_external_ids::external_id.eq(&id.external_id),
                contact_external_ids::label.eq(&id.label),
            )
        })
        .collect();
    diesel::insert_into(contact_external_ids::table)
        .values(&rows)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

/// Sets (or with `None` removes) one attribute.
pub(crate) fn put_attribute(
    conn: &mut Conn,
    contact_id: i64,
    key: &str,
    value: Option<&AttributeValue>,
) -> Result<(), CoreError> {
    diesel::delete(
        contact_attributes::table
            .filter(contact_attributes::contact_id.eq(contact_id))
            .filter(contact_attributes::key.eq(key)),
    )
    .execute(conn)
    .map_err(db)?;
    match value {
        Some(value) => insert_attribute(conn, contact_id, key, value),
        None => Ok(()),
    }
}

/// One attribute of a new contact (it has none to delete).
fn insert_attribute(
    conn: &mut Conn,
    contact_id: i64,
    key: &str,
    value: &AttributeValue,
) -> Result<(), CoreError> {
    let rows: Vec<_> = attribute_rows(value)
        .into_iter()
        .map(|(position, kind, text)| {
            (
                contact_attributes::contact_id.eq(contact_id),
                contact_attributes::key.eq(key),
                contact_attributes::position.eq(position),
                contact_attributes::kind.eq(kind),
                contact_attributes::value.eq(text),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    diesel::insert_into(contact_attributes::table)
        .values(&rows)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

fn queue_email(conn: &mut Conn, email: &OutgoingEmail, now: &str) -> Result<(), CoreError> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(&email.recipient),
            outbox::subject.eq(&email.subject),
            outbox::body.eq(&email.body),
            outbox::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

/// Inserts a contact inside the caller's transaction and answers its id.
pub(crate) fn insert(conn: &mut Conn, new: NewContact) -> Result<i64, CoreError> {
    let account_id = match &new.account {
        Some(key) => Some(resolve_account(conn, key)?.ok_or(CoreError::UnknownAccount)?),
        None => None,
    };
    // External ids first: a sync that posts the same contact again must hear that the
    // contact exists (Workshop's 409), even when its email collides too.
    let external_ids = dedup_by(new.external_ids, |id| id.external_id.clone());
    let wanted: Vec<String> = external_ids
        .iter()
        .map(|id| id.external_id.clone())
        .collect();
    ensure_external_ids_free(conn, &wanted, None)?;
    let email_key = new.email.as_ref().map(|email| email.to_lowercase());
    if let Some(email_key) = &email_key {
        ensure_email_free(conn, email_key, None)?;
    }
    let phones = dedup_by(new.phones, |phone| phone.clone());
    let primary_phone = new.primary_phone.or_else(|| phones.first().cloned());
    let now = Timestamp::now().to_text();
    let id: i64 = diesel::insert_into(contacts::table)
        .values((
            contacts::uid.eq(uuid::Uuid::new_v4().to_string()),
            contacts::name_key.eq(name_sort_key(&new.first_name, &new.last_name)),
            contacts::first_name.eq(&new.first_name),
            contacts::last_name.eq(&new.last_name),
            contacts::email.eq(&new.email),
            contacts::email_key.eq(&email_key),
            contacts::phone.eq(&primary_phone),
            contacts::job_position.eq(&new.job_position),
            contacts::account_id.eq(account_id),
            contacts::portal_role.eq(&new.portal_role),
            contacts::portal_role_id.eq(&new.portal_role_id),
            contacts::avatar_url.eq(&new.avatar_url),
            contacts::password_hash.eq(&new.password_hash),
            contacts::source.eq(&new.source),
            contacts::created_at.eq(&now),
            contacts::updated_at.eq(&now),
        ))
        .returning(contacts::id)
        .get_result(conn)
        .map_err(db)?;
    insert_phones(conn, id, &phones)?;
    insert_external_ids(conn, id, &external_ids)?;
    for (key, value) in &new.attributes {
        insert_attribute(conn, id, key, value)?;
    }
    if let Some(email) = &new.welcome_email {
        queue_email(conn, email, &now)?;
    }
    Ok(id)
}

pub fn create(conn: &mut Conn, new: NewContact) -> Result<Contact, CoreError> {
    let id = insert(conn, new)?;
    load_one(conn, id)
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = contacts)]
struct ContactUpdate {
    first_name: Option<String>,
    last_name: Option<String>,
    name_key: Option<String>,
    email: Option<Option<String>>,
    email_key: Option<Option<String>>,
    phone: Option<Option<String>>,
    job_position: Option<Option<String>>,
    account_id: Option<Option<i64>>,
    portal_role: Option<Option<String>>,
    portal_role_id: Option<Option<String>>,
    avatar_url: Option<Option<String>>,
    source: Option<String>,
    updated_at: Option<String>,
}

pub fn update(
    conn: &mut Conn,
    key: &ContactKey,
    changes: ContactChanges,
) -> Result<Contact, CoreError> {
    let id = resolve(conn, key)?;
    apply_changes(conn, id, changes)?;
    load_one(conn, id)
}

/// Applies a partial update to a live contact inside the caller's transaction.
pub(crate) fn apply_changes(
    conn: &mut Conn,
    id: i64,
    changes: ContactChanges,
) -> Result<(), CoreError> {
    let current: ContactRow = contacts::table
        .find(id)
        .select(ContactRow::as_select())
        .first(conn)
        .map_err(db)?;
    let mut update = ContactUpdate {
        updated_at: Some(Timestamp::now().to_text()),
        ..ContactUpdate::default()
    };
    if changes.first_name.is_some() || changes.last_name.is_some() {
        let first = changes
            .first_name
            .clone()
            .unwrap_or(current.first_name.clone());
        let last = changes
            .last_name
            .clone()
            .unwrap_or(current.last_name.clone());
        update.name_key = Some(name_sort_key(&first, &last));
        update.first_name = Some(first);
        update.last_name = Some(last);
    }

    // Emails: a full list replaces all of them; a single email replaces the primary.
    let new_primary_email = match (&changes.emails, &changes.email) {
        (Some(all), _) => Some(all.first().cloned()),
        (None, Some(primary)) => Some(primary.clone()),
        (None, None) => None,
    };
    if let Some(primary) = new_primary_email {
        let key = primary.as_ref().map(|email| email.to_lowercase());
        if let Some(key) = &key {
            ensure_email_free(conn, key, Some(id))?;
        }
        update.email = Some(primary);
        update.email_key = Some(key);
    }
    if let Some(all) = &changes.emails {
        let secondary = dedup_by(all.iter().skip(1).cloned().collect(), |email: &String| {
            email.to_lowercase()
        });
        let primary_key = all.first().map(|email| email.to_lowercase());
        let secondary: Vec<String> = secondary
            .into_iter()
            .filter(|email| Some(email.to_lowercase()) != primary_key)
            .collect();
        for email in &secondary {
            ensure_email_free(conn, &email.to_lowercase(), Some(id))?;
        }
        replace_secondary_emails(conn, id, &secondary)?;
    }

    // Phones: a full list replaces all; a single phone replaces the primary in place. A phone
    // sent back in the form a dialect shows keeps the form it was written in.
    if let Some((sent, primary)) = changes.phones {
        let kept = phones_of(conn, id)?;
        let written = keep_written_forms(&sent, &kept);
        let primary = primary
            .map(|primary| {
                let at = sent.iter().position(|phone| *phone == primary);
                at.map_or(primary, |at| written[at].clone())
            })
            .or_else(|| written.first().cloned());
        let phones = dedup_by(written, |phone| phone.clone());
        replace_phones(conn, id, &phones)?;
        update.phone = Some(primary);
    } else if let Some(phone) = changes.phone {
        let mut phones = phones_of(conn, id)?;
        let phone = phone.map(|sent| {
            let kept: Vec<String> = current.phone.iter().cloned().collect();
            keep_written_forms(std::slice::from_ref(&sent), &kept)
                .pop()
                .unwrap_or(sent)
        });
        let at = current
            .phone
            .as_ref()
            .and_then(|old| phones.iter().position(|p| p == old));
        match (&phone, at) {
            (Some(new), Some(at)) => phones[at] = new.clone(),
            (Some(new), None) => phones.insert(0, new.clone()),
            (None, Some(at)) => {
                phones.remove(at);
            }
            (None, None) => {}
        }
        replace_phones(conn, id, &dedup_by(phones, |p| p.clone()))?;
        update.phone = Some(phone);
    }

    update.job_position = changes.job_position;
    if let Some(account) = &changes.account {
        let account_id = resolve_account(conn, account)?.ok_or(CoreError::UnknownAccount)?;
        if current.account_id != Some(account_id) {
            // An owner that moves away stops owning its old account.
            diesel::update(accounts::table.filter(accounts::owner_contact_id.eq(id)))
                .set(accounts::owner_contact_id.eq(None::<i64>))
                .execute(conn)
                .map_err(db)?;
        }
        update.account_id = Some(Some(account_id));
    }
    update.portal_role = changes.portal_role;
    update.portal_role_id = changes.portal_role_id;
    update.avatar_url = changes.avatar_url.map(Some);
    update.source = changes.source;

    if let Some(ids) = changes.external_ids {
        let ids = dedup_by(ids, |id| id.external_id.clone());
        let wanted: Vec<String> = ids.iter().map(|id| id.external_id.clone()).collect();
        ensure_external_ids_free(conn, &wanted, Some(id))?;
        replace_external_ids(conn, id, &ids)?;
    } else if let Some(first) = changes.primary_external_id {
        ensure_external_ids_free(conn, std::slice::from_ref(&first), Some(id))?;
        let mut ids: Vec<ExternalId> = contact_external_ids::table
            .filter(contact_external_ids::contact_id.eq(id))
            .order(contact_external_ids::position)
            .select((
                contact_external_ids::external_id,
                contact_external_ids::label,
            ))
            .load::<(String, String)>(conn)
            .map_err(db)?
            .into_iter()
            .map(|(external_id, label)| ExternalId { external_id, label })
            .collect();
        match ids.first_mut() {
            Some(existing) => existing.external_id = first,
            None => ids.push(ExternalId {
                external_id: first,
                label: String::new(),
            }),
        }
        replace_external_ids(conn, id, &dedup_by(ids, |id| id.external_id.clone()))?;
    }
    for (key, value) in &changes.attributes {
        put_attribute(conn, id, key, value.as_ref())?;
    }
    diesel::update(contacts::table.find(id))
        .set(&update)
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

/// Tombstones a contact inside the caller's transaction: its email, phones, external ids and
/// password go, so they can be used again; it stops owning its account.
pub(crate) fn tombstone(conn: &mut Conn, id: i64) -> Result<(), CoreError> {
    tombstone_all(conn, &[id])
}

/// Tombstones these contacts: status `deleted`, email, phones, external ids and password
/// cleared, and none of them an account's owner any more.
pub(crate) fn tombstone_all(conn: &mut Conn, ids: &[i64]) -> Result<(), CoreError> {
    let now = Timestamp::now().to_text();
    // Well under SQLite's bound on parameters per statement.
    for ids in ids.chunks(5000) {
        diesel::update(contacts::table.filter(contacts::id.eq_any(ids)))
            .set((
                contacts::deleted_at.eq(Some(&now)),
                contacts::updated_at.eq(&now),
                contacts::status.eq("deleted"),
                contacts::email.eq(None::<String>),
                contacts::email_key.eq(None::<String>),
                contacts::phone.eq(None::<String>),
                contacts::password_hash.eq(None::<String>),
            ))
            .execute(conn)
            .map_err(db)?;
        diesel::delete(contact_emails::table.filter(contact_emails::contact_id.eq_any(ids)))
            .execute(conn)
            .map_err(db)?;
        diesel::delete(contact_phones::table.filter(contact_phones::contact_id.eq_any(ids)))
            .execute(conn)
            .map_err(db)?;
        diesel::delete(
            contact_external_ids::table.filter(contact_external_ids::contact_id.eq_any(ids)),
        )
        .execute(conn)
        .map_err(db)?;
        diesel::update(accounts::table.filter(accounts::owner_contact_id.eq_any(ids)))
            .set(accounts::owner_contact_id.eq(None::<i64>))
            .execute(conn)
            .map_err(db)?;
    }
    Ok(())
}

pub fn delete(conn: &mut Conn, key: &ContactKey) -> Result<Contact, CoreError> {
    let id = resolve(conn, key)?;
    let before = load_one(conn, id)?;
    tombstone(conn, id)?;
    Ok(before)
}

pub fn set_account_owner(conn: &mut Conn, key: &ContactKey) -> Result<Contact, CoreError> {
    let id = resolve(conn, key)?;
    let account_id: Option<i64> = contacts::table
        .find(id)
        .select(contacts::account_id)
        .first(conn)
        .map_err(db)?;
    let account_id = account_id.ok_or(CoreError::Conflict(Conflict::ContactHasNoAccount))?;
    let now = Timestamp::now().to_text();
    let previous: Option<i64> = accounts::table
        .find(account_id)
        .select(accounts::owner_contact_id)
        .first(conn)
        .map_err(db)?;
    if previous != Some(id) {
        diesel::update(accounts::table.find(account_id))
            .set((
                accounts::owner_contact_id.eq(id),
                accounts::updated_at.eq(&now),
            ))
            .execute(conn)
            .map_err(db)?;
        let touched: Vec<i64> = previous.into_iter().chain([id]).collect();
        diesel::update(contacts::table.filter(contacts::id.eq_any(&touched)))
            .set(contacts::updated_at.eq(&now))
            .execute(conn)
            .map_err(db)?;
        // The owner flag shows on both contacts, and the owner on the account.
        for contact in touched {
            let changed = load_one(conn, contact)?;
            events::contact(conn, EventKind::ContactUpdated, &changed)?;
        }
        let account = super::accounts::get(conn, &contacts_core::AccountKey::Id(account_id))?;
        events::account(conn, EventKind::AccountUpdated, &account)?;
    }
    load_one(conn, id)
}
