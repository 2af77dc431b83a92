-- The change feed orders by (tx, id), the writing transaction's id first, because on
-- PostgreSQL transactions commit concurrently. Here one writer commits at a time, so ids
-- already follow commit order and every event's tx is 0; the column keeps one schema and one
-- feed query for both engines.
ALTER TABLE events ADD COLUMN tx BIGINT NOT NULL DEFAULT 0;
CREATE INDEX events_feed_order ON events (tx, id);
-- A webhook endpoint's cursor is (last_tx, last_position).
ALTER TABLE webhook_endpoints ADD COLUMN last_tx BIGINT NOT NULL DEFAULT 0;
