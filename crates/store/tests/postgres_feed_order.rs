//! The change feed on PostgreSQL, where transactions commit concurrently: an event shows only
//! once every older transaction has ended, in the order of the transactions that wrote them,
//! so a reader never finds an event behind its cursor; and a page waits briefly for an older
//! transaction, so a write already answered is in the next read.

#[path = "support/postgres.rs"]
mod postgres;

use std::sync::Arc;
use std::time::Duration;

use contacts_core::{NewContact, Unobserved};
use contacts_store::{PoolOptions, Store};
use diesel::pg::PgConnection;
use diesel::prelude::*;

fn run(conn: &mut PgConnection, statement: &str) {
    diesel::sql_query(statement).execute(conn).expect(statement);
}

fn open(cluster: &postgres::Cluster) -> Store {
    Store::open_observed(&cluster.url(), PoolOptions::default(), Arc::new(Unobserved))
        .expect("opens")
}

/// A transaction of another session that has its id (it wrote something) and is still open.
fn older_transaction(url: &str) -> PgConnection {
    let mut conn = PgConnection::establish(url).expect("connects");
    run(&mut conn, "BEGIN");
    run(&mut conn, "SELECT pg_current_xact_id()");
    conn
}

#[test]
fn an_event_shows_once_every_older_transaction_has_ended_and_in_their_order() {
    let Some(cluster) = postgres::Cluster::start() else {
        return;
    };
    let store = open(&cluster);
    let directory = store.as_directory();

    let mut older = older_transaction(&cluster.url());
    directory
        .create_contact(NewContact::named("Later", "Transaction"))
        .expect("creates");
    let (page, more) = directory.list_events(None, 100).expect("reads");
    assert!(
        page.is_empty() && !more,
        "an event behind a running older transaction was shown: {page:?}"
    );

    // The older transaction records its event last (a larger id) and commits.
    run(
        &mut older,
        "INSERT INTO events (kind, origin, occurred_at, data) \
         VALUES ('account.updated', 'cli', '2026-11-30T00:00:00Z', '{}')",
    );
    run(&mut older, "COMMIT");
    let (page, more) = directory.list_events(None, 100).expect("reads");
    let kinds: Vec<&str> = page.iter().map(|event| event.kind.as_str()).collect();
    assert_eq!(kinds, ["account.updated", "contact.created"]);
    assert!(!more);
    assert!(page[0].position.tx < page[1].position.tx);
    assert!(
        page[0].position.seq > page[1].position.seq,
        "ids alone would have put the older transaction's event second"
    );
}

#[test]
fn a_page_waits_for_an_older_transaction_to_end() {
    let Some(cluster) = postgres::Cluster::start() else {
        return;
    };
    let store = open(&cluster);
    let directory = store.as_directory();

    let mut older = older_transaction(&cluster.url());
    let created = directory
        .create_contact(NewContact::named("Answered", "Write"))
        .expect("creates");
    let ender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        run(&mut older, "COMMIT");
    });
    let (page, _) = directory.list_events(None, 100).expect("reads");
    ender.join().expect("ends the older transaction");
    assert_eq!(page.len(), 1, "the answered write is in the next read");
    assert_eq!(page[0].kind, "contact.created");
    assert_eq!(page[0].data["number"], created.id);
}
