//! Reading contacts: the row struct, and assembling full contacts (emails, phones, external ids,
//! attributes, account) for a set of ids in a fixed number of queries.

use std::collections::{BTreeMap, HashMap};

use contacts_core::{
    AccountSummary, AttributeValue, Contact, ContactStatus, CoreError, ExternalId, Social,
    Timestamp,
};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::sqlite::SqliteConnection;

use crate::error::db;
use crate::schema::{accounts, contacts};

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

/// One row of a contact's emails, phones, external ids or attributes.
#[derive(QueryableByName)]
struct ChildRow {
    #[diesel(sql_type = BigInt)]
    contact_id: i64,
    /// `email`, `phone`, `external`, or `attr:<kind>`.
    #[diesel(sql_type = Text)]
    kind: String,
    /// The email, phone, external id, or attribute key.
    #[diesel(sql_type = Text)]
    a: String,
    /// The external id's label, or the attribute's value.
    #[diesel(sql_type = Nullable<Text>)]
    b: Option<String>,
}

/// Every child row of these contacts in one statement, in (contact, kind, key, position) order.
fn load_children(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<ChildRow>, CoreError> {
    let in_list = |mut query: BoxedSqlQuery<'static, Sqlite, SqlQuery>| {
        query = query.sql("(");
        for (index, id) in ids.iter().enumerate() {
            query = query
                .sql(if index == 0 { "?" } else { ", ?" })
                .bind::<BigInt, _>(*id);
        }
        query.sql(")")
    };
    let mut query = diesel::sql_query(
        "SELECT contact_id, 'email' AS kind, '' AS sort_key, position, email AS a, NULL AS b FROM contact_emails WHERE contact_id IN ",
    )
    .into_boxed();
    query = in_list(query);
    query = query.sql(" UNION ALL SELECT contact_id, 'phone', '', position, phone, NULL FROM contact_phones WHERE contact_id IN ");
    query = in_list(query);
    query = query.sql(
        " UNION ALL SELECT contact_id, 'external', '', position, external_id, label FROM contact_external_ids WHERE contact_id IN ",
    );
    query = in_list(query);
    query = query.sql(
        " UNION ALL SELECT contact_id, 'attr:' || kind, key, position, key, value FROM contact_attributes WHERE contact_id IN ",
    );
    query = in_list(query);
    query
        .sql(" ORDER BY contact_id, kind, sort_key, position")
        .load(conn)
        .map_err(db)
}

/// The child rows of one contact, through cached statements.
fn load_children_of_one(conn: &mut SqliteConnection, id: i64) -> Result<Vec<ChildRow>, CoreError> {
    use crate::schema::{
        contact_attributes as ca, contact_emails as ce, contact_external_ids as cx,
        contact_phones as cp,
    };
    let child = |kind: &str, a: String, b: Option<String>| ChildRow {
        contact_id: id,
        kind: kind.to_owned(),
        a,
        b,
    };
    let mut rows = Vec::new();
    for email in ce::table
        .filter(ce::contact_id.eq(id))
        .order(ce::position)
        .select(ce::email)
        .load::<String>(conn)
        .map_err(db)?
    {
        rows.push(child("email", email, None));
    }
    for phone in cp::table
        .filter(cp::contact_id.eq(id))
        .order(cp::position)
        .select(cp::phone)
        .load::<String>(conn)
        .map_err(db)?
    {
        rows.push(child("phone", phone, None));
    }
    let externals: Vec<(String, String)> = cx::table
        .filter(cx::contact_id.eq(id))
        .order(cx::position)
        .select((cx::external_id, cx::label))
        .load(conn)
        .map_err(db)?;
    for (external_id, label) in externals {
        rows.push(child("external", external_id, Some(label)));
    }
    let attributes: Vec<(String, String, String)> = ca::table
        .filter(ca::contact_id.eq(id))
        .order((ca::key, ca::position))
        .select((ca::key, ca::kind, ca::value))
        .load(conn)
        .map_err(db)?;
    for (key, kind, value) in attributes {
        rows.push(child(&format!("attr:{kind}"), key, Some(value)));
    }
    Ok(rows)
}

/// Loads the live contacts with these ids, in the order of `ids`.
pub fn load_contacts(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<Contact>, CoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // One contact (every get, create and update) takes statically shaped queries, which Diesel
    // keeps prepared; a page takes a few statements with IN lists, prepared each time.
    let (rows, children): (Vec<ContactRow>, Vec<ChildRow>) = match ids {
        [id] => (
            contacts::table
                .filter(contacts::id.eq(id))
                .filter(contacts::deleted_at.is_null())
                .select(ContactRow::as_select())
                .load(conn)
                .map_err(db)?,
            load_children_of_one(conn, *id)?,
        ),
        _ => (
            contacts::table
                .filter(contacts::id.eq_any(ids))
                .filter(contacts::deleted_at.is_null())
                .select(ContactRow::as_select())
                .load(conn)
                .map_err(db)?,
            load_children(conn, ids)?,
        ),
    };
    let mut emails: HashMap<i64, Vec<String>> = HashMap::new();
    let mut phones: HashMap<i64, Vec<String>> = HashMap::new();
    let mut external_ids: HashMap<i64, Vec<ExternalId>> = HashMap::new();
    let mut attribute_rows: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for child in children {
        match child.kind.as_str() {
            "email" => emails.entry(child.contact_id).or_default().push(child.a),
            "phone" => phones.entry(child.contact_id).or_default().push(child.a),
            "external" => external_ids
                .entry(child.contact_id)
                .or_default()
                .push(ExternalId {
                    external_id: child.a,
                    label: child.b.unwrap_or_default(),
                }),
            attribute => {
                let kind = attribute.strip_prefix("attr:").unwrap_or("text").to_owned();
                attribute_rows.entry(child.contact_id).or_default().push((
                    child.a,
                    kind,
                    child.b.unwrap_or_default(),
                ));
            }
        }
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
    let rows: Vec<(i64, String, String, Option<i64>)> = match ids {
        [id] => accounts::table
            .filter(accounts::id.eq(id))
            .select((
                accounts::id,
                accounts::uid,
                accounts::name,
                accounts::owner_contact_id,
            ))
            .load(conn)
            .map_err(db)?,
        _ => accounts::table
            .filter(accounts::id.eq_any(ids))
            .select((
                accounts::id,
                accounts::uid,
                accounts::name,
                accounts::owner_contact_id,
            ))
            .load(conn)
            .map_err(db)?,
    };
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
