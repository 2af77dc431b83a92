-- Idempotency-Key records: per API key, the request's fingerprint (method, path and body), and
-- once its change committed, its answer (stored in the same transaction as the change). A
-- record still `pending` past its lease belongs to a request that never committed.
CREATE TABLE idempotency_keys (
    api_key TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    status INTEGER,
    location TEXT,
    body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (api_key, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
