//! `import FILE.csv`: reads a CSV of contacts and hands the rows to the store, which applies
//! them all or none. Columns `external_id`, `email`, `phone`/`phone_number`, `first_name`,
//! `last_name`, `name`; every other column becomes an attribute.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use contacts_core::phone::is_valid_phone;
use contacts_core::validate::{is_valid_attribute_key, is_valid_email, split_name};
use contacts_core::{AttributeValue, Directory, ImportOutcome, ImportRow, ImportRowError};

use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::error::CommandError;

const KNOWN: [&str; 7] = [
    "external_id",
    "email",
    "phone",
    "phone_number",
    "first_name",
    "last_name",
    "name",
];

/// The rows of a file, and the lines rejected before the store sees them.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub rows: Vec<ImportRow>,
    pub rejected: Vec<ImportRowError>,
}

fn cell(record: &csv::StringRecord, index: Option<usize>) -> Option<String> {
    index
        .and_then(|i| record.get(i))
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Parses and checks a CSV file. A malformed file (not CSV, bad header) is an error; a bad row
/// is recorded with its line number and reason.
pub fn parse(path: &Path) -> Result<ParsedFile, CommandError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|err| CommandError::Usage(format!("cannot read {}: {err}", path.display())))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|err| {
            CommandError::Usage(format!(
                "cannot read the header of {}: {err}",
                path.display()
            ))
        })?
        .iter()
        .map(|name| name.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|header| header == name);
    for header in &headers {
        if !KNOWN.contains(&header.as_str()) && !is_valid_attribute_key(header) {
            return Err(CommandError::Usage(format!(
                "column {header:?} is not a valid attribute name (letters, digits, '_', '-', '.')"
            )));
        }
    }
    let attribute_columns: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, header)| !KNOWN.contains(&header.as_str()))
        .map(|(index, header)| (index, header.clone()))
        .collect();
    let phone_column = column("phone").or_else(|| column("phone_number"));

    let mut parsed = ParsedFile::default();
    let mut seen_external: HashMap<String, u64> = HashMap::new();
    let mut seen_email: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(|p| p.line()).unwrap_or(0);
                parsed.rejected.push(ImportRowError {
                    line,
                    reason: format!("not a valid CSV row: {err}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let reject = |reason: String| ImportRowError { line, reason };
        let external_id = cell(&record, column("external_id"));
        let email = cell(&record, column("email"));
        let (mut first_name, mut last_name) = (
            cell(&record, column("first_name")),
            cell(&record, column("last_name")),
        );
        if first_name.is_none() && last_name.is_none() {
            if let Some(name) = cell(&record, column("name")) {
                let (first, last) = split_name(&name);
                first_name = Some(first);
                last_name = Some(last);
            }
        }
        if external_id.is_none() && email.is_none() {
            parsed.rejected.push(reject(
                "the row has neither an external_id nor an email".into(),
            ));
            continue;
        }
        if let Some(email) = &email {
            if !is_valid_email(email) {
                parsed.rejected.push(reject(format!(
                    "email {email:?} is not a valid email address"
                )));
                continue;
            }
            if let Some(first) = seen_email.insert(email.to_lowercase(), line) {
                parsed
                    .rejected
                    .push(reject(format!("email {email:?} repeats line {first}")));
                continue;
            }
        }
        if let Some(external_id) = &external_id {
            if let Some(first) = seen_external.insert(external_id.clone(), line) {
                parsed.rejected.push(reject(format!(
                    "external_id {external_id:?} repeats line {first}"
                )));
                continue;
            }
        }
        let phone = cell(&record, phone_column);
        if let Some(phone) = phone.as_deref().filter(|phone| !is_valid_phone(phone)) {
            parsed.rejected.push(reject(format!(
                "phone {phone:?} is not a phone number (docs/mapping.md, phones)"
            )));
            continue;
        }
        let attributes: BTreeMap<String, AttributeValue> = attribute_columns
            .iter()
            .filter_map(|(index, key)| {
                cell(&record, Some(*index)).map(|value| (key.clone(), AttributeValue::Text(value)))
            })
            .collect();
        parsed.rows.push(ImportRow {
            line,
            external_id,
            email,
            phone,
            first_name: first_name.unwrap_or_default(),
            last_name: last_name.unwrap_or_default(),
            attributes,
        });
    }
    Ok(parsed)
}

/// Parses, applies (or with `dry_run` only checks) and reports. Any rejected row means nothing
/// is written.
pub fn apply(
    directory: &dyn Directory,
    source: &str,
    path: &Path,
    prune: bool,
    dry_run: bool,
) -> Result<ImportOutcome, CommandError> {
    let parsed = parse(path)?;
    let had_rejections = !parsed.rejected.is_empty();
    let mut outcome = directory.import(source, parsed.rows, prune, dry_run || had_rejections)?;
    if had_rejections {
        outcome.applied = false;
        outcome.summary.rejected += parsed.rejected.len() as u64;
        outcome.rejected_rows.extend(parsed.rejected);
        outcome.rejected_rows.sort_by_key(|row| row.line);
    }
    Ok(outcome)
}

/// The report printed by `import`.
pub fn report(outcome: &ImportOutcome, source: &str, dry_run: bool) -> String {
    let s = &outcome.summary;
    let mut text = format!(
        "source {source:?}: {} created, {} updated, {} unchanged, {} deleted, {} rejected\n",
        s.created, s.updated, s.unchanged, s.deleted, s.rejected
    );
    for row in &outcome.rejected_rows {
        text.push_str(&format!("line {}: {}\n", row.line, row.reason));
    }
    if !outcome.rejected_rows.is_empty() {
        text.push_str("nothing was written: fix the rejected rows and run the import again\n");
    } else if dry_run {
        text.push_str("dry run: nothing was written\n");
    } else {
        text.push_str("applied\n");
    }
    text
}

pub fn run(
    directory: &dyn Directory,
    settings: &Settings,
    args: &ImportArgs,
) -> Result<(), CommandError> {
    // Rows imported while the API is the sync source are recorded as a CSV import, so that
    // Workshop's external look-ups (API-synced contacts only) do not find them.
    let source = match (&args.source, settings.sync.source.as_str()) {
        (Some(source), _) => source.trim().to_owned(),
        (None, "api") => "csv".to_owned(),
        (None, configured) => configured.to_owned(),
    };
    if source.is_empty() || source == "api" {
        return Err(CommandError::Usage(
            "the import source must be a name other than \"api\"".into(),
        ));
    }
    let outcome = apply(directory, &source, &args.file, args.prune, args.dry_run)?;
    print!("{}", report(&outcome, &source, args.dry_run));
    if outcome.rejected_rows.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Usage(format!(
            "{} rows rejected",
            outcome.rejected_rows.len()
        )))
    }
}
