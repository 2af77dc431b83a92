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

/// One event as the feed lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// Its place in commit order: the feed's cursor.
    pub position: i64,
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
