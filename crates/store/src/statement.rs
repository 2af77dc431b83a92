//! Hand-written SQL with bound values. Diesel never keeps a `sql_query` prepared, so every page
//! of contacts re-parsed and re-planned its half-dozen statements (a fifth of a list request's
//! CPU). A `Statement` whose text comes from a bounded set is cached by that text; only text
//! built from a client's filter tree is marked `uncached`, so clients cannot grow the cache.

use std::fmt::Write as _;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text, Untyped};
use diesel::{Connection, QueryResult, RunQueryDsl};

#[derive(Debug, Clone)]
pub enum Bind {
    Int(i64),
    Text(String),
}

/// A value that binds as the SQL type `ST` (keeps call sites as `.bind::<BigInt, _>(id)`).
pub trait BindAs<ST> {
    fn into_bind(self) -> Bind;
}

impl BindAs<BigInt> for i64 {
    fn into_bind(self) -> Bind {
        Bind::Int(self)
    }
}

impl BindAs<Text> for String {
    fn into_bind(self) -> Bind {
        Bind::Text(self)
    }
}

/// SQL text with `?` placeholders and their values, in order. The text never holds a `?` of
/// its own (no value is spliced into it), so each `?` is the next value's place.
#[derive(Debug, Clone)]
pub struct Statement {
    sql: String,
    binds: Vec<Bind>,
    cacheable: bool,
}

impl Statement {
    pub fn new(sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            binds: Vec::new(),
            cacheable: true,
        }
    }

    pub fn sql(mut self, text: impl AsRef<str>) -> Self {
        self.sql.push_str(text.as_ref());
        self
    }

    pub fn bind<ST, V: BindAs<ST>>(mut self, value: V) -> Self {
        self.binds.push(value.into_bind());
        self
    }

    /// Appends another statement's text and values after this one's.
    pub fn append(mut self, other: Statement) -> Self {
        self.sql.push_str(&other.sql);
        self.binds.extend(other.binds);
        self.cacheable &= other.cacheable;
        self
    }

    /// Binds ids as one JSON array, for `IN (SELECT value FROM json_each(?))`: one text for any
    /// number of ids, where an `IN (?, ?, …)` list would change the statement with each length.
    pub fn bind_ids(self, ids: &[i64]) -> Self {
        let mut json = String::with_capacity(ids.len() * 8 + 2);
        json.push('[');
        for (index, id) in ids.iter().enumerate() {
            if index > 0 {
                json.push(',');
            }
            // Writing into a String cannot fail.
            let _ = write!(json, "{id}");
        }
        json.push(']');
        self.bind::<Text, _>(json)
    }

    /// Binds texts as one JSON array, for `IN (SELECT value FROM json_each(?))`: one SQL
    /// variable for any number of values, so a filter's value sets cannot run past SQLite's
    /// limit on variables in one statement.
    pub fn bind_texts(self, values: &[String]) -> Self {
        let json = serde_json::Value::from(values.to_vec()).to_string();
        self.bind::<Text, _>(json)
    }

    #[cfg(test)]
    fn with_binds(mut self, binds: Vec<Bind>) -> Self {
        self.binds.extend(binds);
        self
    }

    /// Declares the SQL types of the result columns, so rows load by position into a
    /// `Queryable` type instead of by name (a name look-up per column per row was a tenth of
    /// a page's CPU).
    pub fn returning<ST>(self) -> Returning<ST> {
        Returning {
            statement: self,
            row: PhantomData,
        }
    }

    /// Text shaped by client input: prepared for this call only.
    pub fn uncached(mut self) -> Self {
        self.cacheable = false;
        self
    }
}

/// Any backend that binds 64-bit integers and text: each `?` becomes that backend's placeholder
/// (`?` on SQLite, `$1`, `$2`… on PostgreSQL), so the text is written once.
impl<DB> QueryFragment<DB> for Statement
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: ToSql<BigInt, DB>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if !self.cacheable {
            out.unsafe_to_cache_prepared();
        }
        let mut binds = self.binds.iter();
        let mut pieces = self.sql.split('?');
        out.push_sql(pieces.next().unwrap_or_default());
        for piece in pieces {
            match binds.next() {
                Some(Bind::Int(value)) => out.push_bind_param::<BigInt, i64>(value)?,
                Some(Bind::Text(value)) => out.push_bind_param::<Text, String>(value)?,
                None => return Err(mismatch()),
            }
            out.push_sql(piece);
        }
        match binds.next() {
            Some(_) => Err(mismatch()),
            None => Ok(()),
        }
    }
}

fn mismatch() -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(
        "placeholders and bound values differ in number".into(),
    )
}

impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement {
    type SqlType = Untyped;
}

impl<C: Connection> RunQueryDsl<C> for Statement {}

/// `%value%` for LIKE, with LIKE's own wildcards escaped by `\` (both backends' LIKE take
/// `ESCAPE '\'`).
pub fn like_pattern(value: &str) -> String {
    let mut pattern = String::with_capacity(value.len() + 2);
    pattern.push('%');
    for ch in value.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// A `Statement` whose result columns have the SQL types `ST`, in order.
#[derive(Debug, Clone)]
pub struct Returning<ST> {
    statement: Statement,
    row: PhantomData<ST>,
}

impl<ST, DB> QueryFragment<DB> for Returning<ST>
where
    DB: Backend,
    Statement: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.statement.walk_ast(out)
    }
}

impl<ST> QueryId for Returning<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> Query for Returning<ST> {
    type SqlType = ST;
}

impl<ST, C: Connection> RunQueryDsl<C> for Returning<ST> {}

/// `EXPLAIN QUERY PLAN` of a statement on a fresh, migrated database: the plan tests' one tool.
#[cfg(test)]
pub(crate) fn query_plan(statement: Statement) -> Vec<String> {
    use diesel::prelude::*;

    #[derive(QueryableByName)]
    struct PlanRow {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::SqliteStore::open(
        &dir.path().join("plan.db").display().to_string(),
        crate::PoolOptions::default(),
    )
    .expect("store");
    let mut conn = store.pool().get().expect("conn");
    Statement::new("EXPLAIN QUERY PLAN ")
        .sql(&statement.sql)
        .with_binds(statement.binds)
        .load::<PlanRow>(&mut conn)
        .expect("plan")
        .into_iter()
        .map(|row| row.detail)
        .collect()
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Text)]
        t: String,
    }

    use diesel::sqlite::SqliteConnection;

    fn conn() -> SqliteConnection {
        SqliteConnection::establish(":memory:").expect("memory database")
    }

    #[test]
    fn values_take_their_places_in_order() {
        let row: Row = Statement::new("SELECT ? + 1 AS n, ")
            .bind::<BigInt, _>(41)
            .sql("? AS t")
            .bind::<Text, _>("it's".to_owned())
            .get_result(&mut conn())
            .expect("row");
        assert_eq!(
            row,
            Row {
                n: 42,
                t: "it's".into()
            }
        );
    }

    #[test]
    fn ids_bind_as_one_json_array() {
        let rows: Vec<Row> = Statement::new("SELECT value AS n, 'x' AS t FROM json_each(?)")
            .bind_ids(&[3, 1, 2])
            .load(&mut conn())
            .expect("rows");
        let ids: Vec<i64> = rows.into_iter().map(|row| row.n).collect();
        assert_eq!(ids, vec![3, 1, 2]);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn a_count_mismatch_is_an_error_not_a_wrong_query() {
        let missing = Statement::new("SELECT ? AS n, ? AS t")
            .bind::<BigInt, _>(1)
            .load::<Row>(&mut conn());
        assert!(matches!(
            missing,
            Err(diesel::result::Error::QueryBuilderError(_))
        ));
        let extra = Statement::new("SELECT 1 AS n, 'a' AS t")
            .bind::<BigInt, _>(1)
            .load::<Row>(&mut conn());
        assert!(matches!(
            extra,
            Err(diesel::result::Error::QueryBuilderError(_))
        ));
    }
}
