//! Bounded work per request: free-text terms have a maximum length in every dialect, and a
//! filter tree at the documented limits runs instead of failing.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::start;

const MAX_TERM: usize = 255;

#[actix_web::test]
async fn a_search_term_over_the_maximum_is_refused_in_each_dialects_shape() {
    let app = start().await;
    let too_long = "a".repeat(MAX_TERM + 1);

    let grow = app.get(&format!("/api/contacts?search={too_long}")).await;
    assert_eq!(
        grow.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        grow.text
    );
    assert_eq!(
        grow.body,
        json!({"message": "The given data was invalid.", "errors": {
            "search": ["The search field must not be greater than 255 characters."]}})
    );
    let clients = app.get(&format!("/api/clients?search={too_long}")).await;
    assert_eq!(
        clients.body["errors"],
        json!({"search": ["The search field must not be greater than 255 characters."]})
    );

    let pylon = app
        .post_json(
            "/contacts/search",
            json!({"filter": {"field": "email", "operator": "string_contains", "value": too_long}}),
        )
        .await;
    assert_eq!(pylon.status, StatusCode::BAD_REQUEST, "{}", pylon.text);
    assert_eq!(
        pylon.body["errors"],
        json!(["filter.value must be at most 255 characters"])
    );

    // At the maximum, both answer normally.
    let longest = "a".repeat(MAX_TERM);
    let grow = app.get(&format!("/api/contacts?search={longest}")).await;
    assert_eq!(grow.status, StatusCode::OK, "{}", grow.text);
    assert_eq!(grow.body["meta"]["total"], 0);
    let pylon = app
        .post_json(
            "/contacts/search",
            json!({"filter": {"field": "email", "operator": "string_contains", "value": longest}}),
        )
        .await;
    assert_eq!(pylon.status, StatusCode::OK, "{}", pylon.text);
}

#[actix_web::test]
async fn a_filter_tree_at_the_documented_limits_answers() {
    let app = start().await;
    let mut uids = Vec::new();
    for n in 0..3 {
        let reply = app
            .post_json(
                "/contacts",
                json!({"name": format!("Person {n}"), "email": format!("p{n}@limits.example"),
                       "custom_fields": [{"slug": "dept", "value": format!("d{n}")}]}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        uids.push(reply.body["data"]["id"].as_str().expect("id").to_owned());
    }
    // 33 conditions of 1 000 values each: 33 000 values, past SQLite's 32 766 variables if each
    // were bound on its own. One value in the last set of each kind matches.
    let set = |field: &str, hit: &str| -> Value {
        let mut values: Vec<String> = (0..999)
            .map(|n| format!("miss-{n}@limits.example"))
            .collect();
        values.push(hit.to_owned());
        json!({"field": field, "operator": "in", "values": values})
    };
    let mut subfilters: Vec<Value> = (0..31)
        .map(|_| set("email", "nobody@limits.example"))
        .collect();
    subfilters.push(set("email", "p1@limits.example"));
    subfilters.push(set("dept", "d2"));
    let reply = app
        .call(
            TestRequest::post()
                .uri("/contacts/search")
                .set_json(json!({"filter": {"operator": "or", "subfilters": subfilters}})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        &reply.text[..reply.text.len().min(400)]
    );
    let found: Vec<&str> = reply.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|contact| contact["id"].as_str())
        .collect();
    assert_eq!(found, [uids[1].as_str(), uids[2].as_str()]);
}

#[actix_web::test]
async fn text_that_is_not_text_is_refused_naming_the_field() {
    let app = start().await;
    let client = app
        .post_form(
            "/api/clients",
            "first_name=Olive&last_name=Owner&email=olive%40acme.example",
        )
        .await;
    assert_eq!(client.status, StatusCode::CREATED, "{}", client.text);
    let client_id = client.body["data"]["id"].clone();

    // A byte that is not UTF-8 (0xFF) in a form body: never stored as U+FFFD.
    let grow = app
        .post_form(
            "/api/contacts",
            &format!(
                "first_name=Bad%FFByte&last_name=Doe&email=bad%40acme.example&clientid={client_id}"
            ),
        )
        .await;
    assert_eq!(
        grow.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        grow.text
    );
    assert_eq!(
        grow.body,
        json!({"message": "The given data was invalid.", "errors": {
            "first_name": ["The first name field must be valid UTF-8 text."]}})
    );
    let nul = app
        .post_json(
            "/api/contacts",
            json!({"first_name": "Nul\u{0}", "last_name": "Doe", "email": "nul@acme.example", "clientid": client_id}),
        )
        .await;
    assert_eq!(
        nul.body["errors"],
        json!({"first_name": ["The first name field must not contain NUL characters."]})
    );

    let pylon = app
        .post_json(
            "/contacts",
            json!({"name": "Ann", "email": "ann@acme.example",
                   "external_ids": [{"external_id": "ok"}, {"external_id": "x\u{0}y"}]}),
        )
        .await;
    assert_eq!(pylon.status, StatusCode::BAD_REQUEST, "{}", pylon.text);
    assert_eq!(
        pylon.body["errors"],
        json!(["external_ids[1].external_id must not contain NUL characters"])
    );

    let workshop = app
        .post_json(
            "/v1/contacts",
            json!({"external_id": "w-1", "first_name": "W", "last_name": "S",
                   "email": "w@acme.example", "attributes": {"note": "a\u{0}b"}}),
        )
        .await;
    assert_eq!(
        workshop.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        workshop.text
    );
    assert_eq!(
        workshop.body,
        json!({"error": {"attributes.note": ["must not contain NUL characters"]}})
    );
    // Nothing of any of them was stored.
    let listed = app.get("/api/contacts").await;
    assert_eq!(listed.body["meta"]["total"], 1, "only the client's owner");
}

#[actix_web::test]
async fn messages_name_the_real_problem() {
    let app = start().await;
    let huge = "x".repeat(1_000_000 - 1000);

    let workshop = app
        .post_json(
            "/v1/contacts",
            json!({"external_id": "w-1", "first_name": "W", "last_name": "S",
                   "email": "w@acme.example", "attributes": {"note": huge}}),
        )
        .await;
    assert_eq!(
        workshop.body,
        json!({"error": {"attributes": ["note is too long (maximum is 10000 characters)"]}})
    );

    let pylon = app
        .post_json(
            "/contacts",
            json!({"name": "Ann", "email": "ann@acme.example",
                   "external_ids": [{"external_id": huge}]}),
        )
        .await;
    assert_eq!(
        pylon.body["errors"],
        json!(["external_ids[0].external_id must be at most 255 characters"])
    );
    let account = app.post_json("/accounts", json!({"name": huge})).await;
    assert_eq!(
        account.body["errors"],
        json!(["name must be at most 255 characters"])
    );
    let blank = app.post_json("/accounts", json!({"name": "  "})).await;
    assert_eq!(blank.body["errors"], json!(["name is required"]));

    let mut limits: Vec<Value> = Vec::new();
    for limit in ["9223372036854775807", "999999999999999999999"] {
        let reply = app.get(&format!("/api/contacts?limit={limit}")).await;
        limits.push(reply.body["meta"]["per_page"].clone());
    }
    assert_eq!(
        limits,
        [json!(100), json!(100)],
        "any value above the cap is the cap"
    );
}
