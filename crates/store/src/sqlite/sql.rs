//! SQL that only SQLite speaks, each piece named for what it does. The portable operations
//! call these instead of writing it inline, so the backend is said out loud.

/// A bound JSON array of values as a one-column set (`value`), for `x IN` a set of any size
/// bound as one variable: SQLite's `json_each`.
pub const VALUE_SET: &str = "(SELECT value FROM json_each(?))";

/// A bound JSON array of ids as a row source named `wanted` (column `value`), to join from:
/// SQLite walks it as the outer loop and seeks each id in the joined table's primary key.
pub const WANTED_IDS: &str = "json_each(?) AS wanted";

/// The ids of live contacts whose searchable text (names, email, phone) matches a phrase of the
/// FTS5 trigram index (`contact_search`, kept by triggers).
pub const TEXT_MATCH: &str =
    "c.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)";

/// A substring test that ignores ASCII case: SQLite's LIKE (ILIKE on PostgreSQL).
pub fn contains_ignoring_case(column: &str) -> String {
    format!("{column} LIKE ? ESCAPE '\\'")
}

/// The negation of `contains_ignoring_case`, true for NULL too.
pub fn lacks_ignoring_case(column: &str) -> String {
    format!("({column} IS NULL OR {column} NOT LIKE ? ESCAPE '\\')")
}

/// Merges the FTS5 index's segments into one (FTS5's own command, written as an insert).
pub const OPTIMIZE_SEARCH_INDEX: &str =
    "INSERT INTO contact_search(contact_search) VALUES ('optimize')";
