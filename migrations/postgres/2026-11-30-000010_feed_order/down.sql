ALTER TABLE webhook_endpoints DROP COLUMN last_tx;
DROP INDEX events_feed_order;
ALTER TABLE events DROP COLUMN tx;
