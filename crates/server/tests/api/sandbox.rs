//! The sandbox: absent when off; when on, fault rules that slow or fail chosen requests in
//! each dialect's own shape, a journal of requests (credentials redacted), and a reset.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::{start, start_with};

const INJECTED: &str = "Injected fault (sandbox): retry as your client would.";

#[actix_web::test]
async fn off_by_default_none_of_its_routes_exist() {
    let app = start().await;
    for (method, path) in [
        (Method::POST, "/_sandbox/reset"),
        (Method::GET, "/_sandbox/requests"),
        (Method::PUT, "/_sandbox/faults"),
    ] {
        let reply = app
            .call(TestRequest::default().method(method).uri(path))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[actix_web::test]
async fn faults_fail_chosen_requests_in_each_dialects_shape_and_the_journal_shows_them() {
    let app = start_with(|settings| settings.sandbox.enabled = true).await;
    let rules = json!([
        {"dialect": "pylon", "method": "POST", "route": "/contacts/search", "status": 503, "every": 3},
        {"dialect": "grow", "route": "/api/contacts", "status": 429, "rate": 1},
        {"dialect": "workshop", "route": "/v1/contacts/{id}", "latency_ms": 50}
    ]);
    let set = app
        .call(TestRequest::put().uri("/_sandbox/faults").set_json(&rules))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(set.body["data"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        app.get("/_sandbox/faults").await.body["data"],
        set.body["data"]
    );

    let search =
        json!({"filter": {"field": "email", "operator": "equals", "value": "x@y.example"}});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(app.post_json("/contacts/search", search.clone()).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|reply| reply.status.as_u16()).collect();
    assert_eq!(codes, [200, 200, 503]);
    let failed = &statuses[2];
    assert_eq!(failed.body["errors"], json!([INJECTED]));
    assert_eq!(failed.header("retry-after").as_deref(), Some("1"));

    let grow = app.get("/api/contacts").await;
    assert_eq!(
        (grow.status, grow.body),
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "message": INJECTED })
        )
    );
    let slow = app
        .get("/v1/contacts/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(slow.status, StatusCode::NOT_FOUND);

    // The journal: newest first, the injected ones marked, credentials never kept.
    let journal = app.get("/_sandbox/requests?limit=10").await;
    assert_eq!(journal.status, StatusCode::OK);
    let entries = journal.body["data"].as_array().expect("entries").clone();
    let paths: Vec<&str> = entries.iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v1/contacts/00000000-0000-4000-8000-000000000000",
            "/api/contacts",
            "/contacts/search",
            "/contacts/search",
            "/contacts/search",
        ]
    );
    assert!(entries[0]["duration_ms"]
        .as_f64()
        .is_some_and(|ms| ms >= 50.0));
    assert_eq!(entries[1]["fault"], true);
    assert_eq!(entries[1]["status"], 429);
    assert_eq!(entries[1]["dialect"], "grow");
    assert_eq!(entries[1]["key_name"], "tests");
    assert_eq!(entries[2]["fault"], true);
    assert_eq!(entries[3]["fault"], false);
    assert_eq!(entries[3]["request_headers"]["authorization"], "[redacted]");
    let sent: Value =
        serde_json::from_str(entries[3]["request_body"].as_str().expect("body")).expect("json");
    assert_eq!(sent, search);
    assert!(entries[3]["response_body"]
        .as_str()
        .is_some_and(|body| body.contains("\"pagination\"")));
    for entry in &entries {
        assert!(
            !entry.to_string().contains(&app.key),
            "no key in the journal"
        );
    }
    let only_failures = app.get("/_sandbox/requests?status=503").await;
    assert_eq!(only_failures.body["data"].as_array().map(Vec::len), Some(1));
    let only_grow = app.get("/_sandbox/requests?dialect=grow").await;
    assert_eq!(only_grow.body["data"].as_array().map(Vec::len), Some(1));

    // Cleared rules fail nothing; a cleared journal is empty.
    app.call(TestRequest::delete().uri("/_sandbox/faults"))
        .await;
    assert_eq!(app.get("/api/contacts").await.status, StatusCode::OK);
    app.call(TestRequest::delete().uri("/_sandbox/requests"))
        .await;
    assert_eq!(app.get("/_sandbox/requests").await.body["data"], json!([]));
}

#[actix_web::test]
async fn rules_and_keys_are_checked() {
    let app = start_with(|settings| settings.sandbox.enabled = true).await;
    for (rules, message) in [
        (
            json!([{"status": 700}]),
            "rule 0: status must be from 400 to 599",
        ),
        (
            json!([{"status": 503, "every": 2, "rate": 0.5}]),
            "rule 0: a rule takes every or rate, not both",
        ),
        (
            json!([{"every": 2}]),
            "rule 0: every and rate need a status to fail with",
        ),
        (
            json!([{}, {"dialect": "other"}]),
            "rule 1: dialect must be grow, pylon or workshop, not \"other\"",
        ),
        (
            json!([{"latency_ms": 60001}]),
            "rule 0: latency_ms must be at most 60000",
        ),
    ] {
        let reply = app
            .call(TestRequest::put().uri("/_sandbox/faults").set_json(&rules))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{rules}");
        assert_eq!(reply.body["error"], message);
    }
    let not_a_list = app
        .call(
            TestRequest::put()
                .uri("/_sandbox/faults")
                .set_json(json!({"status": 503})),
        )
        .await;
    assert_eq!(not_a_list.status, StatusCode::BAD_REQUEST);
    let reader = app.extra_key("reader", true);
    let refused = app
        .send(
            TestRequest::post()
                .uri("/_sandbox/reset")
                .insert_header(("Authorization", format!("Bearer {reader}"))),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.body["error"],
        "The sandbox needs a key that is not read-only."
    );
    let anonymous = app.send(TestRequest::get().uri("/_sandbox/requests")).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn reset_empties_the_directory_and_keeps_the_keys() {
    let app = start_with(|settings| settings.sandbox.enabled = true).await;
    let client = app
        .post_json(
            "/api/clients",
            json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example"}),
        )
        .await;
    assert_eq!(client.status, StatusCode::CREATED);
    app.post_json(
        "/contacts",
        json!({"name": "Pat Pylon", "email": "pat@pylon.example"}),
    )
    .await;
    app.post_json("/v1/contacts", json!({"external_id": "W-1", "first_name": "Wes", "last_name": "Shop", "email": "wes@ws.example"})).await;

    let reset = app.call(TestRequest::post().uri("/_sandbox/reset")).await;
    assert_eq!(
        (reset.status, reset.body),
        (
            StatusCode::OK,
            json!({"reset": true, "contacts_removed": 3})
        )
    );
    assert_eq!(app.get("/api/contacts").await.body["meta"]["total"], 0);
    assert_eq!(app.get("/api/clients").await.body["meta"]["total"], 0);
    assert_eq!(app.get("/contacts").await.body["data"], json!([]));
    assert_eq!(app.get("/v1/contacts").await.body["data"], json!([]));
    assert_eq!(app.get("/events").await.body["data"], json!([]));
    // The same emails and external ids can be written again, with the same key.
    let again = app
        .post_json("/v1/contacts", json!({"external_id": "W-1", "first_name": "Wes", "last_name": "Shop", "email": "wes@ws.example"}))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
}

/// Every contact's email, as Pylon lists them, sorted.
async fn emails<S, B>(app: &crate::support::TestApp<S>) -> Vec<String>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let mut found = Vec::new();
    let mut cursor = String::new();
    loop {
        let reply = app
            .get(&format!("/contacts?limit=999&cursor={cursor}"))
            .await;
        for contact in reply.body["data"].as_array().expect("data") {
            found.push(contact["email"].as_str().unwrap_or("").to_owned());
        }
        if reply.body["pagination"]["has_next_page"] != json!(true) {
            found.sort();
            return found;
        }
        cursor = reply.body["pagination"]["cursor"]
            .as_str()
            .unwrap_or("")
            .to_owned();
    }
}

#[actix_web::test]
async fn seeding_makes_the_same_realistic_directory_for_the_same_seed() {
    let app = start_with(|settings| settings.sandbox.enabled = true).await;
    let seed = |body: Value| app.call(TestRequest::post().uri("/_sandbox/seed").set_json(body));
    let reply = seed(json!({"contacts": 500, "seed": 7})).await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::OK,
            json!({"seeded": {"contacts": 500, "accounts": 25, "seed": 7}})
        )
    );
    assert_eq!(app.get("/api/contacts").await.body["meta"]["total"], 500);
    let clients = app.get("/api/clients?limit=100").await;
    assert_eq!(clients.body["meta"]["total"], 25);
    assert!(clients.body["data"]
        .as_array()
        .expect("clients")
        .iter()
        .all(|client| client["owner"]["id"].is_i64()));
    let first = emails(&app).await;
    assert_eq!(first.len(), 500);
    // Pylon shows every seeded phone in a form it accepts back.
    let page = app.get("/contacts?limit=999").await;
    for contact in page.body["data"].as_array().expect("data") {
        for phone in contact["phone_numbers"].as_array().expect("phones") {
            let digits = phone.as_str().unwrap_or("");
            assert!(
                contacts_core::validate::is_valid_digits_phone(digits),
                "{digits}"
            );
        }
    }

    app.call(TestRequest::post().uri("/_sandbox/reset")).await;
    seed(json!({"contacts": 500, "seed": 7})).await;
    assert_eq!(
        emails(&app).await,
        first,
        "the same seed, the same directory"
    );

    for (body, message) in [
        (
            json!({"contacts": 0}),
            "contacts must be an integer from 1 to 100000",
        ),
        (
            json!({"contacts": 100_001}),
            "contacts must be an integer from 1 to 100000",
        ),
        (
            json!({"contacts": 5, "seed": "x"}),
            "seed must be a non-negative integer",
        ),
    ] {
        let reply = seed(body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.body["error"], message);
    }
}
