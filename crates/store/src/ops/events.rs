//! The change feed's rows: recording an event in the writing transaction, listing them in
//! commit order, and pruning old ones. The data is a neutral object carrying every id a
//! dialect uses (the UUID, Grow's number, external ids), built from the domain types field by
//! field, so a new field of a contact or account stops the build here until it is placed.

use contacts_core::events::current_origin;
use contacts_core::{
    Account, AttributeValue, ChangeEvent, Contact, CoreError, EventKind, FeedPosition, Timestamp,
};
use diesel::dsl::sql as fragment;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use serde_json::{json, Value};

use super::{sql, Conn, Db};
use crate::error::db;
use crate::schema::events;

fn external_ids(ids: &[contacts_core::ExternalId]) -> Value {
    ids.iter()
        .map(|id| json!({"external_id": id.external_id, "label": id.label}))
        .collect()
}

/// A contact as the feed shows it.
pub fn neutral_contact(contact: &Contact) -> Value {
    let Contact {
        id,
        uid,
        first_name,
        last_name,
        email,
        emails,
        phone,
        phones,
        job_position,
        status,
        account,
        account_owner,
        role_id,
        portal_role,
        portal_role_id,
        avatar_url,
        social,
        attributes,
        external_ids: contact_external_ids,
        source,
        created_at,
        updated_at,
    } = contact;
    let attributes: serde_json::Map<String, Value> = attributes
        .iter()
        .map(|(key, value)| {
            let value = match value {
                AttributeValue::Text(text) => Value::from(text.clone()),
                AttributeValue::Number(number) => Value::Number(number.clone()),
                AttributeValue::Bool(flag) => Value::Bool(*flag),
                AttributeValue::List(items) => Value::from(items.clone()),
            };
            (key.clone(), value)
        })
        .collect();
    json!({
        "object": "contact",
        "id": uid,
        "number": id,
        "external_ids": external_ids(contact_external_ids),
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "emails": emails,
        "phone": phone,
        "phones": phones,
        "job_position": job_position,
        "status": status.as_str(),
        "account": account.as_ref().map(|account| json!({
            "id": account.uid,
            "number": account.id,
            "name": account.name,
            "external_ids": external_ids(&account.external_ids),
        })),
        "account_owner": account_owner,
        "role_id": role_id,
        "portal_role": portal_role,
        "portal_role_id": portal_role_id,
        "avatar_url": avatar_url,
        "social": {
            "facebook": social.facebook, "twitter": social.twitter, "linkedin": social.linkedin,
            "github": social.github, "dribbble": social.dribbble,
        },
        "attributes": attributes,
        "source": source,
        "created_at": created_at.to_text(),
        "updated_at": updated_at.to_text(),
    })
}

/// An account as the feed shows it.
pub fn neutral_account(account: &Account) -> Value {
    let Account {
        id,
        uid,
        name,
        description,
        status,
        phone,
        website,
        vat,
        category_id,
        billing,
        invoice_due_days,
        tags,
        domains,
        external_ids: account_external_ids,
        owner,
        created_at,
        updated_at,
    } = account;
    json!({
        "object": "account",
        "id": uid,
        "number": id,
        "external_ids": external_ids(account_external_ids),
        "name": name,
        "description": description,
        "status": status,
        "phone": phone,
        "website": website,
        "vat": vat,
        "category_id": category_id,
        "billing": {
            "street": billing.street, "city": billing.city, "state": billing.state,
            "zip": billing.zip, "country": billing.country,
        },
        "invoice_due_days": invoice_due_days,
        "tags": tags,
        "domains": domains,
        "owner": owner.as_ref().map(|(id, name)| json!({"number": id, "name": name})),
        "created_at": created_at.to_text(),
        "updated_at": updated_at.to_text(),
    })
}

/// Records one event in the current transaction, made by the thread's origin.
pub fn record(conn: &mut Conn, kind: EventKind, data: &Value) -> Result<(), CoreError> {
    diesel::insert_into(events::table)
        .values((
            events::kind.eq(kind.as_str()),
            events::origin.eq(current_origin()),
            events::occurred_at.eq(Timestamp::now().to_text()),
            events::data.eq(data.to_string()),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

pub fn contact(conn: &mut Conn, kind: EventKind, contact: &Contact) -> Result<(), CoreError> {
    record(conn, kind, &neutral_contact(contact))
}

pub fn account(conn: &mut Conn, kind: EventKind, account: &Account) -> Result<(), CoreError> {
    record(conn, kind, &neutral_account(account))
}

/// An event row as the feed reads it.
pub type EventRow = (i64, i64, String, String, String, String);

/// The columns of `EventRow`.
pub fn event_columns() -> (
    events::tx,
    events::id,
    events::kind,
    events::origin,
    events::occurred_at,
    events::data,
) {
    (
        events::tx,
        events::id,
        events::kind,
        events::origin,
        events::occurred_at,
        events::data,
    )
}

/// Events after `after` in feed order: one row-value comparison, one range of the
/// (tx, id) index.
fn past(after: FeedPosition) -> Box<dyn BoxableExpression<events::table, Db, SqlType = Bool>> {
    Box::new(
        fragment::<Bool>("(tx, id) > (")
            .bind::<BigInt, _>(after.tx)
            .sql(", ")
            .bind::<BigInt, _>(after.seq)
            .sql(")"),
    )
}

/// The settled events after `after` (the webhook sender's queries start here too); in feed
/// order with `.order(feed_order())`.
pub fn settled_after(after: FeedPosition) -> events::BoxedQuery<'static, Db> {
    events::table
        .filter(fragment::<Bool>(sql::EVENTS_SETTLED))
        .filter(past(after))
        .into_boxed()
}

/// The feed's order: by writing transaction, then by id.
pub fn feed_order() -> (
    diesel::helper_types::Asc<events::tx>,
    diesel::helper_types::Asc<events::id>,
) {
    (events::tx.asc(), events::id.asc())
}

pub fn event(row: EventRow) -> ChangeEvent {
    let (tx, seq, kind, origin, occurred_at, data) = row;
    ChangeEvent {
        position: FeedPosition { tx, seq },
        kind,
        occurred_at: Timestamp::parse(&occurred_at).unwrap_or_else(Timestamp::now),
        origin,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
    }
}

/// Up to `limit` events after `after`, and whether more follow.
pub fn list(
    conn: &mut Conn,
    after: Option<FeedPosition>,
    limit: u32,
) -> Result<(Vec<ChangeEvent>, bool), CoreError> {
    let rows: Vec<EventRow> = settled_after(after.unwrap_or_default())
        .order(feed_order())
        .limit(i64::from(limit) + 1)
        .select(event_columns())
        .load(conn)
        .map_err(db)?;
    let has_more = rows.len() > limit as usize;
    let listed = rows.into_iter().take(limit as usize).map(event).collect();
    Ok((listed, has_more))
}

/// The newest transaction, up to `up_to`, with committed events after `after` whose place is
/// not final yet (`None` when every one is; always `None` on SQLite).
pub fn newest_unsettled_tx(
    conn: &mut Conn,
    after: Option<FeedPosition>,
    up_to: Option<i64>,
) -> Result<Option<i64>, CoreError> {
    let after = after.unwrap_or_default();
    let mut query = events::table
        .filter(diesel::dsl::not(fragment::<Bool>(sql::EVENTS_SETTLED)))
        .filter(past(after))
        .into_boxed();
    if let Some(up_to) = up_to {
        query = query.filter(events::tx.le(up_to));
    }
    query
        .select(diesel::dsl::max(events::tx))
        .first(conn)
        .map_err(db)
}

/// The last settled event's position (the start, with none): where a new reader of what
/// commits from now on begins.
pub fn newest_settled(conn: &mut Conn) -> Result<FeedPosition, CoreError> {
    let newest: Option<(i64, i64)> = events::table
        .filter(fragment::<Bool>(sql::EVENTS_SETTLED))
        .order((events::tx.desc(), events::id.desc()))
        .select((events::tx, events::id))
        .first(conn)
        .optional()
        .map_err(db)?;
    Ok(newest.map_or_else(FeedPosition::default, |(tx, seq)| FeedPosition { tx, seq }))
}

pub fn prune(conn: &mut Conn, before: Timestamp) -> Result<u64, CoreError> {
    let gone = diesel::delete(events::table.filter(events::occurred_at.lt(before.to_text())))
        .execute(conn)
        .map_err(db)?;
    Ok(gone as u64)
}
