-- SQLite-specific: substring search through an FTS5 trigram index, and a live-contact counter,
-- both kept up to date by triggers. A PostgreSQL backend would use pg_trgm and its own counter.

-- Names, email and phone of live contacts; rowid = contacts.id.
CREATE VIRTUAL TABLE contact_search USING fts5(first_name, last_name, email, phone, tokenize = 'trigram');

INSERT INTO contact_search (rowid, first_name, last_name, email, phone)
    SELECT id, first_name, last_name, coalesce(email, ''), coalesce(phone, '')
    FROM contacts WHERE deleted_at IS NULL;

CREATE TRIGGER contact_search_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO contact_search (rowid, first_name, last_name, email, phone)
        VALUES (new.id, new.first_name, new.last_name, coalesce(new.email, ''), coalesce(new.phone, ''));
END;

CREATE TRIGGER contact_search_update AFTER UPDATE OF first_name, last_name, email, phone, deleted_at ON contacts
BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
    INSERT INTO contact_search (rowid, first_name, last_name, email, phone)
        SELECT new.id, new.first_name, new.last_name, coalesce(new.email, ''), coalesce(new.phone, '')
        WHERE new.deleted_at IS NULL;
END;

CREATE TRIGGER contact_search_delete AFTER DELETE ON contacts
BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
END;

-- How many live contacts there are, so an unfiltered total needs no scan.
CREATE TABLE contact_counts (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    live BIGINT NOT NULL
);
INSERT INTO contact_counts (id, live) SELECT 1, count(*) FROM contacts WHERE deleted_at IS NULL;

CREATE TRIGGER contact_counts_insert AFTER INSERT ON contacts WHEN new.deleted_at IS NULL
BEGIN
    UPDATE contact_counts SET live = live + 1 WHERE id = 1;
END;

CREATE TRIGGER contact_counts_tombstone AFTER UPDATE OF deleted_at ON contacts
    WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL
BEGIN
    UPDATE contact_counts SET live = live - 1 WHERE id = 1;
END;

CREATE TRIGGER contact_counts_delete AFTER DELETE ON contacts WHEN old.deleted_at IS NULL
BEGIN
    UPDATE contact_counts SET live = live - 1 WHERE id = 1;
END;
