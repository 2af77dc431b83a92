//! Online backups of a live SQLite database: `VACUUM INTO` copies one consistent snapshot (a
//! read transaction, so writers go on meanwhile and every write committed before it began is
//! in the copy), then the copy is checked with `PRAGMA integrity_check` before it is called a
//! backup. SQLite-specific throughout.

use std::path::Path;

use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use contacts_core::CoreError;

use crate::error::db;

#[derive(QueryableByName)]
struct IntegrityLine {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
    pub live_contacts: u64,
}

/// Copies the database behind `conn` to `target` (which must not exist) and checks the copy.
/// A copy that fails its check is removed.
pub fn copy_to(conn: &mut SqliteConnection, target: &Path) -> Result<BackupReport, CoreError> {
    let target_text = target.to_str().ok_or_else(|| {
        CoreError::internal(format!("the backup path {} is not UTF-8", target.display()))
    })?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target_text)
        .execute(conn)
        .map_err(db)?;
    match check(target_text) {
        Ok(report) => Ok(report),
        Err(err) => {
            let _ = std::fs::remove_file(target);
            Err(err)
        }
    }
}

fn check(target: &str) -> Result<BackupReport, CoreError> {
    let mut copy = SqliteConnection::establish(target).map_err(CoreError::internal)?;
    let lines: Vec<IntegrityLine> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut copy)
        .map_err(db)?;
    let verdict: Vec<String> = lines.into_iter().map(|line| line.integrity_check).collect();
    if verdict != ["ok"] {
        return Err(CoreError::internal(format!(
            "the copy failed its integrity check: {}",
            verdict.join("; ")
        )));
    }
    let live = super::ops::listing::list_state(&mut copy)?.live_count();
    let bytes = std::fs::metadata(target)
        .map(|meta| meta.len())
        .map_err(CoreError::internal)?;
    Ok(BackupReport {
        bytes,
        live_contacts: live,
    })
}
