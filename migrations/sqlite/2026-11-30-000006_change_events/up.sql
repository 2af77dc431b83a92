-- The change feed: one row per committed change to a contact or account, written in the same
-- transaction as the change. The id is the feed's cursor; on SQLite, with one writer, id order
-- is commit order.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    -- The contact or account as a neutral JSON object.
    data TEXT NOT NULL
);
CREATE INDEX events_occurred ON events (occurred_at);
