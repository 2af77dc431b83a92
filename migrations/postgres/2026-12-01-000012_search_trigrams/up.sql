-- Statistics of the trigrams each searched expression holds: ANALYZE (and autovacuum) counts
-- their most common elements, from which each node learns which trigrams most contacts share,
-- so that a search does not ask its trigram index for them (src/postgres/trigrams.rs).
CREATE STATISTICS contacts_search_trigrams
    ON (show_trgm(contact_search_text(first_name, last_name, email, phone))) FROM contacts;
CREATE STATISTICS contacts_email_trigrams ON (show_trgm(email_key)) FROM contacts;
