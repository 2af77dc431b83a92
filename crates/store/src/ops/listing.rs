//! Contact lists: by offset with a total (Grow), and by keyset after a (sort value, id) position
//! (Pylon, Workshop), both over live contacts only, ordered by the sort key then the id.

use super::{sql, Conn};
use std::sync::{Arc, LazyLock};

use contacts_core::{
    Condition, Contact, CoreError, FilterField, FilterNode, KeysetPage, OffsetPage, Operator,
    Order, SortKey, SortValue,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::contact_rows::{contact_select_list, ContactRow, ContactRowSql};
use super::filter_sql::push_filter;
use super::positions::ListPositions;
pub use super::remembered::Remembered;
use crate::error::db;
use crate::statement::Statement as Query;

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(crate) fn sort_column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Id => "c.id",
        SortKey::FirstName => "c.first_name",
        SortKey::LastName => "c.last_name",
        SortKey::Email => "c.email_key",
        SortKey::Name => "c.name_key",
        SortKey::CreatedAt => "c.created_at",
        SortKey::UpdatedAt => "c.updated_at",
    }
}

/// `head` is the statement up to its FROM (`SELECT …`).
fn live_matching(head: &str, filter: Option<&contacts_core::FilterNode>) -> Query {
    let query = Query::new(format!("{head} FROM contacts c WHERE c.deleted_at IS NULL"));
    match filter {
        Some(filter) => push_filter(query.sql(" AND "), filter),
        None => query,
    }
}

pub(crate) fn order_by(query: Query, sort: SortKey, order: Order) -> Query {
    let direction = match order {
        Order::Asc => "ASC",
        Order::Desc => "DESC",
    };
    if sort == SortKey::Id {
        query.sql(format!(" ORDER BY c.id {direction}"))
    } else {
        query.sql(format!(
            " ORDER BY {} {direction}, c.id {direction}",
            sort_column(sort)
        ))
    }
}

#[derive(QueryableByName)]
pub(crate) struct ListState {
    #[diesel(sql_type = BigInt)]
    live: i64,
    #[diesel(sql_type = BigInt)]
    pub(crate) version: i64,
}

impl ListState {
    pub(crate) fn live_count(&self) -> u64 {
        u64::try_from(self.live).unwrap_or(0)
    }
}

/// Live contacts and the list's version, both kept by triggers
/// (migrations/sqlite/…_search_and_counts, …_list_version).
pub(crate) fn list_state(conn: &mut Conn) -> Result<ListState, CoreError> {
    Query::new("SELECT live, version FROM contact_counts WHERE id = 1")
        .get_result(conn)
        .map_err(db)
}

/// A page of contacts and the total of the list it is a page of.
pub type CountedPage = (Vec<Arc<Contact>>, u64);

/// The head of a page's statement when it selects its contacts' rows: they come in the round
/// trip that finds the page, and loading the contacts is two statements (child rows, accounts)
/// where it was three. On PostgreSQL each statement is a round trip.
static ROWS_HEAD: LazyLock<String> = LazyLock::new(|| format!("SELECT {}", contact_select_list()));

/// The head of a statement that finds a page's ids alone.
const IDS_HEAD: &str = "SELECT c.id AS id";

/// A page's contacts from the statement `query` builds for a head: whole rows where `rows`
/// says so, else the ids and then their contacts. A statement that steps over rows (`OFFSET`)
/// selects ids alone: PostgreSQL would fetch every row it steps over from the table, where
/// the ids come from the sort index alone.
fn contacts_of(
    conn: &mut Conn,
    memory: &Remembered<'_>,
    rows: bool,
    query: impl FnOnce(&str) -> Result<Query, CoreError>,
) -> Result<Vec<Arc<Contact>>, CoreError> {
    if rows {
        let rows: Vec<ContactRow> = query(&ROWS_HEAD)?
            .returning::<ContactRowSql>()
            .load(conn)
            .map_err(db)?;
        return memory.load_rows(conn, rows);
    }
    let ids: Vec<IdRow> = query(IDS_HEAD)?.load(conn).map_err(db)?;
    let ids: Vec<i64> = ids.into_iter().map(|row| row.id).collect();
    memory.load(conn, &ids)
}

pub fn by_offset(
    conn: &mut Conn,
    page: &OffsetPage,
    positions: &ListPositions,
    memory: &Remembered<'_>,
) -> Result<CountedPage, CoreError> {
    let limit = i64::from(page.limit);
    let first_rows = page.offset == 0;
    let (contacts, total) = match &page.filter {
        None => {
            let state = list_state(conn)?;
            let start =
                positions.block_start(conn, page.sort, page.order, state.version, page.offset)?;
            let contacts = match start {
                // Deep in the list: from the remembered row before the block, step over the
                // rest of the offset only.
                Some((position, before)) => {
                    let deeper = KeysetPage {
                        filter: None,
                        sort: page.sort,
                        order: page.order,
                        limit: page.limit,
                        after: Some(before),
                    };
                    let skip = page.offset - position;
                    let rows = skip == 0 && keyset_is_one_run(&deeper);
                    contacts_of(conn, memory, rows, |head| {
                        Ok(keyset_query(&deeper, head)?
                            .sql(" OFFSET ?")
                            .bind::<BigInt, _>(offset_param(skip)))
                    })?
                }
                None => contacts_of(conn, memory, first_rows, |head| {
                    Ok(offset_query_from(head, page, limit))
                })?,
            };
            (contacts, state.live)
        }
        Some(filter) if searches_text(filter) => {
            // The window count needs every match at hand: it counts ids, and the page's rows
            // join them once the page is cut (a window over whole rows would hold every
            // matching row, a million for a term every contact has).
            let ids = offset_query_from("SELECT c.id AS id, COUNT(*) OVER () AS n", page, limit);
            let query = order_by(
                Query::new(format!("{}, w.n AS n FROM (", *ROWS_HEAD))
                    .append(ids)
                    .sql(") w JOIN contacts c ON c.id = w.id"),
                page.sort,
                page.order,
            );
            let rows: Vec<(ContactRow, i64)> = query
                .returning::<(ContactRowSql, BigInt)>()
                .load(conn)
                .map_err(db)?;
            let total = match rows.first() {
                Some((_, n)) => *n,
                // A page past the last match has no row to carry the total.
                None => count_matching(conn, filter)?,
            };
            let rows = rows.into_iter().map(|(row, _)| row).collect();
            (memory.load_rows(conn, rows)?, total)
        }
        Some(filter) => {
            let total = count_matching(conn, filter)?;
            let contacts = contacts_of(conn, memory, first_rows, |head| {
                Ok(offset_query_from(head, page, limit))
            })?;
            (contacts, total)
        }
    };
    Ok((contacts, u64::try_from(total).unwrap_or(0)))
}

fn offset_param(offset: u64) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}

fn count_matching(conn: &mut Conn, filter: &FilterNode) -> Result<i64, CoreError> {
    live_matching("SELECT COUNT(*) AS n", Some(filter))
        .get_result::<CountRow>(conn)
        .map(|row| row.n)
        .map_err(db)
}

/// Whether the filter has a substring test (Grow's `search`, whose field is the text; any
/// `string_contains`): its matches are gathered whole from the trigram index anyway, so its
/// page carries the total as a window count (`COUNT(*) OVER ()`), one trigram scan instead of
/// the count's and the page's. At 1 000 000 contacts, `user4242` (111 matches): PostgreSQL
/// 5.2 ms against 9.4 + 5.5, SQLite 0.31 against 0.27 + 0.28 (warm, over 400 such terms);
/// `exam` (every contact): PostgreSQL 3.8 s against 4.3 + 3.7, SQLite 0.74 s against 2.84 s.
fn searches_text(filter: &FilterNode) -> bool {
    match filter {
        FilterNode::All(nodes) | FilterNode::Any(nodes) => nodes.iter().any(searches_text),
        FilterNode::Test(condition) => {
            condition.field == FilterField::Text || condition.operator == Operator::StringContains
        }
    }
}

fn offset_query_from(head: &str, page: &OffsetPage, limit: i64) -> Query {
    order_by(
        live_matching(head, page.filter.as_ref()),
        page.sort,
        page.order,
    )
    .sql(" LIMIT ? OFFSET ?")
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset_param(page.offset))
}

pub fn after(
    conn: &mut Conn,
    page: &KeysetPage,
    memory: &Remembered<'_>,
) -> Result<Vec<Arc<Contact>>, CoreError> {
    match attribute_walk(page) {
        Some(query) => contacts_of(conn, memory, false, |_| Ok(query)),
        None => contacts_of(conn, memory, keyset_is_one_run(page), |head| {
            keyset_query(page, head)
        }),
    }
}

/// A page by id whose only filter is one attribute value (Pylon's custom-field equality): walk
/// the (key, value, contact_id) index in id order from the cursor and stop at the page size,
/// instead of gathering every contact with that value first — a value an eighth of a million
/// contacts share would otherwise cost reading all of them for every page.
fn attribute_walk(page: &KeysetPage) -> Option<Query> {
    let FilterNode::Test(Condition {
        field: FilterField::Attribute(key),
        operator,
        values,
    }) = page.filter.as_ref()?
    else {
        return None;
    };
    let [value] = values.as_slice() else {
        return None;
    };
    if page.sort != SortKey::Id
        || page.order != Order::Asc
        || !matches!(operator, Operator::Equals | Operator::Contains)
    {
        return None;
    }
    let after = page.after.as_ref().map_or(0, |(_, id)| *id);
    Some(
        Query::new(
            "SELECT ca.contact_id AS id FROM contact_attributes ca JOIN contacts c ON c.id = ca.contact_id \
             WHERE c.deleted_at IS NULL AND ca.key = ? AND ca.value = ? AND ca.contact_id > ? \
             GROUP BY ca.contact_id ORDER BY ca.contact_id LIMIT ?",
        )
        .bind::<Text, _>(key.clone())
        .bind::<Text, _>(value.clone())
        .bind::<BigInt, _>(after)
        .bind::<BigInt, _>(i64::from(page.limit)),
    )
}

/// Whether a keyset page is one ordered statement, which may select whole rows: all but
/// SQLite's two runs after a text value (below), which order by a column of their own.
fn keyset_is_one_run(page: &KeysetPage) -> bool {
    sql::KEYSET_BY_ROW_VALUE
        || page.sort == SortKey::Id
        || !matches!(page.after, Some((SortValue::Text(_), _)))
}

/// The page strictly after `page.after` in (sort value, id) order, selecting `head` (which
/// names the id `id`; a head of whole rows only where `keyset_is_one_run`).
///
/// After a text value, the page is two ordered runs merged: the rest of the contacts sharing
/// that value (`= value AND id > after`), then those past it (`> value`). SQLite uses a row
/// value `(value, id) > (?, ?)` to seek on the value only (not on the id, which is the rowid),
/// so a page after the 40 000th "Rob" would step over 40 000 index entries first; each run
/// here is one seek in the sort index.
fn keyset_query(page: &KeysetPage, head: &str) -> Result<Query, CoreError> {
    let (comparison, direction) = match page.order {
        Order::Asc => (">", "ASC"),
        Order::Desc => ("<", "DESC"),
    };
    let query = match (&page.after, page.sort) {
        (None, sort) => order_by(live_matching(head, page.filter.as_ref()), sort, page.order),
        (Some((_, id)), SortKey::Id) => order_by(
            live_matching(head, page.filter.as_ref())
                .sql(format!(" AND c.id {comparison} ?"))
                .bind::<BigInt, _>(*id),
            SortKey::Id,
            page.order,
        ),
        (Some((SortValue::Text(value), id)), sort) if sql::KEYSET_BY_ROW_VALUE => order_by(
            live_matching(head, page.filter.as_ref())
                .sql(format!(
                    " AND ({}, c.id) {comparison} (?, ?)",
                    sort_column(sort)
                ))
                .bind::<Text, _>(value.clone())
                .bind::<BigInt, _>(*id),
            sort,
            page.order,
        ),
        (Some((SortValue::Text(value), id)), sort) => {
            let column = sort_column(sort);
            let run_head = format!("{head}, {column} AS sort_value");
            live_matching(&run_head, page.filter.as_ref())
                .sql(format!(" AND {column} = ? AND c.id {comparison} ?"))
                .bind::<Text, _>(value.clone())
                .bind::<BigInt, _>(*id)
                .sql(" UNION ALL ")
                .append(live_matching(&run_head, page.filter.as_ref()))
                .sql(format!(" AND {column} {comparison} ?"))
                .bind::<Text, _>(value.clone())
                .sql(format!(" ORDER BY sort_value {direction}, id {direction}"))
        }
        (Some((SortValue::Int(_), _)), _) => return Err(CoreError::InvalidCursor),
    };
    Ok(query
        .sql(" LIMIT ?")
        .bind::<BigInt, _>(i64::from(page.limit)))
}

// Query plans are SQLite's (EXPLAIN QUERY PLAN): these tests exist in the SQLite copy only.
sqlite_only! {
#[cfg(test)]
mod tests {
    use contacts_core::{FilterField, FilterNode, Operator};

    use super::*;
    use crate::statement::query_plan;

    fn plan(page: KeysetPage) -> Vec<String> {
        query_plan(keyset_query(&page, IDS_HEAD).expect("query"))
    }

    fn page(
        filter: Option<FilterNode>,
        sort: SortKey,
        after: Option<(SortValue, i64)>,
    ) -> KeysetPage {
        KeysetPage {
            filter,
            sort,
            order: Order::Asc,
            limit: 10,
            after,
        }
    }

    /// No step of the plan reads the whole contacts table.
    fn assert_no_full_scan(plan: &[String]) {
        assert!(plan.iter().all(|step| step != "SCAN c"), "{plan:?}");
    }

    /// A substring test reaches secondary emails through their trigram index, and never reads
    /// every one of them.
    fn assert_secondary_emails_through_their_index(plan: &[String]) {
        assert!(
            plan.iter()
                .any(|step| step.contains("SCAN contact_email_search VIRTUAL TABLE")),
            "{plan:?}"
        );
        assert!(plan.iter().all(|step| step != "SCAN e"), "{plan:?}");
    }

    #[test]
    fn filters_and_sorts_use_indexes() {
        let by_email = plan(page(
            Some(FilterNode::test(
                FilterField::Email,
                Operator::Equals,
                vec!["a@b.io".into()],
            )),
            SortKey::Id,
            None,
        ));
        assert!(
            by_email
                .iter()
                .any(|step| step.contains("contacts_live_email")),
            "{by_email:?}"
        );
        assert_no_full_scan(&by_email);

        let by_attribute = plan(page(
            Some(FilterNode::test(
                FilterField::Attribute("dept".into()),
                Operator::Equals,
                vec!["Sales".into()],
            )),
            SortKey::Id,
            None,
        ));
        assert!(
            by_attribute
                .iter()
                .any(|step| step.contains("contact_attributes_by_value")),
            "{by_attribute:?}"
        );

        let by_text = plan(page(
            Some(FilterNode::test(
                FilterField::Text,
                Operator::Equals,
                vec!["user4242".into()],
            )),
            SortKey::Id,
            None,
        ));
        assert!(
            by_text.iter().any(|step| step.contains("contact_search")),
            "{by_text:?}"
        );
        assert_secondary_emails_through_their_index(&by_text);
        let by_email_substring = plan(page(
            Some(FilterNode::test(
                FilterField::Email,
                Operator::StringContains,
                vec!["@acme".into()],
            )),
            SortKey::Id,
            None,
        ));
        assert!(
            by_email_substring
                .iter()
                .any(|step| step.contains("contact_search")),
            "{by_email_substring:?}"
        );
        assert_secondary_emails_through_their_index(&by_email_substring);

        let walk = page(
            Some(FilterNode::test(
                FilterField::Attribute("dept".into()),
                Operator::Equals,
                vec!["Sales".into()],
            )),
            SortKey::Id,
            Some((SortValue::Int(5), 5)),
        );
        let steps = query_plan(attribute_walk(&walk).expect("an attribute walk"));
        assert!(
            steps
                .iter()
                .any(|step| step.contains("contact_attributes_by_value")),
            "{steps:?}"
        );
        assert!(
            steps.iter().all(|step| !step.contains("TEMP B-TREE")),
            "the walk must not sort: {steps:?}"
        );

        let deep_by_name = plan(page(
            None,
            SortKey::Name,
            Some((SortValue::Text("m".into()), 900_000)),
        ));
        assert!(
            deep_by_name
                .iter()
                .any(|step| step.contains("contacts_live_name")),
            "{deep_by_name:?}"
        );
        assert_no_full_scan(&deep_by_name);
        assert!(
            deep_by_name
                .iter()
                .all(|step| !step.contains("TEMP B-TREE")),
            "the two runs merge in index order: {deep_by_name:?}"
        );
        assert!(
            deep_by_name
                .iter()
                .any(|step| step.contains("(name_key=? AND id>?)")),
            "the run sharing the value seeks on the id too: {deep_by_name:?}"
        );

        let deep_by_created = plan(page(
            None,
            SortKey::CreatedAt,
            Some((SortValue::Text("2026".into()), 5)),
        ));
        assert!(
            deep_by_created
                .iter()
                .any(|step| step.contains("contacts_live_created")),
            "{deep_by_created:?}"
        );
    }
}
}
