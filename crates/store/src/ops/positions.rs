//! Remembered positions in the unfiltered live contact list: one row in every 1 024, per sort
//! order, so a page/limit request deep in a million contacts starts next to its offset instead
//! of stepping over every row before it (Grow's page 36 000 read 900 000 index entries). The
//! positions are trusted only at the list version they were taken at (`contact_counts.version`,
//! bumped by triggers on every change, from any process), read in the same transaction.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Conn;
use contacts_core::{CoreError, Order, SortKey, SortValue};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::listing::{order_by, sort_column};
use crate::error::db;
use crate::statement::Statement;

/// Rows between two remembered positions: the most a deep page steps over.
pub const SPACING: u64 = 1024;

/// Re-reading the list costs a walk over all of it, more than one deep OFFSET; under a steady
/// stream of writes (each one a new version) the list is re-read at most this often, and pages
/// in between take the plain OFFSET.
const REREAD_AT_MOST_EVERY: Duration = Duration::from_secs(1);

/// A block's position in the list, and the (sort value, id) of the row just before it.
pub type BlockStart = (u64, (SortValue, i64));

#[derive(Default)]
pub struct ListPositions {
    lists: Mutex<HashMap<(SortKey, Order), Marks>>,
}

struct Marks {
    version: i64,
    taken_at: Instant,
    /// `rows[j]` is the row at position `(j + 1) * SPACING - 1`, the last before block `j + 1`.
    rows: Vec<(SortValue, i64)>,
}

#[derive(QueryableByName)]
struct MarkRow {
    #[diesel(sql_type = Text)]
    value: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

impl ListPositions {
    /// For a page at `offset`: the position of the nearest block start at or before it, and
    /// the (sort value, id) of the row just before that block, for a keyset query. `None` for
    /// an offset in the first block, or a sort whose column can be null (email), which keyset
    /// comparisons cannot order.
    pub fn block_start(
        &self,
        conn: &mut Conn,
        sort: SortKey,
        order: Order,
        version: i64,
        offset: u64,
    ) -> Result<Option<BlockStart>, CoreError> {
        if offset < SPACING || sort == SortKey::Email {
            return Ok(None);
        }
        // Held while a stale list is re-read, so concurrent deep pages wait for one re-read
        // instead of each making its own.
        let mut lists = self
            .lists
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let marks = match lists.get(&(sort, order)) {
            Some(marks) if marks.version == version => marks,
            Some(stale) if stale.taken_at.elapsed() < REREAD_AT_MOST_EVERY => return Ok(None),
            _ => {
                let rows = take_marks(conn, sort, order)?;
                let taken_at = Instant::now();
                lists.insert(
                    (sort, order),
                    Marks {
                        version,
                        taken_at,
                        rows,
                    },
                );
                &lists[&(sort, order)]
            }
        };
        // Past the end of the list, the last block start still bounds the rows stepped over.
        let block = usize::try_from(offset / SPACING)
            .unwrap_or(usize::MAX)
            .min(marks.rows.len());
        Ok(block
            .checked_sub(1)
            .and_then(|index| marks.rows.get(index))
            .map(|row| (block as u64 * SPACING, row.clone())))
    }
}

impl ListPositions {
    /// Whether this order's positions were taken at `version`.
    pub fn are_current(&self, sort: SortKey, order: Order, version: i64) -> bool {
        self.lists
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&(sort, order))
            .is_some_and(|marks| marks.version == version)
    }
}

/// Reads the whole ordered list once, streaming, keeping one row in every `SPACING`.
fn take_marks(
    conn: &mut Conn,
    sort: SortKey,
    order: Order,
) -> Result<Vec<(SortValue, i64)>, CoreError> {
    let value = match sort {
        SortKey::Id => "''",
        other => sort_column(other),
    };
    let query = order_by(
        Statement::new(format!(
            "SELECT {value} AS value, c.id AS id FROM contacts c WHERE c.deleted_at IS NULL"
        )),
        sort,
        order,
    );
    let mut rows = Vec::new();
    for (index, row) in query
        .load_iter::<MarkRow, diesel::connection::DefaultLoadingMode>(conn)
        .map_err(db)?
        .enumerate()
    {
        let row = row.map_err(db)?;
        if (index as u64 + 1).is_multiple_of(SPACING) {
            let value = match sort {
                SortKey::Id => SortValue::Int(row.id),
                _ => SortValue::Text(row.value),
            };
            rows.push((value, row.id));
        }
    }
    Ok(rows)
}
