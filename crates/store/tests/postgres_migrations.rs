//! The PostgreSQL migrations on a real, throw-away cluster: they apply to an empty database,
//! every `down.sql` undoes its `up.sql`, and they build the same tables as SQLite's.

#[path = "support/postgres.rs"]
mod postgres;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

fn tables(conn: &mut PgConnection) -> Vec<String> {
    let rows: Vec<Name> = diesel::sql_query(
        "SELECT table_name AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
         ORDER BY table_name",
    )
    .load(conn)
    .expect("tables");
    rows.into_iter().map(|row| row.name).collect()
}

#[test]
fn postgres_migrations_apply_undo_and_apply_again() {
    let Some(cluster) = postgres::Cluster::start() else {
        return;
    };
    let mut conn = PgConnection::establish(&cluster.url()).expect("connects");
    contacts_store::postgres::migrate(&mut conn).expect("migrates");
    let expected = [
        "account_external_ids",
        "accounts",
        "api_keys",
        "contact_attributes",
        "contact_counts",
        "contact_emails",
        "contact_external_ids",
        "contact_phones",
        "contacts",
        "events",
        "idempotency_keys",
        "import_runs",
        "outbox",
        "webhook_endpoints",
    ];
    assert_eq!(tables(&mut conn), expected);

    // The triggers keep the live count and the list version, as SQLite's do.
    diesel::sql_query(
        "INSERT INTO contacts (uid, first_name, last_name, name_key, created_at, updated_at) \
         VALUES ('u1', 'Ann', 'Lee', 'ann lee', 't', 't'), ('u2', 'Bob', 'Ray', 'bob ray', 't', 't')",
    )
    .execute(&mut conn)
    .expect("insert");
    diesel::sql_query("UPDATE contacts SET deleted_at = 't' WHERE uid = 'u2'")
        .execute(&mut conn)
        .expect("tombstone");
    let live: Count = diesel::sql_query("SELECT live AS n FROM contact_counts")
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(live.n, 1);
    let version: Count = diesel::sql_query("SELECT version AS n FROM contact_counts")
        .get_result(&mut conn)
        .expect("version");
    // One bump per row written (SQLite's bump per statement): the version only has to move.
    assert_eq!(version.n, 3, "one bump per row written");
    // Substring search through the trigram index's expression.
    let found: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM contacts WHERE deleted_at IS NULL \
         AND contact_search_text(first_name, last_name, email, phone) LIKE '%n le%'",
    )
    .get_result(&mut conn)
    .expect("search");
    assert_eq!(found.n, 1);
    // Secondary emails' substring test can be answered by their trigram index (the table is
    // empty, so the plan would read it whole unless told not to).
    diesel::sql_query("SET enable_seqscan = off")
        .execute(&mut conn)
        .expect("sets");
    let plan: Vec<PlanLine> = diesel::sql_query(
        "EXPLAIN SELECT e.contact_id FROM contact_emails e WHERE e.email_key LIKE '%cond@ma%'",
    )
    .load(&mut conn)
    .expect("plan");
    assert!(
        plan.iter()
            .any(|line| line.plan.contains("contact_emails_search")),
        "{:?}",
        plan.iter().map(|line| &line.plan).collect::<Vec<_>>()
    );

    contacts_store::postgres::revert_all(&mut conn).expect("reverts");
    assert!(
        tables(&mut conn).is_empty(),
        "every down.sql undoes its up.sql"
    );
    contacts_store::postgres::migrate(&mut conn).expect("migrates again");
    assert_eq!(tables(&mut conn), expected);
}

/// Each schema change exists for both backends, under the same name.
#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

/// The live counter and the list version are one row, updated at commit: a create still open
/// does not make another wait (before, the second waited for the first to end).
#[test]
fn an_open_create_does_not_hold_back_another() {
    let Some(cluster) = postgres::Cluster::start() else {
        return;
    };
    let mut first = PgConnection::establish(&cluster.url()).expect("connects");
    contacts_store::postgres::migrate(&mut first).expect("migrates");
    let mut second = PgConnection::establish(&cluster.url()).expect("connects");
    let insert = |uid: &str| {
        format!(
            "INSERT INTO contacts (uid, first_name, last_name, name_key, created_at, updated_at) \
             VALUES ('{uid}', 'Ann', 'Lee', 'ann lee', 't', 't')"
        )
    };
    diesel::sql_query("BEGIN")
        .execute(&mut first)
        .expect("begins");
    diesel::sql_query(insert("open"))
        .execute(&mut first)
        .expect("inserts");
    diesel::sql_query("SET statement_timeout = '3s'")
        .execute(&mut second)
        .expect("sets a timeout");
    diesel::sql_query(insert("committed"))
        .execute(&mut second)
        .expect("commits while the first create is open");
    diesel::sql_query("COMMIT")
        .execute(&mut first)
        .expect("commits");
    let live: Count = diesel::sql_query("SELECT live AS n FROM contact_counts")
        .get_result(&mut second)
        .expect("count");
    assert_eq!(live.n, 2);
}
