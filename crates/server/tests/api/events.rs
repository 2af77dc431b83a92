//! The change feed: every write in every dialect (and every import) is an event, listed in
//! commit order by cursor at `GET /events`, which any live key reads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use contacts_core::{FeedPosition, ImportRow, NewContact};
use serde_json::{json, Value};

use crate::grow::client;
use crate::support::{start, TestApp};

type Req = actix_http::Request;

/// Every event from the start, following the cursor `limit` at a time.
async fn all_events<S, B>(app: &TestApp<S>, key: &str, limit: u32) -> Vec<Value>
where
    S: Service<Req, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(cursor) => format!("/events?limit={limit}&after={cursor}"),
            None => format!("/events?limit={limit}"),
        };
        let reply = app
            .send(
                TestRequest::get()
                    .uri(&uri)
                    .insert_header(("Authorization", format!("Bearer {key}"))),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let page = reply.body["data"].as_array().expect("data").clone();
        assert!(page.len() <= limit as usize);
        events.extend(page);
        cursor = reply.body["next_cursor"].as_str().map(str::to_owned);
        if reply.body["has_more"] == json!(false) {
            return events;
        }
    }
}

fn summary(events: &[Value]) -> Vec<(String, String, String)> {
    events
        .iter()
        .map(|event| {
            (
                event["type"].as_str().unwrap_or("").to_owned(),
                event["origin"].as_str().unwrap_or("").to_owned(),
                event["data"]["email"]
                    .as_str()
                    .or(event["data"]["name"].as_str())
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn every_write_in_every_dialect_is_an_event_in_commit_order() {
    let app = start().await;
    let reader = app.extra_key("feed-reader", true);
    let acme = client(&app, "Acme", "olive@acme.example").await;
    let acme_id = acme["id"].as_i64().expect("id");
    let jane = app
        .post_json(
            "/api/contacts",
            json!({"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example", "clientid": acme_id}),
        )
        .await;
    let jane_number = jane.body["data"]["id"].as_i64().expect("id");
    let made = app
        .post_json("/v1/contacts", json!({"external_id": "W-1", "first_name": "Wes", "last_name": "Shop", "email": "wes@ws.example"}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let wes = made.header("location").expect("location");
    let wes_uid = wes.rsplit('/').next().expect("uid").to_owned();
    let patched = app
        .patch_json(
            &format!("/contacts/{wes_uid}"),
            json!({"name": "Wes Shopper"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    app.delete(&format!("/v1/contacts/{wes_uid}")).await;
    app.delete(&format!("/api/clients/{acme_id}")).await;

    let events = all_events(&app, &reader, 2).await;
    let owned = |kind: &str, origin: &str, what: &str| {
        (kind.to_owned(), origin.to_owned(), what.to_owned())
    };
    assert_eq!(
        summary(&events),
        [
            owned("account.created", "grow", "Acme"),
            owned("contact.created", "grow", "olive@acme.example"),
            owned("contact.created", "grow", "jane@acme.example"),
            owned("contact.created", "workshop", "wes@ws.example"),
            owned("contact.updated", "pylon", "wes@ws.example"),
            owned("contact.deleted", "workshop", "wes@ws.example"),
            owned("contact.deleted", "grow", "olive@acme.example"),
            owned("contact.deleted", "grow", "jane@acme.example"),
            owned("account.deleted", "grow", "Acme"),
        ]
    );
    // One page at once reads the same, and every event carries each dialect's ids.
    assert_eq!(all_events(&app, &reader, 1000).await, events);
    let jane_created = &events[2];
    assert_eq!(jane_created["data"]["number"], jane_number);
    assert_eq!(jane_created["data"]["object"], "contact");
    assert_eq!(jane_created["data"]["account"]["number"], acme_id);
    let wes_created = &events[3];
    assert_eq!(wes_created["data"]["id"], wes_uid.as_str());
    assert_eq!(
        wes_created["data"]["external_ids"],
        json!([{"external_id": "W-1", "label": ""}])
    );
    assert_eq!(events[4]["data"]["first_name"], "Wes");
    assert_eq!(events[4]["data"]["last_name"], "Shopper");
    for event in &events {
        assert!(event["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("evt_")));
        assert!(event["timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')));
    }

    // At the end the cursor stays where it is, so a client polls from there.
    let last = events.last().expect("events")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reply = app.get(&format!("/events?after={last}")).await;
    assert_eq!(
        reply.body,
        json!({"data": [], "next_cursor": last, "has_more": false})
    );
}

#[actix_web::test]
async fn the_feed_refuses_what_it_cannot_read_in_its_own_shape() {
    let app = start().await;
    for (uri, message) in [
        ("/events?after=42", "after must be a cursor this feed gave"),
        (
            "/events?after=evt_x",
            "after must be a cursor this feed gave",
        ),
        ("/events?limit=0", "limit must be an integer from 1 to 1000"),
        (
            "/events?limit=1001",
            "limit must be an integer from 1 to 1000",
        ),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(
            reply.body,
            json!({"error": message, "request_id": reply.header("x-request-id")})
        );
    }
    let anonymous = app.send(TestRequest::get().uri("/events")).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.body["error"], "Unauthorized");
}

#[actix_web::test]
async fn an_import_is_events_too() {
    let app = start().await;
    let row = |line: u64, external: &str, email: &str| ImportRow {
        line,
        external_id: Some(external.to_owned()),
        email: Some(email.to_owned()),
        phone: None,
        first_name: "Imp".into(),
        last_name: "Orted".into(),
        attributes: BTreeMap::new(),
    };
    let outcome = app
        .directory()
        .import(
            "csv",
            vec![row(2, "C-1", "c1@x.example"), row(3, "C-2", "c2@x.example")],
            false,
            false,
        )
        .expect("import");
    assert!(outcome.applied);
    app.directory()
        .import("csv", vec![row(2, "C-1", "c1@x.example")], true, false)
        .expect("prune");
    let key = app.key.clone();
    let events = all_events(&app, &key, 10).await;
    let owned =
        |kind: &str, what: &str| (kind.to_owned(), "import:csv".to_owned(), what.to_owned());
    assert_eq!(
        summary(&events),
        [
            owned("contact.created", "c1@x.example"),
            owned("contact.created", "c2@x.example"),
            owned("contact.deleted", "c2@x.example"),
        ]
    );
}

#[actix_web::test]
async fn a_reader_polling_during_concurrent_writes_misses_nothing() {
    let app = start().await;
    let store = app.store.clone();
    let done = Arc::new(AtomicBool::new(false));
    // Follows the feed while writers commit, as a syncing client would.
    let poller = {
        let store = store.clone();
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut seen: Vec<FeedPosition> = Vec::new();
            loop {
                let finished = done.load(Ordering::SeqCst);
                let (page, _) = store
                    .as_directory()
                    .list_events(seen.last().copied(), 50)
                    .expect("events");
                seen.extend(page.iter().map(|event| event.position));
                if finished && page.is_empty() {
                    return seen;
                }
            }
        })
    };
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let store = store.clone();
            std::thread::spawn(move || {
                for n in 0..25 {
                    let mut contact = NewContact::named("Con", "Current");
                    contact.email = Some(format!("w{writer}n{n}@x.example"));
                    store
                        .as_directory()
                        .create_contact(contact)
                        .expect("create");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    done.store(true, Ordering::SeqCst);
    let seen = poller.join().expect("poller");
    let (all, more) = store
        .as_directory()
        .list_events(None, 1000)
        .expect("events");
    assert!(!more);
    assert_eq!(all.len(), 100);
    let positions: Vec<FeedPosition> = all.iter().map(|event| event.position).collect();
    assert_eq!(seen, positions);
}
