//! Each dialect's OpenAPI document is served without a key and matches the routes mounted.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::start;

/// (document URL, what the dialect answers for a path it does not have)
fn dialects() -> [(&'static str, Value); 3] {
    [
        (
            "/api/openapi.json",
            json!({"message": "The route api/x could not be found."}),
        ),
        ("/openapi.json", json!({"errors": ["Not found"]})),
        ("/v1/openapi.json", json!({"error": "Not found."})),
    ]
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn concrete(path: &str) -> String {
    path.replace("{id}", "00000000-0000-4000-8000-000000000001")
}

/// Whether a reply is the dialect's answer for an unknown route (its shape, any path).
fn is_route_not_found(body: &Value, shape: &Value) -> bool {
    match (body, shape) {
        (Value::Object(body), Value::Object(shape)) => {
            let message = |v: &Value| v.to_string();
            shape.keys().all(|key| body.contains_key(key))
                && match (body.get("message"), body.get("errors"), body.get("error")) {
                    (Some(m), _, _) => message(m).contains("could not be found"),
                    (_, Some(e), _) => e == &json!(["Not found"]),
                    (_, _, Some(e)) => e == &json!("Not found."),
                    _ => false,
                }
        }
        _ => false,
    }
}

#[actix_web::test]
async fn documents_describe_exactly_the_mounted_routes() {
    let app = start().await;
    for (url, not_found) in dialects() {
        let reply = app.send(TestRequest::get().uri(url)).await;
        assert_eq!(reply.status, StatusCode::OK, "{url} needs no key");
        let document = reply.body;
        assert_eq!(document["openapi"], "3.1.0", "{url}");
        assert_eq!(
            document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer",
            "{url}"
        );
        assert_eq!(document["security"], json!([{"bearer": []}]), "{url}");
        let paths = document["paths"].as_object().expect("paths");
        assert!(!paths.is_empty(), "{url}");
        for (path, item) in paths {
            let documented: Vec<&str> = METHODS
                .iter()
                .copied()
                .filter(|m| item.get(*m).is_some())
                .collect();
            assert!(!documented.is_empty(), "{url} {path}");
            for method in METHODS {
                let request = TestRequest::default()
                    .method(Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"))
                    .uri(&concrete(path))
                    .set_json(json!({}));
                let reply = app.call(request).await;
                if documented.contains(&method) {
                    assert_ne!(
                        reply.status,
                        StatusCode::METHOD_NOT_ALLOWED,
                        "{method} {path} is documented but not routed"
                    );
                    assert!(
                        !is_route_not_found(&reply.body, &not_found),
                        "{method} {path} is documented but not routed: {}",
                        reply.text
                    );
                    let operation = &item[method];
                    assert!(
                        operation["responses"]["401"].is_object(),
                        "{method} {path} documents 401"
                    );
                    assert!(operation["operationId"].is_string(), "{method} {path}");
                } else {
                    assert_eq!(
                        reply.status,
                        StatusCode::METHOD_NOT_ALLOWED,
                        "{method} {path} is routed but not documented"
                    );
                }
            }
        }
    }
}

#[actix_web::test]
async fn documents_follow_the_configured_prefixes() {
    let app = crate::support::start_with(|settings| {
        settings.dialects.grow.prefix = "/grow".into();
        settings.dialects.workshop.prefix = "/ws".into();
        settings.dialects.pylon.enabled = false;
    })
    .await;
    let grow = app
        .send(TestRequest::get().uri("/grow/openapi.json"))
        .await
        .body;
    assert!(grow["paths"]["/grow/contacts"].is_object());
    let workshop = app
        .send(TestRequest::get().uri("/ws/v1/openapi.json"))
        .await
        .body;
    assert!(workshop["paths"]["/ws/v1/contacts/{id}"].is_object());
    assert_eq!(app.get("/ws/v1/contacts").await.status, StatusCode::OK);
    assert_eq!(
        app.send(TestRequest::get().uri("/openapi.json"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/contacts").await.status,
        StatusCode::NOT_FOUND,
        "Pylon is off"
    );
}

/// Every `pattern` in a document, with where it is.
fn patterns(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("pattern", Value::String(pattern)) => {
                        found.push((at.to_owned(), pattern.clone()))
                    }
                    _ => patterns(child, &format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(index, item)| patterns(item, &format!("{at}/{index}"), found)),
        _ => {}
    }
}

#[actix_web::test]
async fn documents_state_the_parsers_own_text_and_phone_rules() {
    let app = start().await;
    for (url, _) in dialects() {
        let document = app.send(TestRequest::get().uri(url)).await.body;
        let mut found = Vec::new();
        patterns(&document, "", &mut found);
        // "Not blank" is what the parsers trim, not ECMAScript's `\s`.
        assert!(
            found.iter().all(|(_, pattern)| pattern != r"\S"),
            "{url}: {found:?}"
        );
        let phones: Vec<&String> = found
            .iter()
            .filter(|(at, _)| at.ends_with("/phone") || at.ends_with("/phone_number"))
            .map(|(_, pattern)| pattern)
            .collect();
        assert!(
            phones
                .iter()
                .all(|pattern| *pattern == contacts_core::phone::PHONE_PATTERN),
            "{url}: {phones:?}"
        );
    }
    let grow = app
        .send(TestRequest::get().uri("/api/openapi.json"))
        .await
        .body;
    assert_eq!(
        grow["components"]["schemas"]["CreateContact"]["properties"]["first_name"]["pattern"],
        contacts_core::validate::NOT_BLANK_PATTERN
    );
    // Pylon's parser bounds every text it reads; its document says so, field by field.
    let pylon = app.send(TestRequest::get().uri("/openapi.json")).await.body;
    let create = &pylon["components"]["schemas"]["CreateContact"]["properties"];
    for field in [
        "avatar_url",
        "account_id",
        "primary_phone_number",
        "portal_role_id",
    ] {
        assert_eq!(create[field]["maxLength"], 255, "{field}");
    }
    let too_long = app
        .post_json(
            "/contacts",
            json!({"name": "A", "portal_role_id": "r".repeat(256)}),
        )
        .await;
    assert_eq!(
        too_long.body["errors"],
        json!(["portal_role_id must be at most 255 characters"])
    );
    // The two characters where ECMAScript's `\s` and the parsers' trimming part ways.
    let reply = app
        .post_json(
            "/api/clients",
            json!({"first_name": "\u{85}", "last_name": "\u{feff}", "email": "nel@example.com"}),
        )
        .await;
    assert_eq!(
        reply.body["errors"],
        json!({"first_name": ["The first name field is required."]})
    );
}
