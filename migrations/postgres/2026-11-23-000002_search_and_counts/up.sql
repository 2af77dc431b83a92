-- PostgreSQL's counterparts of SQLite's FTS5 trigram index and live-contact counter: substring
-- search through pg_trgm (a GIN trigram index over the searchable text of live contacts), and
-- a counter kept by a trigger.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The text Grow's `search` looks in, lowercased, as one expression the index covers.
CREATE FUNCTION contact_search_text(first_name TEXT, last_name TEXT, email TEXT, phone TEXT)
    RETURNS TEXT LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    AS $$ SELECT lower(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '')) $$;

CREATE INDEX contacts_live_search ON contacts
    USING gin (contact_search_text(first_name, last_name, email, phone) gin_trgm_ops)
    WHERE deleted_at IS NULL;
CREATE INDEX contacts_live_email_search ON contacts
    USING gin (email_key gin_trgm_ops)
    WHERE deleted_at IS NULL;

-- How many live contacts there are, so an unfiltered total needs no scan.
CREATE TABLE contact_counts (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    live BIGINT NOT NULL
);
INSERT INTO contact_counts (id, live) SELECT 1, count(*) FROM contacts WHERE deleted_at IS NULL;

CREATE FUNCTION contact_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.deleted_at IS NULL THEN
        UPDATE contact_counts SET live = live + 1 WHERE id = 1;
    ELSIF TG_OP = 'UPDATE' AND OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
        UPDATE contact_counts SET live = live - 1 WHERE id = 1;
    ELSIF TG_OP = 'DELETE' AND OLD.deleted_at IS NULL THEN
        UPDATE contact_counts SET live = live - 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER contact_counts_follow AFTER INSERT OR UPDATE OF deleted_at OR DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION contact_counts_follow();
