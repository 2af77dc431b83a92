DROP STATISTICS contact_emails_trigrams;
DROP INDEX contact_emails_search;
