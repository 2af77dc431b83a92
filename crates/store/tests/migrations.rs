//! Migrations apply to a fresh file, and every `down.sql` really undoes its `up.sql`.

use contacts_store::{migrate_down_all, PoolOptions, SqliteStore};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[derive(QueryableByName)]
struct ForeignKeys {
    #[diesel(sql_type = BigInt)]
    foreign_keys: i64,
}

fn tables(store: &SqliteStore) -> Vec<String> {
    let mut conn = store.pool().get().expect("connection");
    let rows: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load(&mut conn)
    .expect("tables");
    rows.into_iter().map(|row| row.name).collect()
}

#[test]
fn up_then_down_then_up_on_a_fresh_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir
        .path()
        .join("nested/folder/contacts.db")
        .display()
        .to_string();
    let store = SqliteStore::open(&url, PoolOptions::default()).expect("opens and migrates");
    assert_eq!(
        tables(&store),
        [
            "account_external_ids",
            "accounts",
            "api_keys",
            "contact_attributes",
            "contact_counts",
            "contact_email_search",
            "contact_email_search_config",
            "contact_email_search_content",
            "contact_email_search_data",
            "contact_email_search_docsize",
            "contact_email_search_idx",
            "contact_emails",
            "contact_external_ids",
            "contact_phones",
            "contact_search",
            "contact_search_config",
            "contact_search_content",
            "contact_search_data",
            "contact_search_docsize",
            "contact_search_idx",
            "contacts",
            "events",
            "idempotency_keys",
            "import_runs",
            "outbox",
            "webhook_endpoints",
        ]
    );
    migrate_down_all(store.pool()).expect("down");
    assert!(tables(&store).is_empty());
    drop(store);
    let again = SqliteStore::open(&url, PoolOptions::default()).expect("migrates again");
    assert_eq!(tables(&again).len(), 26);
}

#[test]
fn every_connection_gets_the_pragmas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("contacts.db").display().to_string();
    let store = SqliteStore::open(&url, PoolOptions::default()).expect("opens");
    let mut conn = store.pool().get().expect("connection");
    let mode: Setting = diesel::sql_query("PRAGMA journal_mode")
        .get_result(&mut conn)
        .expect("mode");
    assert_eq!(mode.journal_mode, "wal");
    let keys: ForeignKeys = diesel::sql_query("PRAGMA foreign_keys")
        .get_result(&mut conn)
        .expect("fk");
    assert_eq!(keys.foreign_keys, 1);
}

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = Text)]
    compile_options: String,
}

/// `.cargo/config.toml` builds the bundled SQLite without the global page-cache and
/// memory-statistics mutexes and the per-connection one, and with a plan that does not depend
/// on bound values (so cached statements are not re-prepared); a build that lost those flags
/// would still pass every other test while running at a fraction of the speed.
#[test]
fn sqlite_is_built_with_the_projects_flags() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("contacts.db").display().to_string();
    let store = SqliteStore::open(&url, PoolOptions::default()).expect("opens");
    let mut conn = store.pool().get().expect("connection");
    let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
        .load::<CompileOption>(&mut conn)
        .expect("options")
        .into_iter()
        .map(|row| row.compile_options)
        .collect();
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
}

/// Secondary emails written before their search index existed are found by substring once
/// the migration that builds it has run (it fills the index from what is there).
#[test]
fn secondary_emails_from_before_their_index_are_found() {
    use contacts_core::{
        Directory, FilterField, FilterNode, NewContact, OffsetPage, Operator, Order, SortKey,
    };
    use contacts_store::SQLITE_MIGRATIONS as MIGRATIONS;
    use diesel_migrations::MigrationHarness;

    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("contacts.db").display().to_string();
    let store = SqliteStore::open(&url, PoolOptions::default()).expect("opens");
    let mut contact = NewContact::named("Old", "Timer");
    contact.email = Some("old@primary.example".into());
    store
        .bulk_insert_contacts(vec![(contact, None)])
        .expect("seeds");
    let mut conn = store.pool().get().expect("connection");
    // Back to just before the index (and whatever came after it).
    loop {
        let reverted = conn.revert_last_migration(MIGRATIONS).expect("reverts");
        if reverted.to_string() == "20261201000013" {
            break;
        }
    }
    diesel::sql_query(
        "INSERT INTO contact_emails (contact_id, position, email, email_key) \
         SELECT id, 1, 'Alt@Before.example', 'alt@before.example' FROM contacts",
    )
    .execute(&mut conn)
    .expect("a secondary email");
    conn.run_pending_migrations(MIGRATIONS).expect("migrates");
    drop(conn);

    for field in [FilterField::Text, FilterField::Email] {
        let operator = match field {
            FilterField::Text => Operator::Equals,
            _ => Operator::StringContains,
        };
        let (found, total) = store
            .list_contacts_by_offset(&OffsetPage {
                filter: Some(FilterNode::test(
                    field.clone(),
                    operator,
                    vec!["t@befo".into()],
                )),
                sort: SortKey::Id,
                order: Order::Asc,
                limit: 10,
                offset: 0,
            })
            .expect("searches");
        assert_eq!((total, found.len()), (1, 1), "{field:?}");
    }
}
