//! `keys create | list | revoke`, and the bootstrap key minted on the first start.

use contacts_core::{ApiKey, CoreError, Directory, KeyRecord, RateLimit};

/// Creates a key and answers it with its plaintext, which the caller prints once.
pub fn create(
    directory: &dyn Directory,
    name: &str,
    read_only: bool,
) -> Result<(ApiKey, KeyRecord), CoreError> {
    create_limited(directory, name, read_only, None)
}

/// Creates a key with its own rate limit (`None`: the configured default applies).
pub fn create_limited(
    directory: &dyn Directory,
    name: &str,
    read_only: bool,
    rate_limit: Option<RateLimit>,
) -> Result<(ApiKey, KeyRecord), CoreError> {
    let key = ApiKey::generate();
    let record = directory.create_key(name, &key.hash(), read_only, rate_limit)?;
    Ok((key, record))
}

/// One line per key for `keys list`.
pub fn describe(record: &KeyRecord) -> String {
    let access = if record.read_only {
        "read-only"
    } else {
        "read-write"
    };
    let state = match &record.revoked_at {
        Some(at) => format!("revoked {at}"),
        None => "active".to_owned(),
    };
    let limit = match record.rate_limit {
        Some(RateLimit { per_second, burst }) => format!("{per_second}/s burst {burst}"),
        None => "default limit".to_owned(),
    };
    format!(
        "{}\t{access}\tcreated {}\t{state}\t{limit}",
        record.name, record.created_at
    )
}

/// On an empty key table, mints the first key so a new install can be used at once.
pub fn bootstrap(directory: &dyn Directory) -> Result<Option<ApiKey>, CoreError> {
    if directory.count_keys()? > 0 {
        return Ok(None);
    }
    match create(directory, "bootstrap", false) {
        Ok((key, _)) => Ok(Some(key)),
        // Another node sharing the database minted it first; it printed the key.
        Err(CoreError::Conflict(contacts_core::Conflict::KeyNameTaken)) => Ok(None),
        Err(err) => Err(err),
    }
}
