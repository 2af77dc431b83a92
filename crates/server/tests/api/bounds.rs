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
