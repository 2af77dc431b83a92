-- Webhook endpoints. Each is delivered the change feed's events in commit order from its own
-- cursor (last_position), one event at a time: the current event's tries, when the next may
-- start (a sender that claims the endpoint sets it to its lease's end, so no other node sends
-- at once), how many events were given up on, and the last failure.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- `whsec_` + base64: kept to sign each delivery (Standard Webhooks).
    secret TEXT NOT NULL,
    -- JSON list of event types; empty means every type.
    event_types TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_position BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    failed BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
