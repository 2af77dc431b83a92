//! The console: its page is served without a key; its API needs one and never shows a key or
//! a secret; `[console] enabled = false` removes it.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::support::{start, start_with};

#[actix_web::test]
async fn the_page_is_built_in_and_its_api_needs_a_key() {
    let app = start().await;
    let page = app.send(TestRequest::get().uri("/_console/")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(page
        .text
        .contains("<title>contacts-gateway console</title>"));
    assert!(
        page.text.contains("sessionStorage"),
        "the key stays in the tab"
    );

    let anonymous = app
        .send(TestRequest::get().uri("/_console/api/overview"))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.body["error"], "Unauthorized");
    let overview = app.get("/_console/api/overview").await;
    assert_eq!(
        overview.body,
        json!({"key_name": "tests", "read_only": false, "sandbox": false})
    );

    app.extra_key("reader", true);
    let keys = app.get("/_console/api/keys").await;
    assert_eq!(keys.status, StatusCode::OK);
    let names: Vec<&str> = keys.body["data"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|key| key["name"].as_str())
        .collect();
    assert_eq!(names, ["tests", "reader"]);
    assert_eq!(keys.body["data"][1]["read_only"], true);
    assert!(!keys.text.contains(&app.key), "never a key");
    assert_eq!(
        app.get("/_console/api/webhooks").await.body,
        json!({"data": []})
    );
}

#[actix_web::test]
async fn switched_off_it_is_not_there() {
    let app = start_with(|settings| settings.console.enabled = false).await;
    // Pylon's root scope answers the path: with a key, its 404.
    let page = app.get("/_console/").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.text.contains("<title>"));
}
