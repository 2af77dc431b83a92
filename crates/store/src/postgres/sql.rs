//! SQL that only PostgreSQL speaks, under the same names as SQLite's (src/sqlite/sql.rs), so
//! the portable operations (src/ops) read the same on both.

use super::trigrams::{self, Searched};
use crate::statement::like_pattern;

/// A bound JSON array of ids as a one-column set of `bigint`. `[1,2]` becomes the array literal
/// `{1,2}` by swapping its brackets: a bigint[] parses in a fraction of what `jsonb` and its
/// set-returning function cost, and plans as an index look-up per id (a page of 25 contacts:
/// 3 300 → 5 500 transactions/s in pgbench on the harness's machine).
pub const ID_SET: &str = "(SELECT unnest(CAST(translate(?, '[]', '{}') AS bigint[])))";

/// A bound JSON array of texts as a one-column set (JSON's string escapes are not an array
/// literal's, so texts go through `jsonb`).
pub const TEXT_SET: &str = "(SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb)))";

/// A bound JSON array of ids as a row source named `wanted` (column `value`, `bigint`).
pub const WANTED_IDS: &str = "unnest(CAST(translate(?, '[]', '{}') AS bigint[])) AS wanted(value)";

/// Live contacts whose names, email or phone contain `term`, through the pg_trgm index over
/// `contact_search_text(…)` (migrations/postgres/…_search_and_counts), which joins the first
/// and last name with a space, so a full name ("Jane Doe") is a substring of it too. The index
/// serves any term of three or more characters; a shorter one is `None`, for a plain contains
/// per column. Where the term has a trigram most rows hold, the index is asked for its rare
/// parts and each row found is checked against the whole (trigrams.rs). The condition and the
/// values to bind.
pub fn text_match(row: &str, term: &str) -> Option<(String, Vec<String>)> {
    let words: Vec<&str> = term.split_whitespace().collect();
    let whole = words.join(" ").to_lowercase();
    let text =
        format!("contact_search_text({row}.first_name, {row}.last_name, {row}.email, {row}.phone)");
    (term.chars().count() >= 3).then(|| indexed_contains(&text, whole, Searched::Everything))
}

/// `text_match` restricted to the (lowercased) email, through its own trigram index.
pub fn email_match(row: &str, term: &str) -> Option<(String, Vec<String>)> {
    (term.chars().count() >= 3).then(|| {
        indexed_contains(
            &format!("{row}.email_key"),
            term.to_lowercase(),
            Searched::Email,
        )
    })
}

/// `column LIKE '%term%'` through its trigram index, which is asked only for the rare parts of
/// the term when it has a frequent trigram.
fn indexed_contains(column: &str, term: String, searched: Searched) -> (String, Vec<String>) {
    let parts = trigrams::narrowed(&term, searched);
    if parts.is_empty() {
        return (
            format!("{column} LIKE ? ESCAPE '\\'"),
            vec![like_pattern(&term)],
        );
    }
    let mut test = String::from("(");
    for _ in &parts {
        test.push_str(&format!("{column} LIKE ? ESCAPE '\\' AND "));
    }
    test.push_str(&format!("strpos({column}, ?) > 0)"));
    let mut values: Vec<String> = parts.iter().map(|part| like_pattern(part)).collect();
    values.push(term);
    (test, values)
}

/// Contacts whose secondary emails (`contact_emails`) contain `term`, ignoring case: a set of
/// contact ids to `UNION ALL` with the primary email's, and the values to bind. email_key is
/// lowercased, so the lowercased term is a plain LIKE, which the pg_trgm index over it
/// (migrations/postgres/…_other_email_search) serves for a term of three or more characters,
/// asked for its rare parts as the primary email's is. A shorter term has no trigram, so
/// `indexed_contains` leaves it the plain LIKE, which tests every secondary email.
pub fn other_email_match(term: &str) -> (String, Vec<String>) {
    let (test, values) =
        indexed_contains("e.email_key", term.to_lowercase(), Searched::OtherEmails);
    (
        format!("SELECT e.contact_id FROM contact_emails e WHERE {test}"),
        values,
    )
}

/// A substring test that ignores case: PostgreSQL's ILIKE.
pub fn contains_ignoring_case(column: &str, term: &str) -> (String, String) {
    (format!("{column} ILIKE ? ESCAPE '\\'"), like_pattern(term))
}

/// The negation of `contains_ignoring_case`, true for NULL too.
pub fn lacks_ignoring_case(column: &str, term: &str) -> (String, String) {
    (
        format!("({column} IS NULL OR {column} NOT ILIKE ? ESCAPE '\\')"),
        like_pattern(term),
    )
}

/// The channel every write tells as it commits, and every node listens on.
pub const NOTIFY_CHANGE: &str = "NOTIFY contacts_gateway_changes";
pub const LISTEN_CHANGES: &str = "LISTEN contacts_gateway_changes";

/// The next transaction id to be given out: it moves with every write of any node, and with
/// nothing that only reads.
pub const NEXT_TRANSACTION_ID: &str =
    "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n";

/// A session lock that one node holds while it migrates (any fixed number serves as the key).
pub const LOCK_MIGRATIONS: &str = "SELECT pg_advisory_lock(7171)";
pub const UNLOCK_MIGRATIONS: &str = "SELECT pg_advisory_unlock(7171)";

/// A keyset page continues after (sort value, id) with one row-value comparison,
/// `(column, id) > (?, ?)`, which PostgreSQL answers from the (column, id) index, stopping at
/// the limit. The two-part UNION ALL SQLite needs (below) gets a generic plan here that sorts
/// every row after the position: 0.08 against 6.9 ms for a page 90% down 100 000 contacts.
pub const KEYSET_BY_ROW_VALUE: bool = true;

/// The events whose place in the feed is final: those of transactions older than every
/// transaction still running. Transactions commit concurrently here, so an event's id says
/// nothing of when it committed; each event records its transaction's id (`tx`, the column's
/// default), the feed orders by (tx, id), and it shows a transaction's events only once no
/// older one can still commit, so a reader never later finds an event behind its cursor.
/// Writers take no lock and PostgreSQL keeps batching their commits.
pub const EVENTS_SETTLED: &str = "tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

/// Whether a committed event can be unsettled (so a feed page may wait for older transactions).
pub const EVENTS_SETTLE_LATER: bool = true;
