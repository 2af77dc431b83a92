//! Per-key rate limits through the real app: each dialect's 429 with `Retry-After`, the IETF
//! fields on every limited route, health checks and documents never limited, Pylon's preset.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use contacts_core::RateLimit;
use serde_json::json;

use crate::support::{start, start_with};

#[actix_web::test]
async fn a_key_past_its_own_limit_gets_429_in_each_dialects_shape() {
    let app = start().await;
    let (key, _) = contacts_gateway::keys::create_limited(
        app.directory(),
        "slow",
        true,
        Some(RateLimit {
            per_second: 1,
            burst: 2,
        }),
    )
    .expect("key");
    let key = key.expose().to_owned();
    let get = |path: &str| {
        TestRequest::get()
            .uri(path)
            .insert_header(("Authorization", format!("Bearer {key}")))
    };
    let first = app.send(get("/api/contacts")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.header("ratelimit-policy").as_deref(),
        Some("\"key\";q=2;w=2")
    );
    assert_eq!(
        first.header("ratelimit").as_deref(),
        Some("\"key\";r=1;t=1")
    );
    let second = app.send(get("/v1/contacts")).await;
    assert_eq!(second.status, StatusCode::OK);

    // The burst is spent: every dialect refuses in its own shape.
    let grow = app.send(get("/api/contacts")).await;
    assert_eq!(grow.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(grow.body, json!({"message": "Too Many Attempts."}));
    assert_eq!(grow.header("retry-after").as_deref(), Some("1"));
    assert_eq!(grow.header("ratelimit").as_deref(), Some("\"key\";r=0;t=2"));
    let workshop = app.send(get("/v1/contacts")).await;
    assert_eq!(workshop.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(workshop.body, json!({"error": "Too many requests."}));
    let pylon = app.send(get("/contacts")).await;
    assert_eq!(pylon.status, StatusCode::TOO_MANY_REQUESTS);
    let request_id = pylon.header("x-request-id").expect("request id");
    assert_eq!(
        pylon.body,
        json!({"errors": ["Too many requests"], "request_id": request_id})
    );
    assert!(pylon.header("retry-after").is_some());

    // Never limited: health checks and the documents.
    for path in ["/healthz", "/readyz", "/openapi.json", "/api/openapi.json"] {
        let reply = app.send(get(path)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.header("ratelimit").is_none(), "{path}");
    }
    // Another key has a limit of its own.
    assert_eq!(app.get("/api/contacts").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn the_pylon_preset_applies_pylons_per_endpoint_limits() {
    let app = start_with(|settings| settings.rate_limit.preset = "pylon".into()).await;
    let search = || {
        TestRequest::post()
            .uri("/contacts/search")
            .set_json(json!({"filter": {"field": "email", "operator": "equals", "value": "x@y.z"}}))
    };
    for n in 0..20 {
        let reply = app.call(search()).await;
        assert_eq!(reply.status, StatusCode::OK, "search {n}");
        assert_eq!(
            reply.header("ratelimit-policy").as_deref(),
            Some("\"pylon-contacts-search\";q=20;w=60")
        );
    }
    let refused = app.call(search()).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|text| text.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=3).contains(&wait), "{wait}");
    // Listing is another endpoint with its own 60 a minute.
    assert_eq!(app.get("/contacts").await.status, StatusCode::OK);
    // Grow is not Pylon: the preset leaves it alone.
    let grow = app.get("/api/contacts").await;
    assert_eq!(
        grow.header("ratelimit-policy").as_deref(),
        Some("\"key\";q=200000;w=1")
    );
}
