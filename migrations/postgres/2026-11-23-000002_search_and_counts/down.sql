DROP TRIGGER contact_counts_follow ON contacts;
DROP FUNCTION contact_counts_follow();
DROP TABLE contact_counts;
DROP INDEX contacts_live_email_search;
DROP INDEX contacts_live_search;
DROP FUNCTION contact_search_text(TEXT, TEXT, TEXT, TEXT);
-- pg_trgm stays: another schema in the database may use it, and it holds no data.
