//! Reading contacts: the row struct, and assembling full contacts (emails, phones, external ids,
//! attributes, account) for a set of ids in a fixed number of queries.

use std::collections::{BTreeMap, HashMap};

use contacts_core::{
    AccountSummary, AttributeValue, Contact, ContactStatus, CoreError, ExternalId, Social,
    Timestamp,
};
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use crate::error::db;
use crate::schema::{
    accounts, contact_attributes, contact_emails, contact_external_ids, contact_phones, contacts,
};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub uid: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_position: Option<String>,
    pub status: String,
    pub account_id: Option<i64>,
    pub role_id: i32,
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
    pub avatar_url: Option<String>,
    pub social_facebook: Option<String>,
    pub social_twitter: Option<String>,
    pub social_linkedin: Option<String>,
    pub social_github: Option<String>,
    pub social_dribbble: Option<String>,
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Attribute rows of one contact back into values: a `list` kind gathers its items in order.
pub fn attributes_from_rows(
    rows: Vec<(String, String, String)>,
) -> BTreeMap<String, AttributeValue> {
    let mut attributes = BTreeMap::new();
    for (key, kind, value) in rows {
        let parsed = match kind.as_str() {
            "list" => {
                if let Some(AttributeValue::List(items)) = attributes.get_mut(&key) {
                    items.push(value);
                    continue;
                }
                AttributeValue::List(vec![value])
            }
            "number" => match value.parse::<serde_json::Number>() {
                Ok(number) => AttributeValue::Number(number),
                Err(_) => AttributeValue::Text(value),
            },
            "bool" => AttributeValue::Bool(value == "true"),
            _ => AttributeValue::Text(value),
        };
        attributes.insert(key, parsed);
    }
    attributes
}

/// The stored rows of one attribute value: (position, kind, value).
pub fn attribute_rows(value: &AttributeValue) -> Vec<(i32, &'static str, String)> {
    match value {
        AttributeValue::Text(text) => vec![(0, "text", text.clone())],
        AttributeValue::Number(number) => vec![(0, "number", number.to_string())],
        AttributeValue::Bool(flag) => vec![(0, "bool", flag.to_string())],
        AttributeValue::List(items) => items
            .iter()
            .enumerate()
            .map(|(position, item)| (position as i32, "list", item.clone()))
            .collect(),
    }
}

fn time(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(Timestamp::now)
}

/// Loads the live contacts with these ids, in the order of `ids`.
pub fn load_contacts(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<Contact>, CoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ContactRow> = contacts::table
        .filter(contacts::id.eq_any(ids))
        .filter(contacts::deleted_at.is_null())
        .select(ContactRow::as_select())
        .load(conn)
        .map_err(db)?;

    let mut emails: HashMap<i64, Vec<String>> = HashMap::new();
    for (contact_id, email) in contact_emails::table
        .filter(contact_emails::contact_id.eq_any(ids))
        .order((contact_emails::contact_id, contact_emails::position))
        .select((contact_emails::contact_id, contact_emails::email))
        .load::<(i64, String)>(conn)
        .map_err(db)?
    {
        emails.entry(contact_id).or_default().push(email);
    }
    let mut phones: HashMap<i64, Vec<String>> = HashMap::new();
    for (contact_id, phone) in contact_phones::table
        .filter(contact_phones::contact_id.eq_any(ids))
        .order((contact_phones::contact_id, contact_phones::position))
        .select((contact_phones::contact_id, contact_phones::phone))
        .load::<(i64, String)>(conn)
        .map_err(db)?
    {
        phones.entry(contact_id).or_default().push(phone);
    }
    let mut external_ids: HashMap<i64, Vec<ExternalId>> = HashMap::new();
    for (contact_id, external_id, label) in contact_external_ids::table
        .filter(contact_external_ids::contact_id.eq_any(ids))
        .order((
            contact_external_ids::contact_id,
            contact_external_ids::position,
        ))
        .select((
            contact_external_ids::contact_id,
            contact_external_ids::external_id,
            contact_external_ids::label,
        ))
        .load::<(i64, String, String)>(conn)
        .map_err(db)?
    {
        external_ids
            .entry(contact_id)
            .or_default()
            .push(ExternalId { external_id, label });
    }
    let mut attribute_rows: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for (contact_id, key, kind, value) in contact_attributes::table
        .filter(contact_attributes::contact_id.eq_any(ids))
        .order((
            contact_attributes::contact_id,
            contact_attributes::key,
            contact_attributes::position,
        ))
        .select((
            contact_attributes::contact_id,
            contact_attributes::key,
            contact_attributes::kind,
            contact_attributes::value,
        ))
        .load::<(i64, String, String, String)>(conn)
        .map_err(db)?
    {
        attribute_rows
            .entry(contact_id)
            .or_default()
            .push((key, kind, value));
    }
    let account_ids: Vec<i64> = rows.iter().filter_map(|row| row.account_id).collect();
    let accounts = load_account_summaries(conn, &account_ids)?;

    let mut by_id: HashMap<i64, Contact> = HashMap::with_capacity(rows.len());
    for row in rows {
        let (account, account_owner) = match row.account_id.and_then(|id| accounts.get(&id)) {
            Some((summary, owner)) => (Some(summary.clone()), *owner == Some(row.id)),
            None => (None, false),
        };
        let mut all_emails: Vec<String> = row.email.iter().cloned().collect();
        all_emails.extend(emails.remove(&row.id).unwrap_or_default());
        let contact = Contact {
            id: row.id,
            uid: row.uid,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            emails: all_emails,
            phone: row.phone,
            phones: phones.remove(&row.id).unwrap_or_default(),
            job_position: row.job_position,
            status: ContactStatus::parse(&row.status).unwrap_or(ContactStatus::Active),
            account,
            account_owner,
            role_id: row.role_id,
            portal_role: row.portal_role,
            portal_role_id: row.portal_role_id,
            avatar_url: row.avatar_url,
            social: Social {
                facebook: row.social_facebook,
                twitter: row.social_twitter,
                linkedin: row.social_linkedin,
                github: row.social_github,
                dribbble: row.social_dribbble,
            },
            attributes: attributes_from_rows(attribute_rows.remove(&row.id).unwrap_or_default()),
            external_ids: external_ids.remove(&row.id).unwrap_or_default(),
            source: row.source,
            created_at: time(&row.created_at),
            updated_at: time(&row.updated_at),
        };
        by_id.insert(contact.id, contact);
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Account summaries by id, each with its owner contact's id.
pub fn load_account_summaries(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (AccountSummary, Option<i64>)>, CoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String, Option<i64>)> = accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((
            accounts::id,
            accounts::uid,
            accounts::name,
            accounts::owner_contact_id,
        ))
        .load(conn)
        .map_err(db)?;
    let mut external = crate::accounts::external_ids_of(conn, ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, uid, name, owner)| {
            let summary = AccountSummary {
                id,
                uid,
                name,
                external_ids: external.remove(&id).unwrap_or_default(),
            };
            (id, (summary, owner))
        })
        .collect())
}
