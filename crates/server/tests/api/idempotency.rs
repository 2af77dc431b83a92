//! `Idempotency-Key` in every dialect: a repeat gets the first answer byte for byte with
//! `Idempotent-Replayed: true` and changes nothing; the key with another request is 422; the
//! key while its first request runs is 409; a request that changed nothing stores nothing;
//! keys are pruned after their retention.

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use contacts_core::Timestamp;
use serde_json::{json, Value};

use crate::grow::client;
use crate::support::{start, Reply};

fn keyed(method: Method, uri: &str, key: &str, body: &Value) -> TestRequest {
    TestRequest::default()
        .method(method)
        .uri(uri)
        .insert_header(("Idempotency-Key", key.to_owned()))
        .set_json(body)
}

fn replayed(reply: &Reply) -> bool {
    reply.header("idempotent-replayed").as_deref() == Some("true")
}

#[actix_web::test]
async fn a_repeat_gets_the_first_answer_byte_for_byte_in_every_dialect() {
    let app = start().await;
    let acme = client(&app, "Acme", "olive@acme.example").await;
    let writes = [
        (
            Method::POST,
            "/api/contacts".to_owned(),
            json!({"first_name": "Gus", "last_name": "Grow", "email": "gus@acme.example", "clientid": acme["id"]}),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            "/contacts".to_owned(),
            json!({"name": "Pat Pylon", "email": "pat@pylon.example"}),
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/v1/contacts".to_owned(),
            json!({"external_id": "W-1", "first_name": "Wes", "last_name": "Shop", "email": "wes@ws.example"}),
            StatusCode::CREATED,
        ),
        (
            Method::PUT,
            format!("/api/clients/{}/status", acme["id"]),
            json!({"status": "suspended"}),
            StatusCode::OK,
        ),
    ];
    for (index, (method, uri, body, status)) in writes.into_iter().enumerate() {
        let key = format!("retry-{index}");
        let first = app.call(keyed(method.clone(), &uri, &key, &body)).await;
        assert_eq!(first.status, status, "{uri}: {}", first.text);
        assert!(!replayed(&first));
        let again = app.call(keyed(method.clone(), &uri, &key, &body)).await;
        assert_eq!(again.status, status, "{uri}");
        assert!(replayed(&again), "{uri}");
        assert_eq!(again.text, first.text, "{uri}: byte for byte");
        assert_eq!(again.header("location"), first.header("location"), "{uri}");
    }
    // Each create happened once: Grow lists the client owner, Gus, Pat and Wes.
    let listed = app.get("/api/contacts").await;
    assert_eq!(listed.body["meta"]["total"], 4);
    let events = app.get("/events?limit=1000").await;
    let created = events.body["data"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["type"] == "contact.created")
        .count();
    assert_eq!(created, 4);
}

#[actix_web::test]
async fn misuse_is_refused_in_each_dialects_shape_and_failures_store_nothing() {
    let app = start().await;
    let body = json!({"name": "Pat Pylon", "email": "pat@pylon.example"});
    let first = app
        .call(keyed(Method::POST, "/contacts", "k-1", &body))
        .await;
    assert_eq!(first.status, StatusCode::OK);

    // The same key with another request.
    let other = app
        .call(keyed(
            Method::POST,
            "/contacts",
            "k-1",
            &json!({"name": "Someone Else"}),
        ))
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        other.body["errors"],
        json!(["This Idempotency-Key was already used for a different request."])
    );
    let grow = app
        .call(keyed(Method::POST, "/api/contacts", "k-1", &json!({})))
        .await;
    assert_eq!(
        (grow.status, grow.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"message": "This Idempotency-Key was already used for a different request."})
        )
    );

    // Keys that are not 1 to 255 visible ASCII characters.
    for bad in ["", "has space", &"k".repeat(256)] {
        let reply = app
            .call(keyed(Method::POST, "/v1/contacts", bad, &json!({})))
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::BAD_REQUEST,
                json!({"error": "The Idempotency-Key header must be 1 to 255 visible ASCII characters."})
            ),
            "{bad:?}"
        );
    }

    // The same key while its first request is still running.
    let running = json!({"name": "Slow One"});
    let print = contacts_gateway::idempotency::fingerprint(
        &Method::POST,
        "/contacts",
        &serde_json::to_vec(&running).expect("json"),
    );
    app.directory()
        .claim_idempotency_key(
            "tests",
            "k-run",
            &print,
            Timestamp::from_now(Duration::from_secs(60)),
        )
        .expect("claim");
    let busy = app
        .call(keyed(Method::POST, "/contacts", "k-run", &running))
        .await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    assert_eq!(
        busy.body["errors"],
        json!(["A request with this Idempotency-Key is still being processed."])
    );

    // A request refused by validation stores nothing: the key is free for the corrected one.
    let invalid = app
        .call(keyed(
            Method::POST,
            "/v1/contacts",
            "k-fix",
            &json!({"first_name": "No"}),
        ))
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fixed = app
        .call(keyed(
            Method::POST,
            "/v1/contacts",
            "k-fix",
            &json!({"external_id": "W-9", "first_name": "No", "last_name": "Longer", "email": "fixed@ws.example"}),
        ))
        .await;
    assert_eq!(fixed.status, StatusCode::CREATED, "{}", fixed.text);
    assert!(!replayed(&fixed));

    // Another API key has keys of its own.
    let other_key = app.extra_key("second", false);
    let theirs = app
        .send(
            keyed(
                Method::POST,
                "/contacts",
                "k-1",
                &json!({"name": "Their Own"}),
            )
            .insert_header(("Authorization", format!("Bearer {other_key}"))),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!replayed(&theirs));

    // Past their retention keys are forgotten: the first request runs again (its email is
    // taken now, so Pylon answers 409).
    let pruned = app
        .directory()
        .prune_idempotency_keys(Timestamp::from_now(Duration::from_secs(1)))
        .expect("prune");
    assert!(pruned >= 3, "{pruned}");
    let after = app
        .call(keyed(Method::POST, "/contacts", "k-1", &body))
        .await;
    assert_eq!(after.status, StatusCode::CONFLICT);
    assert!(!replayed(&after));
}
