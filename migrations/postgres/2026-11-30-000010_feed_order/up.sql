-- The change feed in commit order without serialising commits. Each event records the id of
-- the transaction that wrote it; the feed orders by (tx, id) and shows a transaction's events
-- only once every older transaction has ended (src/postgres/sql.rs, EVENTS_SETTLED), so a
-- reader never finds an event behind its cursor. Events written before this migration, and
-- events copied from SQLite, keep tx 0: they were already in commit order by id, and come
-- first. The writers' advisory lock this replaces lived in the code, not the schema.
ALTER TABLE events ADD COLUMN tx BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events ALTER COLUMN tx SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX events_feed_order ON events (tx, id);
-- A webhook endpoint's cursor is (last_tx, last_position).
ALTER TABLE webhook_endpoints ADD COLUMN last_tx BIGINT NOT NULL DEFAULT 0;
