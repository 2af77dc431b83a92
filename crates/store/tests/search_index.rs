//! Merging the search index after a bulk load keeps every contact findable by substring.

use contacts_core::{
    Directory, FilterField, FilterNode, NewContact, OffsetPage, Operator, Order, SortKey,
};
use contacts_store::{PoolOptions, SqliteStore};

#[test]
fn an_optimized_index_still_finds_every_contact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("contacts.db").display().to_string();
    let store = SqliteStore::open(&url, PoolOptions::default()).expect("opens");
    for batch in 0..4 {
        let contacts = (0..250)
            .map(|n| {
                let n = batch * 250 + n;
                let mut contact = NewContact::named("Seed", format!("Person{n:04}"));
                contact.email = Some(format!("person{n:04}@index.example"));
                (contact, None)
            })
            .collect();
        store.bulk_insert_contacts(contacts).expect("seeds");
    }
    store.optimize_search_index().expect("optimizes");
    for (term, expected) in [("person0421", 1), ("Person09", 100), ("index.exa", 1000)] {
        let (found, total) = store
            .list_contacts_by_offset(&OffsetPage {
                filter: Some(FilterNode::test(
                    FilterField::Text,
                    Operator::Equals,
                    vec![term.into()],
                )),
                sort: SortKey::Id,
                order: Order::Asc,
                limit: 100,
                offset: 0,
            })
            .expect("searches");
        assert_eq!(total, expected, "{term}");
        assert_eq!(found.len() as u64, expected.min(100), "{term}");
    }
}
