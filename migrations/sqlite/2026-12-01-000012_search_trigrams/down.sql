-- PostgreSQL's counterpart keeps statistics of the trigrams its search indexes hold. SQLite's
-- FTS5 trigram index needs none: it seeks within a trigram's list of rows rather than reading
-- it, so this change has nothing to do here.
SELECT 1;
