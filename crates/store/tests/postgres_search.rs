//! Substring search on PostgreSQL once ANALYZE has counted the trigrams: a term with trigrams
//! most contacts share asks its index for its rare parts only (src/postgres/trigrams.rs), and
//! still finds exactly the contacts that hold the whole term, in Grow's search over every
//! column and in Pylon's email test, secondary emails included.

#[path = "support/postgres.rs"]
mod postgres;

use contacts_core::{
    Directory, FilterField, FilterNode, NewContact, OffsetPage, Operator, Order, SortKey,
};
use contacts_store::postgres::trigrams::{narrowed, Searched};
use contacts_store::{PoolOptions, PostgresStore};
use diesel::prelude::*;

const CONTACTS: u64 = 2_000;

fn email(n: u64) -> String {
    format!("user{n}@stats.example")
}

/// Each contact's secondary email, made from its primary by the SQL below.
fn other_email(n: u64) -> String {
    format!("workuser{n}@work.example")
}

fn total(store: &PostgresStore, field: FilterField, operator: Operator, term: &str) -> u64 {
    let page = OffsetPage {
        filter: Some(FilterNode::test(field, operator, vec![term.into()])),
        sort: SortKey::Id,
        order: Order::Asc,
        limit: 10,
        offset: 0,
    };
    store.list_contacts_by_offset(&page).expect("searches").1
}

#[test]
fn terms_with_frequent_trigrams_find_exactly_the_contacts_holding_the_whole_term() {
    let Some(cluster) = postgres::Cluster::start() else {
        return;
    };
    let store = PostgresStore::open(&cluster.url(), PoolOptions::default()).expect("opens");
    let seeds = (0..CONTACTS)
        .map(|n| {
            let mut contact = NewContact::named("Stat", "Person");
            contact.email = Some(email(n));
            (contact, None)
        })
        .collect();
    store.bulk_insert_contacts(seeds).expect("seeds");
    let mut conn = PgConnection::establish(&cluster.url()).expect("connects");
    diesel::sql_query(
        "INSERT INTO contact_emails (contact_id, position, email, email_key) \
         SELECT id, 1, k, k FROM (SELECT id, \
             'work' || split_part(email_key, '@', 1) || '@work.example' AS k FROM contacts) s",
    )
    .execute(&mut conn)
    .expect("secondary emails");
    diesel::sql_query("ANALYZE contacts, contact_emails")
        .execute(&mut conn)
        .expect("analyzes");
    store.learn_search_statistics().expect("learns");

    // Every email has `use` and `ser`: the index is asked for narrower parts.
    for searched in [Searched::Email, Searched::Everything, Searched::OtherEmails] {
        let parts = narrowed("user1234", searched);
        assert!(!parts.is_empty(), "{searched:?}");
        for part in parts {
            assert!("user1234".contains(&part) && part.len() < 8, "{part}");
        }
    }

    for term in [
        "user1234",
        "er12",
        "r199",
        "ser1",
        "user7@stats",
        "son user5",
        "user12345",
        "kuser12",
        "user7@work",
        "@work.ex",
    ] {
        let holding = |text: String| text.contains(term);
        let in_email = (0..CONTACTS)
            .filter(|&n| holding(email(n)) || holding(other_email(n)))
            .count() as u64;
        let anywhere = (0..CONTACTS)
            .filter(|&n| holding(format!("stat person {} ", email(n))) || holding(other_email(n)))
            .count() as u64;
        assert_eq!(
            total(&store, FilterField::Email, Operator::StringContains, term),
            in_email,
            "email {term}"
        );
        assert_eq!(
            total(&store, FilterField::Text, Operator::Equals, term),
            anywhere,
            "text {term}"
        );
    }
}
