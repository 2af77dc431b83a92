-- The live-contact counter and the list's version are one row, so every transaction that
-- writes a contact locks it until it ends. Updated when the contact row was written (the
-- counter per row, the version per statement), the lock was held through every statement the
-- write made after it (its children, its change-feed event, reading the contact back), and
-- concurrent creates waited on each other for all of that. One deferred trigger now updates
-- both in the same transaction, at its commit, so the lock is held only while it commits.
DROP TRIGGER contact_counts_follow ON contacts;
DROP TRIGGER contact_version_bump ON contacts;

CREATE FUNCTION contact_counts_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT := CASE
        WHEN TG_OP = 'INSERT' AND NEW.deleted_at IS NULL THEN 1
        WHEN TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN -1
        WHEN TG_OP = 'DELETE' AND OLD.deleted_at IS NULL THEN -1
        ELSE 0
    END;
BEGIN
    UPDATE contact_counts SET live = live + delta, version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER contact_counts_at_commit
    AFTER INSERT OR UPDATE OR DELETE ON contacts
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION contact_counts_at_commit();
