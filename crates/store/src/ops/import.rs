//! Imports: the write path of a sync source other than the API. The whole file is one
//! transaction; if any row is rejected, or on a dry run, it is rolled back and nothing changes.

use super::Conn;
use contacts_core::{
    Contact, ContactChanges, CoreError, EventKind, ImportOutcome, ImportRow, ImportRowError,
    ImportSummary, NewContact, Timestamp,
};
use diesel::prelude::*;

use super::contacts::{
    apply_changes, ensure_email_free, ensure_external_ids_free, insert, load_one, tombstone,
};
use super::events;
use crate::error::db;
use crate::schema::{contact_external_ids, contacts, import_runs};
use crate::tx;

/// Rolls the transaction back while still answering the outcome.
struct Rollback(ImportOutcome);

enum Failure {
    Rollback(ImportOutcome),
    Core(CoreError),
}

impl From<CoreError> for Failure {
    fn from(err: CoreError) -> Self {
        Failure::Core(err)
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(err: diesel::result::Error) -> Self {
        Failure::Core(db(err))
    }
}

impl From<Rollback> for Failure {
    fn from(rollback: Rollback) -> Self {
        Failure::Rollback(rollback.0)
    }
}

pub fn run(
    conn: &mut Conn,
    source: &str,
    rows: Vec<ImportRow>,
    prune: bool,
    dry_run: bool,
) -> Result<ImportOutcome, CoreError> {
    let started_at = Timestamp::now().to_text();
    let result = conn.transaction::<ImportOutcome, Failure, _>(|conn| {
        let mut summary = ImportSummary::default();
        let mut rejected_rows = Vec::new();
        let mut seen_ids: Vec<i64> = Vec::new();
        for row in rows {
            let line = row.line;
            match apply_row(conn, source, row) {
                Ok((id, change)) => {
                    seen_ids.push(id);
                    let kind = match change {
                        RowChange::Created => {
                            summary.created += 1;
                            Some(EventKind::ContactCreated)
                        }
                        RowChange::Updated => {
                            summary.updated += 1;
                            Some(EventKind::ContactUpdated)
                        }
                        RowChange::Unchanged => {
                            summary.unchanged += 1;
                            None
                        }
                    };
                    // An import's changes are events like any other (rolled back with it).
                    if let Some(kind) = kind {
                        let contact = load_one(conn, id)?;
                        events::contact(conn, kind, &contact)?;
                    }
                }
                Err(reason) => {
                    summary.rejected += 1;
                    rejected_rows.push(ImportRowError { line, reason });
                }
            }
        }
        if prune {
            let stale: Vec<i64> = contacts::table
                .filter(contacts::deleted_at.is_null())
                .filter(contacts::source.eq(source))
                .filter(contacts::id.ne_all(&seen_ids))
                .select(contacts::id)
                .load(conn)?;
            for id in stale {
                let before = load_one(conn, id)?;
                events::contact(conn, EventKind::ContactDeleted, &before)?;
                tombstone(conn, id)?;
                summary.deleted += 1;
            }
        }
        let applied = rejected_rows.is_empty() && !dry_run;
        let outcome = ImportOutcome {
            summary,
            rejected_rows,
            applied,
        };
        if !applied {
            return Err(Rollback(outcome).into());
        }
        record_run(conn, source, &started_at, &outcome, dry_run)?;
        Ok(outcome)
    });
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(Failure::Rollback(outcome)) => outcome,
        Err(Failure::Core(err)) => return Err(err),
    };
    if !outcome.applied {
        // The rows were rolled back; the run itself is still worth remembering.
        tx::savepoint(conn, |conn| {
            record_run(conn, source, &started_at, &outcome, dry_run)
        })?;
    }
    Ok(outcome)
}

fn record_run(
    conn: &mut Conn,
    source: &str,
    started_at: &str,
    outcome: &ImportOutcome,
    dry_run: bool,
) -> Result<(), CoreError> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    diesel::insert_into(import_runs::table)
        .values((
            import_runs::source.eq(source),
            import_runs::started_at.eq(started_at),
            import_runs::finished_at.eq(Timestamp::now().to_text()),
            import_runs::dry_run.eq(dry_run),
            import_runs::applied.eq(outcome.applied),
            import_runs::created.eq(count(outcome.summary.created)),
            import_runs::updated.eq(count(outcome.summary.updated)),
            import_runs::unchanged.eq(count(outcome.summary.unchanged)),
            import_runs::deleted.eq(count(outcome.summary.deleted)),
            import_runs::rejected.eq(count(outcome.summary.rejected)),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

enum RowChange {
    Created,
    Updated,
    Unchanged,
}

/// Finds the row's contact by external id, then by email.
fn existing_for(conn: &mut Conn, row: &ImportRow) -> Result<Option<i64>, CoreError> {
    if let Some(external_id) = &row.external_id {
        let found: Option<i64> = contacts::table
            .inner_join(contact_external_ids::table)
            .filter(contacts::deleted_at.is_null())
            .filter(contact_external_ids::external_id.eq(external_id))
            .select(contacts::id)
            .first(conn)
            .optional()
            .map_err(db)?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if let Some(email) = &row.email {
        return contacts::table
            .filter(contacts::deleted_at.is_null())
            .filter(contacts::email_key.eq(email.to_lowercase()))
            .select(contacts::id)
            .first(conn)
            .optional()
            .map_err(db);
    }
    Ok(None)
}

fn same_as(contact: &Contact, row: &ImportRow, source: &str) -> bool {
    contact.first_name == row.first_name
        && contact.last_name == row.last_name
        && contact.email == row.email
        && contact.phone == row.phone
        && contact.source == source
        && row
            .external_id
            .as_deref()
            .is_none_or(|id| contact.primary_external_id() == Some(id))
        && row
            .attributes
            .iter()
            .all(|(key, value)| contact.attributes.get(key) == Some(value))
}

/// Applies one row; an `Err` is the reason the row is rejected.
fn apply_row(conn: &mut Conn, source: &str, row: ImportRow) -> Result<(i64, RowChange), String> {
    let reason = |err: CoreError| match err {
        CoreError::Conflict(contacts_core::Conflict::EmailTaken { .. }) => {
            "email is already used by another contact".to_owned()
        }
        CoreError::Conflict(contacts_core::Conflict::ExternalIdTaken { .. }) => {
            "external_id is already used by another contact".to_owned()
        }
        other => other.to_string(),
    };
    match existing_for(conn, &row).map_err(reason)? {
        Some(id) => {
            let current = load_one(conn, id).map_err(reason)?;
            if same_as(&current, &row, source) {
                return Ok((id, RowChange::Unchanged));
            }
            if let Some(email) = &row.email {
                ensure_email_free(conn, &email.to_lowercase(), Some(id)).map_err(reason)?;
            }
            let changes = ContactChanges {
                first_name: Some(row.first_name),
                last_name: Some(row.last_name),
                email: row.email.map(Some),
                phone: row.phone.map(Some),
                primary_external_id: row.external_id,
                attributes: row
                    .attributes
                    .into_iter()
                    .map(|(key, value)| (key, Some(value)))
                    .collect(),
                source: Some(source.to_owned()),
                ..ContactChanges::default()
            };
            apply_changes(conn, id, changes).map_err(reason)?;
            Ok((id, RowChange::Updated))
        }
        None => {
            if let Some(external_id) = &row.external_id {
                ensure_external_ids_free(conn, std::slice::from_ref(external_id), None)
                    .map_err(reason)?;
            }
            let mut contact = NewContact::named(row.first_name, row.last_name);
            contact.email = row.email;
            contact.phones = row.phone.into_iter().collect();
            contact.attributes = row.attributes;
            contact.external_ids = row
                .external_id
                .map(|external_id| contacts_core::ExternalId {
                    external_id,
                    label: String::new(),
                })
                .into_iter()
                .collect();
            contact.source = source.to_owned();
            let id = insert(conn, contact).map_err(reason)?;
            Ok((id, RowChange::Created))
        }
    }
}
