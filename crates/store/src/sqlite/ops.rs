//! The portable operations (src/ops), compiled for SQLite: written once, they name their
//! connection `Conn` and ask `sql` for what only SQLite speaks.

pub type Conn = diesel::sqlite::SqliteConnection;
pub type Db = diesel::sqlite::Sqlite;
pub use super::sql;

/// Items that only mean something on this engine's SQL (tests of SQLite's query plans).
macro_rules! sqlite_only {
    ($($item:item)*) => {
        $($item)*
    };
}

#[path = "../ops/accounts.rs"]
pub mod accounts;
#[path = "../ops/bulk.rs"]
pub mod bulk;
#[path = "../ops/contact_rows.rs"]
pub mod contact_rows;
#[path = "../ops/contacts.rs"]
pub mod contacts;
#[path = "../ops/events.rs"]
pub mod events;
#[path = "../ops/filter_sql.rs"]
pub mod filter_sql;
#[path = "../ops/idempotency.rs"]
pub mod idempotency;
#[path = "../ops/import.rs"]
pub mod import;
#[path = "../ops/keys.rs"]
pub mod keys;
#[path = "../ops/listing.rs"]
pub mod listing;
#[path = "../ops/outbox.rs"]
pub mod outbox;
#[path = "../ops/positions.rs"]
pub mod positions;
#[path = "../ops/remembered.rs"]
pub mod remembered;
#[path = "../ops/reset.rs"]
pub mod reset;
#[path = "../ops/webhooks.rs"]
pub mod webhooks;
