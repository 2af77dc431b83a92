//! Reading contacts: the row struct, and assembling full contacts (emails, phones, external ids,
//! attributes, account) for a set of ids in a fixed number of queries.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use super::Conn;
use contacts_core::{
    AccountSummary, AttributeValue, Contact, ContactStatus, CoreError, ExternalId, Social,
    Timestamp,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::sql;
use crate::account_memory::AccountEntry;
use crate::contact_cache::{ContactCache, Epoch};
use crate::error::db;
use crate::schema::contacts;
use crate::statement::Statement;

/// The one place that lists a contact row's columns: the struct below and the select list of
/// every statement that loads contacts both come from this list, so a new column is one edit
/// here (and one in `load_contacts`, which names every field).
macro_rules! contact_columns {
    ($($field:ident: $type:ty,)*) => {
        #[derive(Debug, Queryable, Selectable)]
        #[diesel(table_name = contacts)]
        pub struct ContactRow {
            $(pub $field: $type,)*
        }

        /// `c.id, c.uid, …`: the columns of `ContactRow`, in its fields' order.
        pub(crate) fn contact_select_list() -> String {
            [$(concat!("c.", stringify!($field)),)*].join(", ")
        }
    };
}

contact_columns! {
    id: i64,
    uid: String,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    job_position: Option<String>,
    status: String,
    account_id: Option<i64>,
    role_id: i32,
    portal_role: Option<String>,
    portal_role_id: Option<String>,
    avatar_url: Option<String>,
    social_facebook: Option<String>,
    social_twitter: Option<String>,
    social_linkedin: Option<String>,
    social_github: Option<String>,
    social_dribbble: Option<String>,
    source: String,
    created_at: String,
    updated_at: String,
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

/// What a child row is: an email, a phone, an external id or an attribute.
const EMAIL: i64 = 0;
const PHONE: i64 = 1;
const EXTERNAL: i64 = 2;
const ATTRIBUTE: i64 = 3;

/// One row of a contact's emails, phones, external ids or attributes, in the columns' order.
#[derive(Queryable)]
struct ChildRow {
    contact_id: i64,
    /// `EMAIL`, `PHONE`, `EXTERNAL` or `ATTRIBUTE`.
    kind: i64,
    position: i64,
    /// The email, phone, external id, or attribute key.
    a: String,
    /// The external id's label, or the attribute's value.
    b: Option<String>,
    /// The attribute's kind (`text`, `number`, `bool`, `list`); none for the others.
    attribute_kind: Option<String>,
}

impl ChildRow {
    /// Rows come in index order per table; this is the order a contact's lists are shown in
    /// (attributes by key, then each list's items by position).
    fn order(&self) -> (i64, i64, &str, i64) {
        let key = if self.kind == ATTRIBUTE { &self.a } else { "" };
        (self.contact_id, self.kind, key, self.position)
    }
}

type ChildRowSql = (BigInt, BigInt, BigInt, Text, Nullable<Text>, Nullable<Text>);

/// The child rows of a set of contacts, grouped by contact, each list in the order it is shown.
#[derive(Debug, Default, PartialEq)]
struct Children {
    emails: HashMap<i64, Vec<String>>,
    phones: HashMap<i64, Vec<String>>,
    external_ids: HashMap<i64, Vec<ExternalId>>,
    /// (key, kind, value) rows, as `attributes_from_rows` takes them.
    attributes: HashMap<i64, Vec<(String, String, String)>>,
}

impl Children {
    /// Groups rows that come in any order.
    fn gather(mut rows: Vec<ChildRow>) -> Children {
        rows.sort_unstable_by(|x, y| x.order().cmp(&y.order()));
        let mut children = Children::default();
        for row in rows {
            let contact = row.contact_id;
            match row.kind {
                EMAIL => children.emails.entry(contact).or_default().push(row.a),
                PHONE => children.phones.entry(contact).or_default().push(row.a),
                EXTERNAL => children
                    .external_ids
                    .entry(contact)
                    .or_default()
                    .push(ExternalId {
                        external_id: row.a,
                        label: row.b.unwrap_or_default(),
                    }),
                _ => children.attributes.entry(contact).or_default().push((
                    row.a,
                    row.attribute_kind.unwrap_or_default(),
                    row.b.unwrap_or_default(),
                )),
            }
        }
        children
    }
}

/// The SQL types of `ContactRow`'s columns, in its fields' order (as its `Selectable` says).
pub(crate) type ContactRowSql =
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<ContactRow, super::Db>>;

/// The statements that load contacts, for one id (`= ?`) or a set of ids bound as one JSON
/// array; each is prepared once per connection. The ids are bound once per table.
///
/// A set of ids is joined from the bound array (`sql::WANTED_IDS`), which SQLite walks as the
/// outer loop, seeking each id in the table's primary key. `id IN (SELECT …)` would build a
/// temporary index of the ids first, one per table, on every call. No ORDER BY either: the
/// rows are put in order in Rust, which costs less than SQLite's sorter for a page's few rows.
struct LoadStatements {
    rows: String,
    children: String,
}

impl LoadStatements {
    /// `contacts` picks the rows (ending in a condition), `child_from` / `child_where` wrap
    /// each child table.
    fn new(contacts: &str, child_from: &str, child_where: &str) -> Self {
        let child = |columns: &str, table: &str| {
            format!("SELECT t.contact_id, {columns} FROM {child_from}{table} AS t{child_where}")
        };
        LoadStatements {
            rows: format!(
                "SELECT {} FROM {contacts} AND c.deleted_at IS NULL",
                contact_select_list()
            ),
            children: [
                child(
                    "CAST(0 AS BIGINT), CAST(t.position AS BIGINT), t.email, CAST(NULL AS TEXT), CAST(NULL AS TEXT)",
                    "contact_emails",
                ),
                child(
                    "CAST(1 AS BIGINT), CAST(t.position AS BIGINT), t.phone, CAST(NULL AS TEXT), CAST(NULL AS TEXT)",
                    "contact_phones",
                ),
                child(
                    "CAST(2 AS BIGINT), CAST(t.position AS BIGINT), t.external_id, t.label, CAST(NULL AS TEXT)",
                    "contact_external_ids",
                ),
                child(
                    "CAST(3 AS BIGINT), CAST(t.position AS BIGINT), t.key, t.value, t.kind",
                    "contact_attributes",
                ),
            ]
            .join(" UNION ALL "),
        }
    }
}

static ONE_ID: LazyLock<LoadStatements> = LazyLock::new(|| {
    LoadStatements::new(
        "contacts AS c WHERE c.id = ?",
        "",
        " WHERE t.contact_id = ?",
    )
});

static SET_OF_IDS: LazyLock<LoadStatements> = LazyLock::new(|| {
    LoadStatements::new(
        &format!(
            "{} JOIN contacts AS c ON c.id = wanted.value WHERE TRUE",
            sql::WANTED_IDS
        ),
        &format!("{} JOIN ", sql::WANTED_IDS),
        " ON t.contact_id = wanted.value",
    )
});

static RANGE_OF_IDS: LazyLock<LoadStatements> = LazyLock::new(|| {
    LoadStatements::new(
        "contacts AS c WHERE c.id BETWEEN ? AND ?",
        "",
        " WHERE t.contact_id BETWEEN ? AND ?",
    )
});

/// How the load statements pick their contacts' rows.
#[derive(Debug, PartialEq)]
enum Pick<'a> {
    One(i64),
    /// Every id from the first to the last: ids that lie close together (a page in id order,
    /// which a sync's walk and most deep pages are) are one range scan per table rather than
    /// one index descent per id. Rows of ids in the range but not asked for are read too, and
    /// dropped. A page of 100 at 1 000 000 contacts: the child rows in 0.22 against 0.58 ms
    /// on PostgreSQL (pgbench), 196 against 281 µs on SQLite.
    Range(i64, i64),
    Set(&'a [i64]),
}

impl<'a> Pick<'a> {
    fn of(ids: &'a [i64]) -> Self {
        let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) else {
            return Pick::Set(ids);
        };
        // A range reads at most twice the rows asked for.
        let wanted = ids.len() as i64;
        match (ids, last - first < 2 * wanted) {
            ([id], _) => Pick::One(*id),
            (_, true) => Pick::Range(*first, *last),
            (_, false) => Pick::Set(ids),
        }
    }

    fn statements(&self) -> &'static LoadStatements {
        match self {
            Pick::One(_) => &ONE_ID,
            Pick::Range(..) => &RANGE_OF_IDS,
            Pick::Set(_) => &SET_OF_IDS,
        }
    }

    /// `text` (one of this pick's statements) with the ids bound at each of its `count` places.
    fn bind(&self, text: &'static str, count: usize) -> Statement {
        (0..count).fold(Statement::new(text), |statement, _| match self {
            Pick::One(id) => statement.bind::<BigInt, _>(*id),
            Pick::Range(first, last) => {
                statement.bind::<BigInt, _>(*first).bind::<BigInt, _>(*last)
            }
            Pick::Set(ids) => statement.bind_ids(ids),
        })
    }
}

/// Every child row of these contacts in one statement, in no particular order (with a range,
/// those of the other contacts in it too).
fn load_children(conn: &mut Conn, pick: &Pick<'_>) -> Result<Vec<ChildRow>, CoreError> {
    pick.bind(&pick.statements().children, 4)
        .returning::<ChildRowSql>()
        .load(conn)
        .map_err(db)
}

/// The live contact rows with these ids, in no particular order (with a range, the other live
/// contacts in it too).
fn load_rows(conn: &mut Conn, pick: &Pick<'_>) -> Result<Vec<ContactRow>, CoreError> {
    pick.bind(&pick.statements().rows, 1)
        .returning::<ContactRowSql>()
        .load(conn)
        .map_err(db)
}

/// The store's memory of accounts, and the epoch taken before this read's transaction began
/// (contact_cache.rs): a load takes the accounts it holds from there and remembers the rest.
/// Loads outside a remembering read (a write's answer) pass none.
#[derive(Clone, Copy)]
pub(crate) struct AccountMemory<'a> {
    pub cache: &'a ContactCache,
    pub seen: Epoch,
}

/// Loads the live contacts with these ids, in the order of `ids`.
pub(crate) fn load_contacts(
    conn: &mut Conn,
    ids: &[i64],
    memory: Option<AccountMemory<'_>>,
) -> Result<Vec<Contact>, CoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Three statements, each prepared once, whatever the number of ids.
    let pick = Pick::of(ids);
    let mut rows = load_rows(conn, &pick)?;
    if let Pick::Range(..) = pick {
        let wanted: HashSet<i64> = ids.iter().copied().collect();
        rows.retain(|row| wanted.contains(&row.id));
    }
    let mut by_id: HashMap<i64, Contact> = assemble(conn, &pick, rows, memory)?
        .into_iter()
        .map(|contact| (contact.id, contact))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Full contacts from rows a statement of the caller's selected (`contact_select_list`), in
/// the rows' order: their child rows and accounts are loaded here, two statements (one when
/// memory holds their accounts).
pub(crate) fn contacts_from_rows(
    conn: &mut Conn,
    rows: Vec<ContactRow>,
    memory: Option<AccountMemory<'_>>,
) -> Result<Vec<Contact>, CoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    assemble(conn, &Pick::of(&ids), rows, memory)
}

/// Contacts from their rows, with the child rows and accounts of `pick` (which covers the
/// rows' ids), in the rows' order.
fn assemble(
    conn: &mut Conn,
    pick: &Pick<'_>,
    rows: Vec<ContactRow>,
    memory: Option<AccountMemory<'_>>,
) -> Result<Vec<Contact>, CoreError> {
    let mut children = Children::gather(load_children(conn, pick)?);
    let account_ids: Vec<i64> = rows.iter().filter_map(|row| row.account_id).collect();
    let accounts = accounts_of(conn, &account_ids, memory)?;

    let mut contacts = Vec::with_capacity(rows.len());
    for row in rows {
        let (account, account_owner) = match row.account_id.and_then(|id| accounts.get(&id)) {
            Some(entry) => (Some(entry.0.clone()), entry.1 == Some(row.id)),
            None => (None, false),
        };
        let mut all_emails: Vec<String> = row.email.iter().cloned().collect();
        all_emails.extend(children.emails.remove(&row.id).unwrap_or_default());
        let contact = Contact {
            id: row.id,
            uid: row.uid,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            emails: all_emails,
            phone: row.phone,
            phones: children.phones.remove(&row.id).unwrap_or_default(),
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
            attributes: attributes_from_rows(
                children.attributes.remove(&row.id).unwrap_or_default(),
            ),
            external_ids: children.external_ids.remove(&row.id).unwrap_or_default(),
            source: row.source,
            created_at: time(&row.created_at),
            updated_at: time(&row.updated_at),
        };
        contacts.push(contact);
    }
    Ok(contacts)
}

/// The accounts with these ids: those memory holds from there, the rest loaded (and then
/// remembered).
fn accounts_of(
    conn: &mut Conn,
    ids: &[i64],
    memory: Option<AccountMemory<'_>>,
) -> Result<HashMap<i64, Arc<AccountEntry>>, CoreError> {
    let Some(memory) = memory else {
        return load_account_summaries(conn, ids);
    };
    let (mut found, missing) = memory.cache.find_accounts(ids);
    if !missing.is_empty() {
        let loaded = load_account_summaries(conn, &missing)?;
        memory.cache.remember_accounts(loaded.values(), memory.seen);
        found.extend(loaded);
    }
    Ok(found)
}

/// An account with one of its external ids, or with none (`external_id` null).
#[derive(QueryableByName)]
struct AccountRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    uid: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    owner_contact_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    external_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    label: Option<String>,
}

/// Account summaries by id, each with its owner contact's id: one statement, the accounts
/// joined to their external ids (a round trip fewer on PostgreSQL for every page that loads
/// contacts of accounts).
pub fn load_account_summaries(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<HashMap<i64, Arc<AccountEntry>>, CoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<AccountRow> = Statement::new(format!(
        "SELECT a.id AS id, a.uid AS uid, a.name AS name, a.owner_contact_id AS owner_contact_id, \
         x.external_id AS external_id, x.label AS label \
         FROM accounts a LEFT JOIN account_external_ids x ON x.account_id = a.id \
         WHERE a.id IN {} ORDER BY a.id, x.position",
        sql::ID_SET
    ))
    .bind_ids(ids)
    .load(conn)
    .map_err(db)?;
    let mut summaries: HashMap<i64, AccountEntry> = HashMap::new();
    for row in rows {
        let (summary, _) = summaries.entry(row.id).or_insert_with(|| {
            let summary = AccountSummary {
                id: row.id,
                uid: row.uid,
                name: row.name,
                external_ids: Vec::new(),
            };
            (summary, row.owner_contact_id)
        });
        if let (Some(external_id), Some(label)) = (row.external_id, row.label) {
            summary.external_ids.push(ExternalId { external_id, label });
        }
    }
    Ok(summaries
        .into_iter()
        .map(|(id, entry)| (id, Arc::new(entry)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(contact_id: i64, kind: i64, position: i64, a: &str) -> ChildRow {
        ChildRow {
            contact_id,
            kind,
            position,
            a: a.into(),
            b: Some(format!("{a}-b")),
            attribute_kind: (kind == ATTRIBUTE).then(|| "list".into()),
        }
    }

    /// SQL gives no order without ORDER BY; each list comes out in its shown order anyway.
    #[test]
    fn children_in_any_order_are_gathered_in_their_shown_order() {
        let mut rows = vec![
            row(2, PHONE, 1, "p2-1"),
            row(1, ATTRIBUTE, 1, "tags"),
            row(1, EMAIL, 1, "e1-1"),
            row(2, PHONE, 0, "p2-0"),
            row(1, ATTRIBUTE, 0, "tags"),
            row(1, EXTERNAL, 1, "x1-1"),
            row(1, EMAIL, 0, "e1-0"),
            row(1, EXTERNAL, 0, "x1-0"),
        ];
        // "tags" items differ only in value: position 0 must come first.
        rows[1].b = Some("second".into());
        rows[4].b = Some("first".into());
        let children = Children::gather(rows);
        assert_eq!(children.emails[&1], ["e1-0", "e1-1"]);
        assert_eq!(children.phones[&2], ["p2-0", "p2-1"]);
        let external: Vec<&str> = children.external_ids[&1]
            .iter()
            .map(|x| x.external_id.as_str())
            .collect();
        assert_eq!(external, ["x1-0", "x1-1"]);
        let tags: Vec<&str> = children.attributes[&1]
            .iter()
            .map(|(_, _, value)| value.as_str())
            .collect();
        assert_eq!(tags, ["first", "second"]);
    }

    /// Ids within twice their number of each other are read as a range; others as a set.
    #[test]
    fn close_ids_are_picked_as_a_range() {
        assert_eq!(Pick::of(&[7]), Pick::One(7));
        assert_eq!(Pick::of(&[3, 1, 2]), Pick::Range(1, 3));
        assert_eq!(Pick::of(&[1, 4]), Pick::Range(1, 4));
        assert_eq!(Pick::of(&[1, 5]), Pick::Set(&[1, 5]));
        assert_eq!(Pick::of(&[9, 1, 2]), Pick::Set(&[9, 1, 2]));
    }

    // A query plan is SQLite's (EXPLAIN QUERY PLAN): in the SQLite copy only.
    sqlite_only! {
    use crate::statement::query_plan;

    /// Loading a page looks each id up through an index; no step scans a table, builds a
    /// temporary index of the ids or sorts.
    #[test]
    fn loading_contacts_searches_by_id() {
        let picks = [Pick::of(&[1]), Pick::of(&[1, 2]), Pick::of(&[1, 9])];
        let statements = picks.iter().flat_map(|pick| {
            let load = pick.statements();
            [(pick, &load.rows, 1), (pick, &load.children, 4)]
        });
        for (pick, text, lists) in statements {
            let plan = query_plan(pick.bind(text, lists));
            let searches = plan
                .iter()
                .filter(|step| step.starts_with("SEARCH "))
                .count();
            assert_eq!(searches, lists, "{plan:?}");
            assert!(
                plan.iter()
                    .filter(|step| step.starts_with("SCAN "))
                    .all(|step| step.starts_with("SCAN wanted VIRTUAL TABLE")),
                "{plan:?}"
            );
            assert!(
                !plan
                    .iter()
                    .any(|step| step.contains("TEMP B-TREE") || step.contains("LIST SUBQUERY")),
                "{plan:?}"
            );
        }
    }
    }
}
