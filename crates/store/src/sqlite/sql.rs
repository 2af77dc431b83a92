//! SQL that only SQLite speaks, each piece named for what it does. The portable operations
//! (src/ops) call these instead of writing it inline; PostgreSQL's `sql` has the same names.

use crate::statement::like_pattern;

/// A bound JSON array of ids as a one-column set, for `x IN` a set of any size bound as one
/// variable: SQLite's `json_each`.
pub const ID_SET: &str = "(SELECT value FROM json_each(?))";

/// A bound JSON array of texts as a one-column set (SQLite's `json_each`).
pub const TEXT_SET: &str = "(SELECT value FROM json_each(?))";

/// A bound JSON array of ids as a row source named `wanted` (column `value`), to join from:
/// SQLite walks it as the outer loop and seeks each id in the joined table's primary key.
pub const WANTED_IDS: &str = "json_each(?) AS wanted";

/// A quoted FTS5 phrase; terms under three characters are too short for the trigram index.
fn phrase(term: &str) -> Option<String> {
    (term.chars().count() >= 3).then(|| format!("\"{}\"", term.replace('"', "\"\"")))
}

/// Live contacts whose names, email or phone contain `term`, through the FTS5 trigram index
/// (`contact_search`, kept by triggers): the condition and the values to bind. A term with a
/// space may be a full name ("Jane Doe"), which spans two columns where one FTS5 phrase looks
/// in one: the index finds the rows holding each word, and the joined name is tested on those
/// alone. `None` for a term too short for the index; the caller then tests each column with a
/// plain contains.
pub fn text_match(row: &str, term: &str) -> Option<(String, Vec<String>)> {
    let in_index =
        format!("{row}.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)");
    let whole = phrase(term)?;
    let words: Vec<&str> = term.split_whitespace().collect();
    if words.len() < 2 {
        return Some((in_index, vec![whole]));
    }
    let full_name = format!("({row}.first_name || ' ' || {row}.last_name) LIKE ? ESCAPE '\\'");
    let name_pattern = like_pattern(&words.join(" "));
    // Words under three characters cannot be looked up; the name test covers them.
    let indexed: Vec<String> = words.iter().filter_map(|word| phrase(word)).collect();
    Some(if indexed.is_empty() {
        (
            format!("({in_index} OR {full_name})"),
            vec![whole, name_pattern],
        )
    } else {
        (
            format!("({in_index} OR ({in_index} AND {full_name}))"),
            vec![whole, indexed.join(" AND "), name_pattern],
        )
    })
}

/// `text_match` restricted to the (primary) email column.
pub fn email_match(row: &str, term: &str) -> Option<(String, Vec<String>)> {
    phrase(term).map(|phrase| {
        (
            format!("{row}.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)"),
            vec![format!("email : {phrase}")],
        )
    })
}

/// Contacts whose secondary emails (`contact_emails`) contain `term`, ignoring case: a set of
/// contact ids to `UNION ALL` with the primary email's, and the values to bind. The FTS5
/// trigram index over each contact's secondary emails (migrations/sqlite/…_other_email_search)
/// finds the contacts. It holds a contact's emails joined by line breaks, so only a term with
/// a line break could match across two of them: the contacts found for such a term are checked
/// against their emails one by one. A term too short for the index tests every secondary
/// email.
pub fn other_email_match(term: &str) -> (String, Vec<String>) {
    // email_key is lowercased in full Unicode; LIKE folds ASCII only.
    let pattern = || like_pattern(&term.to_lowercase());
    match phrase(term) {
        Some(phrase) if !term.contains('\n') => (
            "SELECT rowid FROM contact_email_search WHERE contact_email_search MATCH ?".to_owned(),
            vec![phrase],
        ),
        Some(phrase) => (
            "SELECT e.contact_id FROM contact_email_search \
             JOIN contact_emails e ON e.contact_id = contact_email_search.rowid \
             WHERE contact_email_search MATCH ? AND e.email_key LIKE ? ESCAPE '\\'"
                .to_owned(),
            vec![phrase, pattern()],
        ),
        None => (
            "SELECT e.contact_id FROM contact_emails e WHERE e.email_key LIKE ? ESCAPE '\\'"
                .to_owned(),
            vec![pattern()],
        ),
    }
}

/// A substring test that ignores ASCII case, with the pattern to bind: SQLite's LIKE.
pub fn contains_ignoring_case(column: &str, term: &str) -> (String, String) {
    (format!("{column} LIKE ? ESCAPE '\\'"), like_pattern(term))
}

/// The negation of `contains_ignoring_case`, true for NULL too.
pub fn lacks_ignoring_case(column: &str, term: &str) -> (String, String) {
    (
        format!("({column} IS NULL OR {column} NOT LIKE ? ESCAPE '\\')"),
        like_pattern(term),
    )
}

/// Merges each FTS5 index's segments into one (FTS5's own command, written as an insert): the
/// contacts' and the secondary emails'.
pub const OPTIMIZE_SEARCH_INDEX: &str =
    "INSERT INTO contact_search(contact_search) VALUES ('optimize'); \
     INSERT INTO contact_email_search(contact_email_search) VALUES ('optimize')";

/// A keyset page continues after (sort value, id) as the UNION ALL of the rest of the
/// position's run (`column = ? AND id > ?`) and the rows after it (`column > ?`), each an index
/// range SQLite walks in order (PostgreSQL's row-value comparison is its sql.rs).
pub const KEYSET_BY_ROW_VALUE: bool = false;

/// Every committed event's place in the feed is final: one writer commits one transaction at a
/// time, so ids follow commit order and every event's `tx` is 0 (PostgreSQL's is its sql.rs).
pub const EVENTS_SETTLED: &str = "1 = 1";

/// Every committed event is settled, so a feed page never looks for unsettled ones.
pub const EVENTS_SETTLE_LATER: bool = false;
