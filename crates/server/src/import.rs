//! `import FILE.csv`: reads a CSV of contacts and hands the rows to the store, which applies
//! them all or none.

use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::error::CommandError;
use contacts_store::SqliteStore;

pub fn run(
    _store: &SqliteStore,
    _settings: &Settings,
    _args: &ImportArgs,
) -> Result<(), CommandError> {
    Err(CommandError::Usage("import is not available yet".into()))
}
