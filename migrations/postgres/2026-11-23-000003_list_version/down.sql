DROP TRIGGER contact_version_bump ON contacts;
DROP FUNCTION contact_version_bump();
ALTER TABLE contact_counts DROP COLUMN version;
