-- The directory: accounts, contacts and everything hanging off them, API keys, the outbox
-- and the record of imports. Portable SQL except where marked.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    phone TEXT,
    website TEXT,
    vat TEXT,
    category_id BIGINT NOT NULL DEFAULT 2,
    billing_street TEXT,
    billing_city TEXT,
    billing_state TEXT,
    billing_zip TEXT,
    billing_country TEXT,
    invoice_due_days BIGINT,
    -- JSON arrays of strings: shown whole, never filtered on.
    tags TEXT NOT NULL DEFAULT '[]',
    domains TEXT NOT NULL DEFAULT '[]',
    owner_contact_id BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX accounts_owner ON accounts (owner_contact_id);

CREATE TABLE account_external_ids (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    external_id TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (account_id, position)
);
CREATE UNIQUE INDEX account_external_ids_unique ON account_external_ids (external_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    -- Lowercased full name: Workshop's `name` sort.
    name_key TEXT NOT NULL,
    email TEXT,
    -- Lowercased email: uniqueness and look-ups are case-insensitive.
    email_key TEXT,
    phone TEXT,
    job_position TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    account_id BIGINT REFERENCES accounts (id),
    role_id INTEGER NOT NULL DEFAULT 2,
    portal_role TEXT,
    portal_role_id TEXT,
    avatar_url TEXT,
    social_facebook TEXT,
    social_twitter TEXT,
    social_linkedin TEXT,
    social_github TEXT,
    social_dribbble TEXT,
    password_hash TEXT,
    source TEXT NOT NULL DEFAULT 'api',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
-- Live emails are unique; a tombstone has none, so a deleted contact's email is free again.
CREATE UNIQUE INDEX contacts_live_email ON contacts (email_key)
    WHERE deleted_at IS NULL AND email_key IS NOT NULL;
-- Every sort the dialects offer, over live contacts, broken by id.
CREATE INDEX contacts_live_name ON contacts (name_key, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_created ON contacts (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_updated ON contacts (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_first_name ON contacts (first_name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_last_name ON contacts (last_name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_email_sort ON contacts (email_key, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_account ON contacts (account_id, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_status ON contacts (status, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_source ON contacts (source) WHERE deleted_at IS NULL;

-- Emails besides the primary one (Pylon's `emails`).
CREATE TABLE contact_emails (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
);
CREATE UNIQUE INDEX contact_emails_unique ON contact_emails (email_key);

-- Every phone of a contact in the order given; contacts.phone is the primary one.
CREATE TABLE contact_phones (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    phone TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
);

CREATE TABLE contact_external_ids (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    external_id TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
);
-- Rows are removed when their contact is deleted, so this is uniqueness among live contacts.
CREATE UNIQUE INDEX contact_external_ids_unique ON contact_external_ids (external_id);

-- Attributes (Pylon custom fields): a scalar is one row at position 0, a list one row per item.
CREATE TABLE contact_attributes (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    -- text, number, bool or list
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (contact_id, key, position)
);
CREATE INDEX contact_attributes_by_value ON contact_attributes (key, value, contact_id);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    -- Lowercase hex SHA-256 of the key; the key itself is never stored.
    key_hash TEXT NOT NULL UNIQUE,
    read_only BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Emails waiting to be delivered. The only place a generated password ever exists in plain text.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT
);

CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    applied BOOLEAN NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    rejected BIGINT NOT NULL
);
