DROP TRIGGER contact_counts_at_commit ON contacts;
DROP FUNCTION contact_counts_at_commit();
CREATE TRIGGER contact_counts_follow AFTER INSERT OR UPDATE OF deleted_at OR DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION contact_counts_follow();
CREATE TRIGGER contact_version_bump AFTER INSERT OR UPDATE OR DELETE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION contact_version_bump();
