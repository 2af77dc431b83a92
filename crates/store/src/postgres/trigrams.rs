//! Which part of a substring search PostgreSQL's trigram indexes are asked for.
//!
//! A GIN trigram index answers `LIKE '%term%'` by reading the list of rows of every trigram of
//! the term and keeping the rows in all of them. A trigram most rows hold costs a read of most
//! of the index and narrows nothing: at 1 000 000 contacts `user4242` spends 5.9 ms in the
//! index on `use` and `ser` (every contact's email has them), where `r4242` alone finds the
//! same 112 rows in 0.45 ms. So where the term has a frequent trigram, the index is asked for
//! every part of the term made of rare ones, each a `LIKE` of its own that the one index scan
//! answers together, and each row it finds is checked against the whole term (`strpos`, which
//! no index serves, so PostgreSQL does not hand it to the index). Every part, not only the
//! longest: `user5554` has `r55` and `554`, and `r55` alone finds 11 111 rows where both find
//! the 111 (Grow's search, warm: 6.8 against 1.2 ms).
//!
//! Which trigrams are frequent comes from PostgreSQL's own statistics: each searched
//! expression's trigram array has extended statistics (migrations/postgres/…_search_trigrams,
//! and …_other_email_search for secondary emails) whose most common elements ANALYZE (or
//! autovacuum) counts. Each node learns them when its listener connects and every
//! `LEARN_EVERY` after. They only choose which trigrams the index reads: a stale estimate, or
//! none yet, costs time, never a wrong answer.

use std::collections::HashSet;
use std::sync::{LazyLock, RwLock};
use std::time::Duration;

use diesel::pg::PgConnection;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};

/// How often a node learns the statistics again.
pub const LEARN_EVERY: Duration = Duration::from_secs(60);

/// A trigram held by at least this share of the rows is not asked of the index.
const FREQUENT: f32 = 0.02;

/// What a search looks in, each with its trigram index and its statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Searched {
    /// Names, email and phone (`contact_search_text`).
    Everything = 0,
    /// The lowercased email.
    Email = 1,
    /// The lowercased secondary emails (`contact_emails`).
    OtherEmails = 2,
}

impl Searched {
    const ALL: [Searched; 3] = [Searched::Everything, Searched::Email, Searched::OtherEmails];

    fn statistics(self) -> &'static str {
        match self {
            Searched::Everything => "contacts_search_trigrams",
            Searched::Email => "contacts_email_trigrams",
            Searched::OtherEmails => "contact_emails_trigrams",
        }
    }
}

/// The frequent trigrams of each searched expression, as last learned, by `Searched`.
#[derive(Debug, Default, PartialEq)]
pub struct Frequent([HashSet<String>; 3]);

impl Frequent {
    fn of(&self, searched: Searched) -> &HashSet<String> {
        &self.0[searched as usize]
    }
}

/// Process-wide: the searches' SQL is written by functions that hold no store. Every node of
/// one database learns the same; two databases in one process (tests) share an estimate,
/// which only costs time.
static LEARNED: LazyLock<RwLock<Frequent>> = LazyLock::new(RwLock::default);

#[derive(QueryableByName)]
struct FrequentTrigram {
    #[diesel(sql_type = Text)]
    statistics: String,
    #[diesel(sql_type = Text)]
    trigram: String,
}

/// Reads the frequent trigrams from the statistics ANALYZE last gathered (none before it ran).
pub fn learn(conn: &mut PgConnection) -> Result<(), diesel::result::Error> {
    let rows: Vec<FrequentTrigram> = diesel::sql_query(
        "SELECT s.statistics_name::text AS statistics, e.trigram \
         FROM pg_stats_ext_exprs s, \
              unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(trigram, share) \
         WHERE s.schemaname = current_schema() AND e.trigram IS NOT NULL AND e.share >= $1",
    )
    .bind::<diesel::sql_types::Float, _>(FREQUENT)
    .load(conn)?;
    let mut frequent = Frequent::default();
    for row in rows {
        let searched = Searched::ALL
            .into_iter()
            .find(|searched| searched.statistics() == row.statistics);
        if let Some(searched) = searched {
            frequent.0[searched as usize].insert(row.trigram);
        }
    }
    if let Ok(mut learned) = LEARNED.write() {
        *learned = frequent;
    }
    Ok(())
}

/// The parts of `term` (lowercased, as the index holds it) to ask the index for, when they
/// are narrower than the whole term; none to ask for the whole.
pub fn narrowed(term: &str, searched: Searched) -> Vec<String> {
    match LEARNED.read() {
        Ok(learned) => rare_parts(term, learned.of(searched)),
        Err(_) => Vec::new(),
    }
}

/// The most parts one search asks for: the longest of them, as each is one more `LIKE`.
const MOST_PARTS: usize = 8;

/// The runs of `term` whose trigrams are all rare, when `term` has a frequent trigram (longest
/// first, at most `MOST_PARTS`). pg_trgm builds trigrams from letters and digits only, so a
/// run never spans another character.
fn rare_parts(term: &str, frequent: &HashSet<String>) -> Vec<String> {
    let chars: Vec<char> = term.chars().collect();
    let windows: Vec<Option<bool>> = chars
        .windows(3)
        .map(|window| {
            window.iter().all(|c| c.is_alphanumeric()).then(|| {
                let trigram: String = window.iter().collect();
                !frequent.contains(&trigram)
            })
        })
        .collect();
    if !windows.contains(&Some(false)) {
        return Vec::new();
    }
    // Runs of rare windows, as (start, end) window indexes.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut run_start = None;
    for (index, window) in windows.iter().enumerate() {
        match (window, run_start) {
            (Some(true), None) => run_start = Some(index),
            (Some(true), Some(_)) => {}
            (_, Some(start)) => {
                run_start = None;
                runs.push((start, index));
            }
            (_, None) => {}
        }
    }
    if let Some(start) = run_start {
        runs.push((start, windows.len()));
    }
    // Longest first; a stable sort keeps equals in the term's order.
    runs.sort_by_key(|(start, end)| std::cmp::Reverse(end - start));
    runs.truncate(MOST_PARTS);
    // Windows start..end span the characters start..end + 2.
    runs.into_iter()
        .map(|(start, end)| chars[start..end + 2].iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frequent(trigrams: &[&str]) -> HashSet<String> {
        trigrams.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn frequent_trigrams_are_left_out_of_the_index_parts() {
        let common = frequent(&[
            "use", "ser", "er4", "er5", "555", "exa", "xam", "amp", "mpl", "ple", "com",
        ]);
        assert_eq!(rare_parts("user4242", &common), ["r4242"]);
        // Every rare run is a part, longest first: `r55` alone would find a hundred times
        // the rows both find.
        assert_eq!(rare_parts("user5554", &common), ["r55", "554"]);
        // A run stops at a character pg_trgm does not index.
        assert_eq!(
            rare_parts("user4242@example7.com", &common),
            ["r4242", "le7"]
        );
        assert!(rare_parts("jo.smith", &common).is_empty());
    }

    #[test]
    fn a_long_term_asks_for_its_longest_parts_only() {
        let common = frequent(&["aaa"]);
        let term = (0..20)
            .map(|n| format!("b{n:02}"))
            .collect::<Vec<_>>()
            .join("aaa");
        let parts = rare_parts(&term, &common);
        assert_eq!(parts.len(), MOST_PARTS);
        assert!(parts.iter().all(|part| term.contains(part.as_str())));
    }

    #[test]
    fn a_term_with_no_frequent_trigram_or_only_frequent_ones_is_asked_whole() {
        let common = frequent(&["use", "ser"]);
        assert!(rare_parts("ada lovelace", &common).is_empty());
        assert!(rare_parts("user", &common).is_empty());
        assert!(rare_parts("ser", &common).is_empty());
        assert!(rare_parts("", &common).is_empty());
    }
}
