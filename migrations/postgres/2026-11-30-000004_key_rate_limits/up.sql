-- A key may carry its own rate limit (`keys create --rate-limit N [--burst M]`); NULL means the
-- configured default applies.
ALTER TABLE api_keys ADD COLUMN rate_limit_per_second INTEGER;
ALTER TABLE api_keys ADD COLUMN rate_limit_burst INTEGER;
