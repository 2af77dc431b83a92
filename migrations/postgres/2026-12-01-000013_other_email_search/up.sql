-- Substring search over secondary emails (contact_emails) through a pg_trgm index, as the
-- primary email has through contacts_live_email_search: without it, each Grow search and each
-- Pylon email `string_contains` read every secondary email. email_key is lowercased, so a
-- search tests it with LIKE and a lowercased term.
CREATE INDEX contact_emails_search ON contact_emails USING gin (email_key gin_trgm_ops);

-- Statistics of the trigrams secondary emails hold, as …_search_trigrams keeps for the
-- contacts' columns: a search asks the index only for the rare parts of its term
-- (src/postgres/trigrams.rs), since secondary emails often share a trigram with most terms
-- (`user4242` against a million `user…@work.example`: 18 ms in the index, against well under one).
CREATE STATISTICS contact_emails_trigrams ON (show_trgm(email_key)) FROM contact_emails;
-- Counted now: autovacuum analyzes a table only once enough of it has changed since its last
-- ANALYZE, which a directory's secondary emails may never do.
ANALYZE contact_emails;
