//! Contact lists: by offset with a total (Grow), and by keyset after a (sort value, id) position
//! (Pylon, Workshop), both over live contacts only, ordered by the sort key then the id.

use contacts_core::{Contact, CoreError, KeysetPage, OffsetPage, Order, SortKey, SortValue};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;

use crate::contact_rows::load_contacts;
use crate::error::db;
use crate::filter_sql::{push_filter, Query};

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

fn sort_column(sort: SortKey) -> &'static str {
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

fn live_matching(select: &str, filter: Option<&contacts_core::FilterNode>) -> Query {
    let query = diesel::sql_query(format!(
        "SELECT {select} FROM contacts c WHERE c.deleted_at IS NULL"
    ))
    .into_boxed();
    match filter {
        Some(filter) => push_filter(query.sql(" AND "), filter),
        None => query,
    }
}

fn order_by(query: Query, sort: SortKey, order: Order) -> Query {
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

pub fn by_offset(
    conn: &mut SqliteConnection,
    page: &OffsetPage,
) -> Result<(Vec<Contact>, u64), CoreError> {
    let total: CountRow = live_matching("COUNT(*) AS n", page.filter.as_ref())
        .get_result(conn)
        .map_err(db)?;
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    let ids: Vec<IdRow> = order_by(
        live_matching("c.id AS id", page.filter.as_ref()),
        page.sort,
        page.order,
    )
    .sql(" LIMIT ? OFFSET ?")
    .bind::<BigInt, _>(i64::from(page.limit))
    .bind::<BigInt, _>(offset)
    .load(conn)
    .map_err(db)?;
    let ids: Vec<i64> = ids.into_iter().map(|row| row.id).collect();
    let contacts = load_contacts(conn, &ids)?;
    Ok((contacts, u64::try_from(total.n).unwrap_or(0)))
}

pub fn after(conn: &mut SqliteConnection, page: &KeysetPage) -> Result<Vec<Contact>, CoreError> {
    let mut query = live_matching("c.id AS id", page.filter.as_ref());
    if let Some((value, id)) = &page.after {
        let comparison = match page.order {
            Order::Asc => ">",
            Order::Desc => "<",
        };
        query = match (page.sort, value) {
            (SortKey::Id, _) => query
                .sql(format!(" AND c.id {comparison} ?"))
                .bind::<BigInt, _>(*id),
            (sort, SortValue::Text(text)) => query
                .sql(format!(
                    " AND ({}, c.id) {comparison} (?, ?)",
                    sort_column(sort)
                ))
                .bind::<Text, _>(text.clone())
                .bind::<BigInt, _>(*id),
            (_, SortValue::Int(_)) => return Err(CoreError::InvalidCursor),
        };
    }
    let ids: Vec<IdRow> = order_by(query, page.sort, page.order)
        .sql(" LIMIT ?")
        .bind::<BigInt, _>(i64::from(page.limit))
        .load(conn)
        .map_err(db)?;
    let ids: Vec<i64> = ids.into_iter().map(|row| row.id).collect();
    load_contacts(conn, &ids)
}
