//! Where the database is: `database.url` read as a backend and an absolute location.
//!
//! A relative path is resolved against the working directory when the command starts, and the
//! start line says so, because a start from another directory silently makes a new database.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::ConfigError;

/// The database a command opens, as it will be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// A PostgreSQL database, shared by any number of nodes. The URL's password, if any, is
    /// never shown.
    Postgres { url: String },
    /// One SQLite file, the embedded default.
    Sqlite {
        /// The file, absolute.
        path: PathBuf,
        /// The path as configured, when it was relative (and so resolved).
        configured_relative: Option<String>,
    },
}

impl DatabaseLocation {
    /// Reads `url` (a path, or `sqlite://` and a path) against `working_dir`.
    pub fn resolve(url: &str, working_dir: &Path) -> Result<Self, ConfigError> {
        if contacts_store::is_postgres_url(url) {
            return Ok(DatabaseLocation::Postgres {
                url: url.to_owned(),
            });
        }
        let raw = url.strip_prefix("sqlite://").unwrap_or(url);
        if raw.trim().is_empty() {
            return Err(ConfigError::Rule(
                "database.url must name a SQLite file".into(),
            ));
        }
        let configured = Path::new(raw);
        if configured.is_absolute() {
            return Ok(DatabaseLocation::Sqlite {
                path: configured.to_path_buf(),
                configured_relative: None,
            });
        }
        Ok(DatabaseLocation::Sqlite {
            path: working_dir.join(configured),
            configured_relative: Some(raw.to_owned()),
        })
    }

    /// The name of the backend, as the start line says it.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseLocation::Postgres { .. } => "postgres",
            DatabaseLocation::Sqlite { .. } => "sqlite",
        }
    }

    /// What the store is opened with.
    pub fn store_url(&self) -> String {
        match self {
            DatabaseLocation::Postgres { url } => url.clone(),
            DatabaseLocation::Sqlite { path, .. } => path.display().to_string(),
        }
    }
}

impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseLocation::Postgres { url } => write!(f, "{}", without_password(url)),
            DatabaseLocation::Sqlite {
                path,
                configured_relative: None,
            } => write!(f, "{}", path.display()),
            DatabaseLocation::Sqlite {
                path,
                configured_relative: Some(relative),
            } => write!(
                f,
                "{} (the relative path {relative} resolved against the working directory)",
                path.display()
            ),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`: the start line is logged.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_path_is_resolved_against_the_working_directory() {
        let location = DatabaseLocation::resolve("data/contacts.db", Path::new("/srv/gw"))
            .expect("a path resolves");
        assert_eq!(location.store_url(), "/srv/gw/data/contacts.db");
        assert_eq!(
            location.to_string(),
            "/srv/gw/data/contacts.db (the relative path data/contacts.db resolved against the working directory)"
        );
    }

    #[test]
    fn absolute_paths_and_sqlite_urls_stay_as_written() {
        for url in ["/var/lib/contacts.db", "sqlite:///var/lib/contacts.db"] {
            let location =
                DatabaseLocation::resolve(url, Path::new("/elsewhere")).expect("resolves");
            assert_eq!(location.store_url(), "/var/lib/contacts.db");
            assert_eq!(location.to_string(), "/var/lib/contacts.db");
            assert_eq!(location.backend(), "sqlite");
        }
        let relative = DatabaseLocation::resolve("sqlite://x.db", Path::new("/w")).expect("ok");
        assert_eq!(relative.store_url(), "/w/x.db");
    }

    #[test]
    fn a_postgres_url_selects_postgres_and_hides_its_password() {
        let location = DatabaseLocation::resolve(
            "postgres://gw:s3cret@db.internal:5432/contacts",
            Path::new("/w"),
        )
        .expect("resolves");
        assert_eq!(location.backend(), "postgres");
        assert_eq!(
            location.to_string(),
            "postgres://gw:***@db.internal:5432/contacts"
        );
        assert_eq!(
            location.store_url(),
            "postgres://gw:s3cret@db.internal:5432/contacts"
        );
    }

    #[test]
    fn an_empty_url_is_refused() {
        assert!(DatabaseLocation::resolve("sqlite://", Path::new("/w")).is_err());
        assert!(DatabaseLocation::resolve(" ", Path::new("/w")).is_err());
    }
}
