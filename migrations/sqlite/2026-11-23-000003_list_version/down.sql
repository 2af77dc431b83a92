DROP TRIGGER contact_version_delete;
DROP TRIGGER contact_version_update;
DROP TRIGGER contact_version_insert;
ALTER TABLE contact_counts DROP COLUMN version;
