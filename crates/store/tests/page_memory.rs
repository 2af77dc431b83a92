//! Pages answered from memory (page_memory.rs) are the pages the database would answer, as
//! fresh as the contact memory: a write through this store forgets them before it is answered,
//! a write by another process (or node) is seen at the next look, and a page beyond the first
//! is answered from memory only once it has been read more than once. On either backend
//! (support/database.rs).

#[path = "support/database.rs"]
mod database;
#[path = "support/postgres.rs"]
mod pg_cluster;

use std::time::{Duration, Instant};

use contacts_core::{
    ContactKey, Directory, KeysetPage, NewContact, OffsetPage, Order, SortKey, SortValue,
};
use database::TestDatabase;

fn first_page(limit: u32) -> KeysetPage {
    KeysetPage {
        filter: None,
        sort: SortKey::Id,
        order: Order::Asc,
        limit,
        after: None,
    }
}

fn ids_after(store: &dyn Directory, page: &KeysetPage) -> Vec<i64> {
    let contacts = store.list_contacts_after(page).expect("page");
    contacts.iter().map(|contact| contact.id).collect()
}

/// Reads the page until the store answers it from memory. A store forgets everything when its
/// watcher first looks, and on PostgreSQL again when its own writes' notifications arrive, so
/// the first reads may not stay.
fn read_until_remembered(store: &dyn Directory, page: &KeysetPage) -> Vec<i64> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let read = ids_after(store, page);
        if let Some(remembered) = store.remembered_page_after(page) {
            let remembered: Vec<i64> = remembered.iter().map(|contact| contact.id).collect();
            assert_eq!(remembered, read, "memory answers what the database did");
            return read;
        }
        assert!(Instant::now() < deadline, "the page was never remembered");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn create(store: &dyn Directory, first_name: &str) -> i64 {
    store
        .create_contact(NewContact::named(first_name, "Lovelace"))
        .expect("creates")
        .id
}

#[test]
fn a_page_read_again_is_answered_from_memory_until_any_write() {
    let database = TestDatabase::new();
    let here = database.open();
    let here = here.as_directory();
    let elsewhere = database.open();
    let elsewhere = elsewhere.as_directory();
    let ids: Vec<i64> = ["Ada", "Grace", "Hedy"]
        .into_iter()
        .map(|name| create(here, name))
        .collect();
    let page = first_page(10);
    assert_eq!(read_until_remembered(here, &page), ids);

    // Only the very page asked for: another size or order is read from the database.
    assert!(here.remembered_page_after(&first_page(2)).is_none());
    let descending = KeysetPage {
        order: Order::Desc,
        ..first_page(10)
    };
    assert!(here.remembered_page_after(&descending).is_none());

    // A write through this store forgets before it is answered.
    let fourth = create(here, "Katherine");
    assert!(here.remembered_page_after(&page).is_none());
    let mut with_fourth = ids.clone();
    with_fourth.push(fourth);
    assert_eq!(ids_after(here, &page), with_fourth);

    // A write by another store is seen at this store's next look.
    assert_eq!(read_until_remembered(here, &page), with_fourth);
    elsewhere
        .delete_contact(&ContactKey::Id(ids[0]))
        .expect("deletes elsewhere");
    let deadline = Instant::now() + Duration::from_secs(5);
    while let Some(stale) = here.remembered_page_after(&page) {
        assert_eq!(
            stale.len(),
            4,
            "until then, the page from before the delete"
        );
        assert!(
            Instant::now() < deadline,
            "the other store's delete was never seen"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(ids_after(here, &page), with_fourth[1..]);
}

#[test]
fn a_page_by_offset_is_remembered_with_its_total() {
    let database = TestDatabase::new();
    let opened = database.open();
    let store = opened.as_directory();
    for name in ["Ada", "Grace", "Hedy", "Katherine", "Mary"] {
        create(store, name);
    }
    let second = OffsetPage {
        filter: None,
        sort: SortKey::FirstName,
        order: Order::Desc,
        limit: 2,
        offset: 2,
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    let (read, total) = loop {
        let (contacts, total) = store.list_contacts_by_offset(&second).expect("page");
        if let Some((remembered, remembered_total)) = store.remembered_page_by_offset(&second) {
            assert_eq!(remembered, contacts);
            assert_eq!(remembered_total, total);
            break (contacts, total);
        }
        assert!(Instant::now() < deadline, "the page was never remembered");
        std::thread::sleep(Duration::from_millis(20));
    };
    let names: Vec<&str> = read.iter().map(|c| c.first_name.as_str()).collect();
    assert_eq!((names, total), (vec!["Hedy", "Grace"], 5));
}

/// A page beyond the first remembers its contacts only when it loads them a second time (the
/// contact memory's rule for deep pages), so a walk over many pages, each read once, fills
/// neither memory; a page read a third time answers from memory.
#[test]
fn a_deep_page_answers_from_memory_from_its_third_read() {
    let database = TestDatabase::new();
    let opened = database.open();
    let store = opened.as_directory();
    let ids: Vec<i64> = (0..6).map(|n| create(store, &format!("F{n}"))).collect();
    let deep = KeysetPage {
        after: Some((SortValue::Int(ids[1]), ids[1])),
        ..first_page(3)
    };
    // A write's own notification (PostgreSQL) or the watcher's first look may forget between
    // reads, so it may take more than two; never fewer.
    let deadline = Instant::now() + Duration::from_secs(5);
    for reads in 1.. {
        assert_eq!(ids_after(store, &deep), ids[2..5]);
        if let Some(remembered) = store.remembered_page_after(&deep) {
            assert!(
                reads >= 2,
                "one read of a deep page remembers nothing to answer it"
            );
            let remembered: Vec<i64> = remembered.iter().map(|contact| contact.id).collect();
            assert_eq!(remembered, ids[2..5]);
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the deep page was never remembered"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
