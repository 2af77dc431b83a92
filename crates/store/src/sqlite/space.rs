//! Whether the disk under the database has room again after writes failed for lack of it.
//!
//! A tiny probe write can succeed while a real one still fails (the WAL may have room for one
//! page and not for a contact), so the check is for a margin: a scratch file of `MARGIN` bytes
//! beside the database is written in full, synced and removed.

use std::io::Write;
use std::path::Path;

/// Room that must be free before the store calls itself ready to write again.
pub const MARGIN: usize = 1024 * 1024;

/// Whether `MARGIN` bytes can be written beside the database file at `db_path`.
pub fn has_room(db_path: &Path) -> bool {
    let mut scratch = db_path.as_os_str().to_owned();
    scratch.push("-space-probe");
    let scratch = std::path::PathBuf::from(scratch);
    let written = std::fs::File::create(&scratch).and_then(|mut file| {
        let chunk = vec![0u8; 64 * 1024];
        for _ in 0..MARGIN / chunk.len() {
            file.write_all(&chunk)?;
        }
        file.sync_all()
    });
    let _ = std::fs::remove_file(&scratch);
    written.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writable_folder_has_room_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("contacts.db");
        assert!(has_room(&db));
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
        assert!(!has_room(&dir.path().join("missing/contacts.db")));
    }
}
