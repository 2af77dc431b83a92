DROP TRIGGER contact_counts_delete;
DROP TRIGGER contact_counts_tombstone;
DROP TRIGGER contact_counts_insert;
DROP TABLE contact_counts;
DROP TRIGGER contact_search_delete;
DROP TRIGGER contact_search_update;
DROP TRIGGER contact_search_insert;
DROP TABLE contact_search;
