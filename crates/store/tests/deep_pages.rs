//! Deep page/limit pages, which start from remembered list positions, answer exactly what a
//! plain OFFSET over the list answers: in every sort and order, after deletes, and after a
//! change made through another connection pool (another process, such as an import, or
//! another node). On either backend (support/database.rs).

#[path = "support/database.rs"]
mod database;
#[path = "support/postgres.rs"]
mod pg_cluster;

use contacts_core::{
    ContactKey, FilterField, FilterNode, NewContact, OffsetPage, Operator, Order, SortKey,
};
use contacts_store::Store;
use database::TestDatabase;
use std::time::{Duration, Instant};

const CONTACTS: u64 = 3_000;

fn seeded(database: &TestDatabase) -> Store {
    let store = database.open();
    // Names repeat, so the name orders lean on the id to break ties.
    let batch = (0..CONTACTS)
        .map(|n| {
            let contact = NewContact::named(format!("F{}", n % 7), format!("L{}", n % 13));
            (contact, None)
        })
        .collect();
    store.bulk_insert_contacts(batch).expect("seeds");
    store
}

fn page(sort: SortKey, order: Order, offset: u64, filter: Option<FilterNode>) -> OffsetPage {
    OffsetPage {
        filter,
        sort,
        order,
        limit: 25,
        offset,
    }
}

fn ids(store: &Store, page: &OffsetPage) -> (Vec<i64>, u64) {
    let (contacts, total) = store
        .as_directory()
        .list_contacts_by_offset(page)
        .expect("page");
    (contacts.into_iter().map(|c| c.id).collect(), total)
}

/// The same page through a filter that matches every live contact: the plain OFFSET path.
fn plain_ids(store: &Store, sort: SortKey, order: Order, offset: u64) -> (Vec<i64>, u64) {
    let everyone = FilterNode::test(FilterField::Status, Operator::Equals, vec!["active".into()]);
    ids(store, &page(sort, order, offset, Some(everyone)))
}

fn assert_pages_agree(store: &Store, offsets: &[u64]) {
    for sort in [
        SortKey::Id,
        SortKey::Name,
        SortKey::FirstName,
        SortKey::CreatedAt,
    ] {
        for order in [Order::Asc, Order::Desc] {
            for &offset in offsets {
                let deep = ids(store, &page(sort, order, offset, None));
                let plain = plain_ids(store, sort, order, offset);
                assert_eq!(deep, plain, "{sort:?} {order:?} offset {offset}");
            }
        }
    }
}

#[test]
fn deep_pages_match_a_plain_offset_through_changes() {
    let database = TestDatabase::new();
    let store = seeded(&database);
    let offsets = [0, 1023, 1024, 1025, 2047, 2048, 2990, 2999, 3000, 5000];
    assert_pages_agree(&store, &offsets);
    let (first, total) = ids(&store, &page(SortKey::Id, Order::Asc, 2048, None));
    assert_eq!(total, CONTACTS);
    assert_eq!(first.first(), Some(&2049));

    // Deleting rows before a remembered position moves every later row up.
    for id in [3, 700, 1500] {
        store
            .as_directory()
            .delete_contact(&ContactKey::Id(id))
            .expect("deletes");
    }
    assert_pages_agree(&store, &offsets);
    let (after_deletes, total) = ids(&store, &page(SortKey::Id, Order::Asc, 2048, None));
    assert_eq!(total, CONTACTS - 3);
    assert_eq!(after_deletes.first(), Some(&2052));

    // A change through another pool (as `contacts-gateway import` makes) is seen as well,
    // once this store has heard of it: a page it answered from memory until then is the one
    // it answered before the change, never a mix.
    let other_process = database.open();
    for id in [10, 20] {
        other_process
            .as_directory()
            .delete_contact(&ContactKey::Id(id))
            .expect("deletes");
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let (after_other, total) = loop {
        let (ids, total) = ids(&store, &page(SortKey::Id, Order::Asc, 2048, None));
        if total != CONTACTS - 3 {
            break (ids, total);
        }
        assert_eq!(
            ids, after_deletes,
            "a page from memory is the page before the change"
        );
        assert!(
            Instant::now() < deadline,
            "the other pool's deletes were never seen"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(total, CONTACTS - 5);
    assert_eq!(after_other.first(), Some(&2054));
    assert_pages_agree(&store, &offsets);
}

#[test]
fn positions_read_ahead_are_current_until_a_write() {
    let database = TestDatabase::new();
    let store = seeded(&database);
    let by_first_name = (SortKey::FirstName, Order::Asc);
    assert_eq!(store.warm_list_positions(&[by_first_name]), Ok(true));
    // A sort whose column can be null has no positions to read.
    assert_eq!(
        store.warm_list_positions(&[by_first_name, (SortKey::Email, Order::Asc)]),
        Ok(false)
    );
    let deep = page(SortKey::FirstName, Order::Asc, 2_100, None);
    assert_eq!(
        ids(&store, &deep),
        plain_ids(&store, SortKey::FirstName, Order::Asc, 2_100)
    );
    // A write makes them stale; within a second of the last read they are not read again.
    store
        .as_directory()
        .create_contact(NewContact::named("Ada", "Lovelace"))
        .expect("creates");
    assert_eq!(store.warm_list_positions(&[by_first_name]), Ok(false));
}
