//! Reading contacts: the row struct, and assembling full contacts (emails, phones, external ids,
//! attributes, account) for a set of ids in a fixed number of queries.

use std::collections::{BTreeMap, HashMap};

use contacts_core::{
    AccountSummary, AttributeValue, Contact, ContactStatus, CoreError, ExternalId, Social,
    Timestamp,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;

use crate::error::db;
use crate::schema::contacts;
use crate::statement::Statement;

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

/// One row of a contact's emails, phones, external ids or attributes, in the columns' order.
#[derive(Queryable)]
struct ChildRow {
    contact_id: i64,
    /// `email`, `phone`, `external`, or `attr:<kind>`.
    kind: String,
    /// Orders attributes by key; empty for the others.
    _sort_key: String,
    _position: i64,
    /// The email, phone, external id, or attribute key.
    a: String,
    /// The external id's label, or the attribute's value.
    b: Option<String>,
}

type ChildRowSql = (BigInt, Text, Text, BigInt, Text, Nullable<Text>);

/// The SQL types of `ContactRow`'s columns, in its fields' order (as its `Selectable` says).
type ContactRowSql =
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<ContactRow, diesel::sqlite::Sqlite>>;

/// The statements that load contacts, for one id (`= ?`) or a set of ids bound as one JSON
/// array; each is prepared once per connection. The ids are bound once per table.
macro_rules! for_ids {
    ($name:ident, $ids:literal) => {
        const $name: (&str, &str) = (
            concat!(
                "SELECT id, uid, first_name, last_name, email, phone, job_position, status, \
                 account_id, role_id, portal_role, portal_role_id, avatar_url, social_facebook, \
                 social_twitter, social_linkedin, social_github, social_dribbble, source, \
                 created_at, updated_at FROM contacts WHERE deleted_at IS NULL AND id ",
                $ids
            ),
            concat!(
                "SELECT contact_id, 'email' AS kind, '' AS sort_key, position, email AS a, NULL AS b \
                 FROM contact_emails WHERE contact_id ",
                $ids,
                " UNION ALL SELECT contact_id, 'phone', '', position, phone, NULL \
                 FROM contact_phones WHERE contact_id ",
                $ids,
                " UNION ALL SELECT contact_id, 'external', '', position, external_id, label \
                 FROM contact_external_ids WHERE contact_id ",
                $ids,
                " UNION ALL SELECT contact_id, 'attr:' || kind, key, position, key, value \
                 FROM contact_attributes WHERE contact_id ",
                $ids,
                " ORDER BY contact_id, kind, sort_key, position"
            ),
        );
    };
}
for_ids!(ONE_ID, "= ?");
for_ids!(SET_OF_IDS, "IN (SELECT value FROM json_each(?))");

/// `sql` with the ids bound at each of its `count` places.
fn with_ids(sql: &'static str, ids: &[i64], count: usize) -> Statement {
    (0..count).fold(Statement::new(sql), |statement, _| match ids {
        [id] => statement.bind::<BigInt, _>(*id),
        _ => statement.bind_ids(ids),
    })
}

/// Every child row of these contacts in one statement, in (contact, kind, key, position) order.
fn load_children(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<ChildRow>, CoreError> {
    let sql = if ids.len() == 1 {
        ONE_ID.1
    } else {
        SET_OF_IDS.1
    };
    with_ids(sql, ids, 4)
        .returning::<ChildRowSql>()
        .load(conn)
        .map_err(db)
}

/// The live contact rows with these ids, in no particular order.
fn load_rows(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<ContactRow>, CoreError> {
    let sql = if ids.len() == 1 {
        ONE_ID.0
    } else {
        SET_OF_IDS.0
    };
    with_ids(sql, ids, 1)
        .returning::<ContactRowSql>()
        .load(conn)
        .map_err(db)
}

/// Loads the live contacts with these ids, in the order of `ids`.
pub fn load_contacts(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<Contact>, CoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Three statements, each prepared once, whatever the number of ids.
    let rows = load_rows(conn, ids)?;
    let children = load_children(conn, ids)?;
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

#[derive(QueryableByName)]
#[diesel(table_name = crate::schema::accounts)]
struct AccountRow {
    id: i64,
    uid: String,
    name: String,
    owner_contact_id: Option<i64>,
}

/// Account summaries by id, each with its owner contact's id.
pub fn load_account_summaries(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (AccountSummary, Option<i64>)>, CoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<AccountRow> = Statement::new(
        "SELECT id, uid, name, owner_contact_id FROM accounts \
         WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind_ids(ids)
    .load(conn)
    .map_err(db)?;
    let mut external = crate::accounts::external_ids_of(conn, ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let summary = AccountSummary {
                id: row.id,
                uid: row.uid,
                name: row.name,
                external_ids: external.remove(&row.id).unwrap_or_default(),
            };
            (row.id, (summary, row.owner_contact_id))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::query_plan;

    /// Loading a page looks each id up through an index; no step scans a table.
    #[test]
    fn loading_contacts_searches_by_id() {
        let statements = [ONE_ID, SET_OF_IDS]
            .into_iter()
            .flat_map(|(rows, children)| [(rows, 1), (children, 4)]);
        for (sql, lists) in statements {
            let plan = query_plan(with_ids(
                sql,
                if sql.contains("json_each") {
                    &[1, 2]
                } else {
                    &[1]
                },
                lists,
            ));
            let searches = plan
                .iter()
                .filter(|step| step.starts_with("SEARCH "))
                .count();
            assert_eq!(searches, lists, "{plan:?}");
            assert!(
                plan.iter()
                    .filter(|step| step.starts_with("SCAN "))
                    .all(|step| step.starts_with("SCAN json_each")),
                "{plan:?}"
            );
        }
    }
}
