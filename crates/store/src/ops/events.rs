//! The change feed's rows: recording an event in the writing transaction, listing them in
//! commit order, and pruning old ones. The data is a neutral object carrying every id a
//! dialect uses (the UUID, Grow's number, external ids), built from the domain types field by
//! field, so a new field of a contact or account stops the build here until it is placed.

use contacts_core::events::current_origin;
use contacts_core::{
    Account, AttributeValue, ChangeEvent, Contact, CoreError, EventKind, Timestamp,
};
use diesel::prelude::*;
use serde_json::{json, Value};

use super::{sql, Conn};
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
    if let Some(lock) = sql::EVENTS_IN_COMMIT_ORDER {
        diesel::sql_query(lock).execute(conn).map_err(db)?;
    }
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

/// Up to `limit` events after `after`, and whether more follow.
pub fn list(
    conn: &mut Conn,
    after: Option<i64>,
    limit: u32,
) -> Result<(Vec<ChangeEvent>, bool), CoreError> {
    let rows: Vec<(i64, String, String, String, String)> = events::table
        .filter(events::id.gt(after.unwrap_or(0)))
        .order(events::id.asc())
        .limit(i64::from(limit) + 1)
        .select((
            events::id,
            events::kind,
            events::origin,
            events::occurred_at,
            events::data,
        ))
        .load(conn)
        .map_err(db)?;
    let has_more = rows.len() > limit as usize;
    let listed = rows
        .into_iter()
        .take(limit as usize)
        .map(|(position, kind, origin, occurred_at, data)| ChangeEvent {
            position,
            kind,
            occurred_at: Timestamp::parse(&occurred_at).unwrap_or_else(Timestamp::now),
            origin,
            data: serde_json::from_str(&data).unwrap_or(Value::Null),
        })
        .collect();
    Ok((listed, has_more))
}

pub fn prune(conn: &mut Conn, before: Timestamp) -> Result<u64, CoreError> {
    let gone = diesel::delete(events::table.filter(events::occurred_at.lt(before.to_text())))
        .execute(conn)
        .map_err(db)?;
    Ok(gone as u64)
}
