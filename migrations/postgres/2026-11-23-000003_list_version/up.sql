-- A version of the live contact list, bumped by every change that can add, remove or move a
-- contact in an ordered list, as on SQLite: remembered list positions are trusted only while
-- the version read in the same transaction is the one they were taken at.
ALTER TABLE contact_counts ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION contact_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE contact_counts SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

-- Once per statement, not per row: a bulk insert bumps the version once.
CREATE TRIGGER contact_version_bump AFTER INSERT OR UPDATE OR DELETE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION contact_version_bump();
