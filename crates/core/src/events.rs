//! The change feed: every committed change to a contact or account is an event, written in
//! the same transaction as the change, in commit order, with who made it (a dialect, an
//! import, a command) and the changed row as a neutral object carrying every id a dialect uses.

use std::cell::RefCell;

use crate::time::Timestamp;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    ContactCreated,
    ContactUpdated,
    ContactDeleted,
    AccountCreated,
    AccountUpdated,
    AccountDeleted,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ContactCreated => "contact.created",
            EventKind::ContactUpdated => "contact.updated",
            EventKind::ContactDeleted => "contact.deleted",
            EventKind::AccountCreated => "account.created",
            EventKind::AccountUpdated => "account.updated",
            EventKind::AccountDeleted => "account.deleted",
        }
    }
}

/// An event's place in the feed: the writing transaction's id, then the event's own id.
///
/// On SQLite one writer commits at a time, so every event has `tx` 0 and ids follow commit
/// order. On PostgreSQL transactions commit concurrently, so ids alone do not: the feed
/// orders by the writing transaction's id and shows only transactions older than every one
/// still running, which makes the order final once shown (`docs/events.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeedPosition {
    pub tx: i64,
    pub seq: i64,
}

impl FeedPosition {
    /// The event's id and cursor as clients see them: `evt_<seq>` when `tx` is 0 (every
    /// SQLite event, and PostgreSQL events from before transaction ids were recorded, so their
    /// cursors stay valid), else `evt_<tx>_<seq>`.
    pub fn to_cursor(self) -> String {
        match self.tx {
            0 => format!("evt_{}", self.seq),
            tx => format!("evt_{tx}_{}", self.seq),
        }
    }

    /// The position a cursor of `to_cursor` names; `None` for anything else.
    pub fn from_cursor(cursor: &str) -> Option<FeedPosition> {
        let number = |digits: &str| {
            digits
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0 && digits.bytes().all(|b| b.is_ascii_digit()))
        };
        let rest = cursor.strip_prefix("evt_")?;
        match rest.split_once('_') {
            None => Some(FeedPosition {
                tx: 0,
                seq: number(rest)?,
            }),
            Some((tx, seq)) => Some(FeedPosition {
                tx: number(tx).filter(|tx| *tx > 0)?,
                seq: number(seq)?,
            }),
        }
    }
}

/// One event as the feed lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// Its place in commit order: the feed's cursor.
    pub position: FeedPosition,
    pub kind: String,
    pub occurred_at: Timestamp,
    /// Who made the change: `grow`, `pylon`, `workshop`, `import:<source>` or `cli`.
    pub origin: String,
    /// The contact or account after the change (before it, for a delete).
    pub data: serde_json::Value,
}

thread_local! {
    static ORIGIN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work` with `origin` as the maker of every change it writes on this thread.
pub fn with_origin<T>(origin: &str, work: impl FnOnce() -> T) -> T {
    let previous = ORIGIN.with(|cell| cell.replace(Some(origin.to_owned())));
    let result = work();
    ORIGIN.with(|cell| *cell.borrow_mut() = previous);
    result
}

/// Who is making changes on this thread: what `with_origin` set, else `cli` (a command such
/// as `keys` or a test, which no dialect or import named).
pub fn current_origin() -> String {
    ORIGIN
        .with(|cell| cell.borrow().clone())
        .unwrap_or_else(|| "cli".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_their_positions_and_nothing_else() {
        for position in [
            FeedPosition { tx: 0, seq: 0 },
            FeedPosition { tx: 0, seq: 42 },
            FeedPosition {
                tx: 7_000_123,
                seq: 9,
            },
        ] {
            assert_eq!(
                FeedPosition::from_cursor(&position.to_cursor()),
                Some(position)
            );
        }
        assert_eq!(FeedPosition { tx: 0, seq: 42 }.to_cursor(), "evt_42");
        assert_eq!(FeedPosition { tx: 5, seq: 42 }.to_cursor(), "evt_5_42");
        for bad in [
            "",
            "evt_",
            "42",
            "evt_-1",
            "evt_+1",
            "evt_0_4",
            "evt_1_",
            "evt_1_2_3",
            "evt_x",
        ] {
            assert_eq!(FeedPosition::from_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn positions_order_by_transaction_first() {
        let early_tx_late_id = FeedPosition { tx: 10, seq: 99 };
        let late_tx_early_id = FeedPosition { tx: 11, seq: 1 };
        assert!(early_tx_late_id < late_tx_early_id);
    }

    #[test]
    fn origins_nest_and_unwind() {
        assert_eq!(current_origin(), "cli");
        with_origin("grow", || {
            assert_eq!(current_origin(), "grow");
            with_origin("import:csv", || assert_eq!(current_origin(), "import:csv"));
            assert_eq!(current_origin(), "grow");
        });
        assert_eq!(current_origin(), "cli");
    }
}
