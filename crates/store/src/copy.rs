//! `contacts-gateway copy`: a SQLite directory into an empty PostgreSQL database, every id
//! (Grow's numbers, UUIDs) and every key kept, so an operator moves to many nodes without
//! breaking a single client. One PostgreSQL transaction: the copy lands whole or not at all.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use contacts_core::CoreError;

use crate::error::db;
use crate::schema;

/// How many rows of each table were copied, in copying order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(&'static str, usize)>,
}

/// Rows per INSERT: well under PostgreSQL's 65 535 bound parameters for the widest table.
const CHUNK: usize = 1000;

/// One table's row type, read from SQLite and written to PostgreSQL as it is.
macro_rules! table_rows {
    ($row:ident, $table:ident, { $($field:ident: $type:ty,)* }) => {
        #[derive(Queryable, Selectable, Insertable)]
        #[diesel(table_name = schema::$table)]
        struct $row {
            $($field: $type,)*
        }

        impl $row {
            fn copy(from: &mut SqliteConnection, to: &mut PgConnection) -> Result<usize, CoreError> {
                let rows: Vec<$row> = schema::$table::table
                    .select($row::as_select())
                    .load(from)
                    .map_err(db)?;
                for chunk in rows.chunks(CHUNK) {
                    diesel::insert_into(schema::$table::table)
                        .values(chunk)
                        .execute(to)
                        .map_err(db)?;
                }
                Ok(rows.len())
            }
        }
    };
}

table_rows!(AccountRow, accounts, {
    id: i64, uid: String, name: String, description: Option<String>, status: String,
    phone: Option<String>, website: Option<String>, vat: Option<String>, category_id: i64,
    billing_street: Option<String>, billing_city: Option<String>, billing_state: Option<String>,
    billing_zip: Option<String>, billing_country: Option<String>, invoice_due_days: Option<i64>,
    tags: String, domains: String, owner_contact_id: Option<i64>, created_at: String,
    updated_at: String, deleted_at: Option<String>,
});
table_rows!(AccountExternalIdRow, account_external_ids, {
    account_id: i64, position: i32, external_id: String, label: String,
});
table_rows!(ContactRow, contacts, {
    id: i64, uid: String, first_name: String, last_name: String, name_key: String,
    email: Option<String>, email_key: Option<String>, phone: Option<String>,
    job_position: Option<String>, status: String, account_id: Option<i64>, role_id: i32,
    portal_role: Option<String>, portal_role_id: Option<String>, avatar_url: Option<String>,
    social_facebook: Option<String>, social_twitter: Option<String>,
    social_linkedin: Option<String>, social_github: Option<String>,
    social_dribbble: Option<String>, password_hash: Option<String>, source: String,
    created_at: String, updated_at: String, deleted_at: Option<String>,
});
table_rows!(ContactEmailRow, contact_emails, {
    contact_id: i64, position: i32, email: String, email_key: String,
});
table_rows!(ContactPhoneRow, contact_phones, {
    contact_id: i64, position: i32, phone: String,
});
table_rows!(ContactExternalIdRow, contact_external_ids, {
    contact_id: i64, position: i32, external_id: String, label: String,
});
table_rows!(ContactAttributeRow, contact_attributes, {
    contact_id: i64, key: String, position: i32, kind: String, value: String,
});
table_rows!(ApiKeyRow, api_keys, {
    id: i64, name: String, key_hash: String, read_only: bool, created_at: String,
    revoked_at: Option<String>, rate_limit_per_second: Option<i32>, rate_limit_burst: Option<i32>,
});
table_rows!(OutboxRow, outbox, {
    id: i64, recipient: String, subject: String, body: String, created_at: String,
    sent_at: Option<String>, attempts: i32, next_attempt_at: Option<String>,
    last_error: Option<String>,
});
table_rows!(EventRow, events, {
    id: i64, kind: String, origin: String, occurred_at: String, data: String, tx: i64,
});
table_rows!(WebhookEndpointRow, webhook_endpoints, {
    id: String, url: String, secret: String, event_types: String, created_at: String,
    last_position: i64, attempts: i32, next_attempt_at: Option<String>, failed: i64,
    last_error: Option<String>, last_tx: i64,
});
table_rows!(ImportRunRow, import_runs, {
    id: i64, source: String, started_at: String, finished_at: String, dry_run: bool,
    applied: bool, created: i64, updated: i64, unchanged: i64, deleted: i64, rejected: i64,
});

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Copies every table from `from` into `to`, which must hold no accounts, contacts or keys.
/// Identity columns then continue after the largest id copied, so the next Grow id on
/// PostgreSQL is the one SQLite would have given.
pub fn sqlite_to_postgres(
    from: &mut SqliteConnection,
    to: &mut PgConnection,
) -> Result<CopyReport, CoreError> {
    let existing: Count = diesel::sql_query(
        "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM contacts) \
         + (SELECT count(*) FROM api_keys) AS n",
    )
    .get_result(to)
    .map_err(db)?;
    if existing.n > 0 {
        return Err(CoreError::internal(
            "the PostgreSQL database already holds a directory; copy into an empty one",
        ));
    }
    let report = copy_in_one_transaction(from, to)?;
    // What PostgreSQL advises after a bulk load: statistics now, for the planner and for the
    // search's frequent trigrams (postgres/trigrams.rs), rather than when autovacuum gets to
    // it. The copy has landed by then, so a failure here only costs speed until autovacuum.
    if let Err(err) = diesel::sql_query("ANALYZE").execute(to) {
        log::warn!(
            "the copy landed, but ANALYZE failed ({err}); autovacuum will gather the statistics later"
        );
    }
    Ok(report)
}

/// Every table, from one snapshot of the source in one transaction on the target.
fn copy_in_one_transaction(
    from: &mut SqliteConnection,
    to: &mut PgConnection,
) -> Result<CopyReport, CoreError> {
    from.transaction::<_, crate::tx::TxError, _>(|from| {
        to.transaction::<_, crate::tx::TxError, _>(|to| {
            let copy = |name: &'static str, copied: Result<usize, CoreError>| {
                copied.map(|rows| (name, rows))
            };
            let first =
                |copied: Result<usize, CoreError>| copied.map_err(crate::tx::TxError::from_core);
            let accounts = first(AccountRow::copy(from, to))?;
            let account_external_ids = first(AccountExternalIdRow::copy(from, to))?;
            // PostgreSQL-specific: the live counter's trigger updates one row per contact
            // written, and a million updates of one row in one transaction each walk the
            // versions before them. Off while the contacts are copied (this transaction
            // holds the table alone), then the counter is set once.
            diesel::sql_query("ALTER TABLE contacts DISABLE TRIGGER USER").execute(to)?;
            let contacts = first(ContactRow::copy(from, to))?;
            diesel::sql_query(
                "UPDATE contact_counts SET version = version + 1, \
                 live = (SELECT count(*) FROM contacts WHERE deleted_at IS NULL)",
            )
            .execute(to)?;
            diesel::sql_query("ALTER TABLE contacts ENABLE TRIGGER USER").execute(to)?;
            let tables = vec![
                Ok(("accounts", accounts)),
                Ok(("account_external_ids", account_external_ids)),
                Ok(("contacts", contacts)),
                copy("contact_emails", ContactEmailRow::copy(from, to)),
                copy("contact_phones", ContactPhoneRow::copy(from, to)),
                copy("contact_external_ids", ContactExternalIdRow::copy(from, to)),
                copy("contact_attributes", ContactAttributeRow::copy(from, to)),
                copy("api_keys", ApiKeyRow::copy(from, to)),
                copy("outbox", OutboxRow::copy(from, to)),
                copy("import_runs", ImportRunRow::copy(from, to)),
                copy("events", EventRow::copy(from, to)),
                copy("webhook_endpoints", WebhookEndpointRow::copy(from, to)),
            ]
            .into_iter()
            .collect::<Result<Vec<_>, CoreError>>()
            .map_err(crate::tx::TxError::from_core)?;
            for table in [
                "accounts",
                "contacts",
                "api_keys",
                "outbox",
                "import_runs",
                "events",
            ] {
                // PostgreSQL-specific: move the identity past the copied ids.
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                ))
                .execute(to)?;
            }
            Ok(CopyReport { tables })
        })
    })
    .map_err(crate::tx::TxError::into_core)
}
