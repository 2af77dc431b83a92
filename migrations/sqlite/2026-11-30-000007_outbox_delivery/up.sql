-- Delivering the outbox: how many tries an email has had, when the next may start (a sender
-- that claims an email sets it to the end of its lease, so another node leaves it alone), and
-- the last failure, for operators.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
