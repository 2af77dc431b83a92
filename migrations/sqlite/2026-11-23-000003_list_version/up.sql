-- SQLite-specific: a version of the live contact list, bumped by every change that can add,
-- remove or move a contact in an ordered list. The store remembers sparse positions in that
-- list (for page/limit requests deep in it) and trusts them only while the version it read in
-- the same transaction is the one they were taken at; a change made by another process (an
-- import) bumps it just the same.
ALTER TABLE contact_counts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contact_version_insert AFTER INSERT ON contacts
BEGIN
    UPDATE contact_counts SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER contact_version_update AFTER UPDATE ON contacts
BEGIN
    UPDATE contact_counts SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER contact_version_delete AFTER DELETE ON contacts
BEGIN
    UPDATE contact_counts SET version = version + 1 WHERE id = 1;
END;
