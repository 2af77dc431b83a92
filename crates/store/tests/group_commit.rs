//! Writes committed together in one batch stay independent: a write that fails rolls back
//! alone, every other write of its batch commits, and each caller gets its own answer.

use std::sync::{Arc, Barrier};

use contacts_core::{Conflict, CoreError, Directory, NewContact, OffsetPage, Order, SortKey};
use contacts_store::{PoolOptions, SqliteStore};

const WRITERS: usize = 24;

#[test]
fn a_failing_write_rolls_back_alone_in_its_batch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("contacts.db").display().to_string();
    let store = SqliteStore::open(&url, PoolOptions::default()).expect("opens");
    let start = Arc::new(Barrier::new(WRITERS));
    // Even writers share one email (one of them may win); odd writers each have their own.
    let handles: Vec<_> = (0..WRITERS)
        .map(|n| {
            let store = store.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let mut contact = NewContact::named(format!("W{n}"), "Batch");
                contact.email = Some(if n % 2 == 0 {
                    "shared@batch.example".to_owned()
                } else {
                    format!("own{n}@batch.example")
                });
                contact.phones = vec![format!("1555{n:07}")];
                start.wait();
                (n, store.create_contact(contact))
            })
        })
        .collect();
    let results: Vec<(usize, Result<_, CoreError>)> = handles
        .into_iter()
        .map(|handle| handle.join().expect("writer thread"))
        .collect();

    let shared_wins = results
        .iter()
        .filter(|(n, result)| n % 2 == 0 && result.is_ok())
        .count();
    assert_eq!(shared_wins, 1, "{results:?}");
    for (n, result) in &results {
        match (n % 2, result) {
            (1, Ok(contact)) => assert_eq!(contact.first_name, format!("W{n}")),
            (1, Err(err)) => panic!("writer {n} had its own email and failed: {err:?}"),
            (_, Err(CoreError::Conflict(Conflict::EmailTaken { .. }))) | (_, Ok(_)) => {}
            (_, Err(err)) => panic!("writer {n} failed otherwise: {err:?}"),
        }
    }

    // Exactly the winners are stored, each with its phone: nothing of a loser remains.
    let (stored, total) = store
        .list_contacts_by_offset(&OffsetPage {
            filter: None,
            sort: SortKey::Id,
            order: Order::Asc,
            limit: 100,
            offset: 0,
        })
        .expect("lists");
    assert_eq!(total as usize, WRITERS / 2 + 1);
    let mut stored_names: Vec<String> = stored.iter().map(|c| c.first_name.clone()).collect();
    let mut winner_names: Vec<String> = results
        .iter()
        .filter(|(_, result)| result.is_ok())
        .map(|(n, _)| format!("W{n}"))
        .collect();
    stored_names.sort();
    winner_names.sort();
    assert_eq!(stored_names, winner_names);
    for contact in &stored {
        assert_eq!(contact.phones.len(), 1, "{contact:?}");
    }
}
