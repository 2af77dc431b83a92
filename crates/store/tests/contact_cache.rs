//! Contacts answered from memory are never staler than the database allows: a write through
//! this store forgets them before it is answered, including writes to another row that shows in
//! the contact (its account's name), and a write by another process (or node) is seen at the
//! next look. On either backend (support/database.rs).

#[path = "support/database.rs"]
mod database;
#[path = "support/postgres.rs"]
mod pg_cluster;

use std::sync::Arc;
use std::time::{Duration, Instant};

use contacts_core::{
    AccountChanges, AccountKey, Contact, ContactChanges, ContactKey, CoreError, Directory, Entity,
    ExternalId, NewAccount, NewContact,
};
use database::TestDatabase;

fn renamed(first_name: &str) -> ContactChanges {
    ContactChanges {
        first_name: Some(first_name.into()),
        ..ContactChanges::default()
    }
}

/// Reads the contact so that it is remembered, and checks it is. A store's watcher forgets
/// everything once when it first looks (it cannot know what it missed before), so right after
/// a store opens a read may be forgotten at once: read again until it stays, for a while.
fn read_into_memory(store: &dyn Directory, id: i64) -> Arc<Contact> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let (read, remembered) = loop {
        let read = store
            .get_contact_to_remember(&ContactKey::Id(id))
            .expect("reads");
        if let Some(remembered) = store.remembered_contact(&ContactKey::Id(id)) {
            break (read, remembered);
        }
        assert!(Instant::now() < deadline, "never remembered after a read");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(remembered, read);
    let by_uid = store
        .remembered_contact(&ContactKey::Uid(read.uid.clone()))
        .expect("remembered by uid too");
    assert_eq!(by_uid, read);
    read
}

/// Waits until `store` has forgotten the contact it remembered: the sign that it has seen a
/// write another process made.
fn wait_until_forgotten(store: &dyn Directory, id: i64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while store.remembered_contact(&ContactKey::Id(id)).is_some() {
        assert!(
            Instant::now() < deadline,
            "the other process's write was never seen"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_write_through_the_store_forgets_before_it_is_answered() {
    let database = TestDatabase::new();
    let opened = database.open();
    let store = opened.as_directory();
    let id = store
        .create_contact(NewContact::named("Ada", "Lovelace"))
        .expect("creates")
        .id;

    read_into_memory(store, id);
    store
        .update_contact(&ContactKey::Id(id), renamed("Augusta"))
        .expect("updates");
    assert!(store.remembered_contact(&ContactKey::Id(id)).is_none());
    let read = store
        .get_contact_to_remember(&ContactKey::Id(id))
        .expect("reads");
    assert_eq!(read.first_name, "Augusta");

    read_into_memory(store, id);
    store.delete_contact(&ContactKey::Id(id)).expect("deletes");
    assert_eq!(
        store.get_contact_to_remember(&ContactKey::Id(id)).err(),
        Some(CoreError::NotFound(Entity::Contact))
    );
}

#[test]
fn renaming_the_account_forgets_its_contacts() {
    let database = TestDatabase::new();
    let opened = database.open();
    let store = opened.as_directory();
    let account = NewAccount {
        name: "Analytical Engines".into(),
        ..NewAccount::default()
    };
    let (account, _) = store.create_account(account, None).expect("account");
    let contact = NewContact {
        account: Some(AccountKey::Id(account.id)),
        ..NewContact::named("Ada", "Lovelace")
    };
    let id = store.create_contact(contact).expect("creates").id;

    let before = read_into_memory(store, id);
    assert_eq!(
        before.account.as_ref().map(|a| a.name.as_str()),
        Some("Analytical Engines")
    );
    let changes = AccountChanges {
        name: Some("Difference Engines".into()),
        ..AccountChanges::default()
    };
    store
        .update_account(&AccountKey::Id(account.id), changes)
        .expect("renames");
    let after = store
        .get_contact_to_remember(&ContactKey::Id(id))
        .expect("reads");
    assert_eq!(
        after.account.as_ref().map(|a| a.name.as_str()),
        Some("Difference Engines")
    );
}

#[test]
fn a_write_by_another_process_is_seen_at_the_next_look() {
    let database = TestDatabase::new();
    let here = database.open();
    let here = here.as_directory();
    // Another store on the same database has its own pool, writer and memory: another process.
    let elsewhere = database.open();
    let elsewhere = elsewhere.as_directory();
    let id = here
        .create_contact(NewContact::named("Ada", "Lovelace"))
        .expect("creates")
        .id;
    // Let the watcher take its first look, which forgets everything once.
    std::thread::sleep(Duration::from_millis(100));
    read_into_memory(here, id);

    elsewhere
        .update_contact(&ContactKey::Id(id), renamed("Augusta"))
        .expect("updates elsewhere");
    wait_until_forgotten(here, id);
    let read = here
        .get_contact_to_remember(&ContactKey::Id(id))
        .expect("reads");
    assert_eq!(read.first_name, "Augusta");
}

#[test]
fn external_id_look_ups_always_ask_the_database() {
    let database = TestDatabase::new();
    let opened = database.open();
    let store = opened.as_directory();
    let contact = NewContact {
        external_ids: vec![ExternalId {
            external_id: "emp-1".into(),
            label: String::new(),
        }],
        ..NewContact::named("Ada", "Lovelace")
    };
    let id = store.create_contact(contact).expect("creates").id;
    read_into_memory(store, id);
    let external = ContactKey::External {
        external_id: "emp-1".into(),
        only_source: None,
    };
    assert!(store.remembered_contact(&external).is_none());
    assert_eq!(
        store.get_contact_to_remember(&external).expect("reads").id,
        id
    );
}

#[test]
fn pages_take_remembered_contacts_and_never_show_one_older_than_a_write() {
    use contacts_core::{KeysetPage, OffsetPage, Order, SortKey};

    let database = TestDatabase::new();
    let here = database.open();
    let here = here.as_directory();
    let elsewhere = database.open();
    let elsewhere = elsewhere.as_directory();
    let id = here
        .create_contact(NewContact::named("Ada", "Lovelace"))
        .expect("creates")
        .id;
    // Let the watcher take its first look, which forgets everything once: a read then stays.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        read_into_memory(here, id);
        std::thread::sleep(Duration::from_millis(50));
        if here.remembered_contact(&ContactKey::Id(id)).is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "the watcher never settled");
    }
    // A write forgets it again, so the page below loads it.
    here.update_contact(&ContactKey::Id(id), renamed("Ada"))
        .expect("updates");
    assert!(here.remembered_contact(&ContactKey::Id(id)).is_none());
    let by_offset = OffsetPage {
        filter: None,
        sort: SortKey::Id,
        order: Order::Asc,
        limit: 25,
        offset: 0,
    };
    let by_keyset = KeysetPage {
        filter: None,
        sort: SortKey::Name,
        order: Order::Asc,
        limit: 25,
        after: None,
    };
    let first_names = |page: Vec<Arc<Contact>>| -> Vec<String> {
        page.iter()
            .map(|contact| contact.first_name.clone())
            .collect()
    };

    // On PostgreSQL the write's own notification reaches the listener a moment later and
    // forgets everything once more; a page read after that remembers for good.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (page, _) = here.list_contacts_by_offset(&by_offset).expect("page");
        assert_eq!(first_names(page), ["Ada"]);
        if here.remembered_contact(&ContactKey::Id(id)).is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a page remembers the contacts it loaded"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // A page of another size is not remembered itself, but its contact is: the page is read,
    // with its total, and takes the contact from memory.
    let smaller = OffsetPage {
        limit: 24,
        ..by_offset.clone()
    };
    assert!(here.remembered_page_by_offset(&smaller).is_none());
    let (page, total) = here.list_contacts_by_offset(&smaller).expect("page");
    assert_eq!((first_names(page), total), (vec!["Ada".to_owned()], 1));
    here.update_contact(&ContactKey::Id(id), renamed("Augusta"))
        .expect("updates");
    let (page, _) = here.list_contacts_by_offset(&by_offset).expect("page");
    assert_eq!(
        first_names(page),
        ["Augusta"],
        "a write forgets before it answers"
    );
    let page = here.list_contacts_after(&by_keyset).expect("page");
    assert_eq!(first_names(page), ["Augusta"]);

    elsewhere
        .update_contact(&ContactKey::Id(id), renamed("Ada"))
        .expect("updates elsewhere");
    wait_until_forgotten(here, id);
    let page = here.list_contacts_after(&by_keyset).expect("page");
    assert_eq!(first_names(page), ["Ada"]);
}

/// A page loads the contacts it does not remember as one range of ids, which also reads the
/// rows of the contacts between them that it remembers or that are deleted: each contact on
/// the page still carries exactly its own emails, phones, external ids and attributes, and no
/// deleted contact shows.
#[test]
fn a_page_partly_remembered_shows_each_contact_with_its_own_lists() {
    let database = TestDatabase::new();
    let store = database.open();
    let directory = store.as_directory();
    let ids: Vec<i64> = (0..6)
        .map(|n| {
            let mut contact = NewContact::named(format!("F{n}"), "L");
            contact.email = Some(format!("first{n}@range.example"));
            contact.phones = vec![format!("+1555000{n}0"), format!("+1555000{n}1")];
            contact.external_ids = vec![ExternalId {
                external_id: format!("X-{n}"),
                label: "crm".into(),
            }];
            contact.attributes.insert(
                "tags".into(),
                contacts_core::AttributeValue::List(vec![format!("t{n}"), "shared".into()]),
            );
            directory.create_contact(contact).expect("created").id
        })
        .collect();
    directory
        .delete_contact(&ContactKey::Id(ids[2]))
        .expect("deleted");
    read_into_memory(directory, ids[3]);
    let page = directory
        .list_contacts_after(&contacts_core::KeysetPage {
            filter: None,
            sort: contacts_core::SortKey::Id,
            order: contacts_core::Order::Asc,
            limit: 10,
            after: None,
        })
        .expect("page");
    let expected: Vec<Contact> = [0, 1, 3, 4, 5]
        .iter()
        .map(|&n| {
            directory
                .get_contact(&ContactKey::Id(ids[n]))
                .expect("read alone")
        })
        .collect();
    let page: Vec<Contact> = page.iter().map(|contact| (**contact).clone()).collect();
    assert_eq!(page, expected);
    assert_eq!(page[2].phones, ["+155500030", "+155500031"]);
}

/// A loaded contact's account carries its own external ids, in their order, and an account
/// without any carries none (the summaries come joined to their external ids in one statement).
#[test]
fn a_page_shows_each_contacts_account_with_exactly_its_external_ids() {
    use contacts_core::{KeysetPage, Order, SortKey};

    let database = TestDatabase::new();
    let store = database.open();
    let directory = store.as_directory();
    let with_ids = NewAccount {
        name: "Analytical Engines".into(),
        external_ids: vec![
            ExternalId {
                external_id: "crm-2".into(),
                label: "crm".into(),
            },
            ExternalId {
                external_id: "erp-1".into(),
                label: "erp".into(),
            },
        ],
        ..NewAccount::default()
    };
    let without = NewAccount {
        name: "Difference Engines".into(),
        ..NewAccount::default()
    };
    for (account, first_name) in [(with_ids, "Ada"), (without, "Charles")] {
        let (account, _) = directory.create_account(account, None).expect("account");
        let contact = NewContact {
            account: Some(AccountKey::Id(account.id)),
            ..NewContact::named(first_name, "Engine")
        };
        directory.create_contact(contact).expect("contact");
    }
    let page = directory
        .list_contacts_after(&KeysetPage {
            filter: None,
            sort: SortKey::FirstName,
            order: Order::Asc,
            limit: 10,
            after: None,
        })
        .expect("page");
    let accounts: Vec<(String, String, Vec<String>)> = page
        .iter()
        .map(|contact| {
            let account = contact.account.as_ref().expect("an account");
            let external = account
                .external_ids
                .iter()
                .map(|id| format!("{}:{}", id.label, id.external_id))
                .collect();
            (contact.first_name.clone(), account.name.clone(), external)
        })
        .collect();
    assert_eq!(
        accounts,
        [
            (
                "Ada".to_owned(),
                "Analytical Engines".to_owned(),
                vec!["crm:crm-2".to_owned(), "erp:erp-1".to_owned()]
            ),
            (
                "Charles".to_owned(),
                "Difference Engines".to_owned(),
                vec![]
            )
        ]
    );
}

/// A page that loads its contacts takes their accounts from memory where it can (pages far
/// from the first remember contacts only when read twice, accounts at once), and a write
/// forgets those accounts as it forgets contacts: one through this store before it is
/// answered, one by another process at the next look.
#[test]
fn a_deep_page_shows_its_contacts_accounts_as_the_last_write_left_them() {
    use contacts_core::{KeysetPage, Order, SortKey, SortValue};

    let database = TestDatabase::new();
    let here = database.open();
    let here = here.as_directory();
    let elsewhere = database.open();
    let elsewhere = elsewhere.as_directory();
    let first = here
        .create_contact(NewContact::named("Aaron", "Before"))
        .expect("creates")
        .id;
    let account = NewAccount {
        name: "Analytical Engines".into(),
        external_ids: vec![ExternalId {
            external_id: "crm-1".into(),
            label: "crm".into(),
        }],
        ..NewAccount::default()
    };
    let (account, _) = here.create_account(account, None).expect("account");
    for first_name in ["Ada", "Byron", "Charles"] {
        let contact = NewContact {
            account: Some(AccountKey::Id(account.id)),
            ..NewContact::named(first_name, "Engine")
        };
        here.create_contact(contact).expect("creates");
    }
    // Let the watcher take its first look, which forgets everything once.
    std::thread::sleep(Duration::from_millis(100));
    let deep = KeysetPage {
        filter: None,
        sort: SortKey::Id,
        order: Order::Asc,
        limit: 10,
        after: Some((SortValue::Int(first), first)),
    };
    let accounts_shown = || -> Vec<(String, Vec<String>)> {
        here.list_contacts_after(&deep)
            .expect("page")
            .iter()
            .map(|contact| {
                let account = contact.account.as_ref().expect("an account");
                let external = account
                    .external_ids
                    .iter()
                    .map(|id| id.external_id.clone())
                    .collect();
                (account.name.clone(), external)
            })
            .collect()
    };
    let shown = |name: &str| vec![(name.to_owned(), vec!["crm-1".to_owned()]); 3];

    // The first read loads and remembers the account; the second takes it from memory.
    assert_eq!(accounts_shown(), shown("Analytical Engines"));
    assert_eq!(accounts_shown(), shown("Analytical Engines"));

    let renamed_to = |name: &str| AccountChanges {
        name: Some(name.into()),
        ..AccountChanges::default()
    };
    here.update_account(
        &AccountKey::Id(account.id),
        renamed_to("Difference Engines"),
    )
    .expect("renames");
    assert_eq!(accounts_shown(), shown("Difference Engines"));
    assert_eq!(accounts_shown(), shown("Difference Engines"));

    // A contact remembered here tells when the other process's write has been seen.
    read_into_memory(here, first);
    elsewhere
        .update_account(&AccountKey::Id(account.id), renamed_to("Babbage Engines"))
        .expect("renames elsewhere");
    wait_until_forgotten(here, first);
    assert_eq!(accounts_shown(), shown("Babbage Engines"));
}
