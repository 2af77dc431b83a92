//! Pylon's `PATCH /accounts/{id}` and `DELETE /accounts/{id}`, by id or external id.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::pylon::{assert_errors, create};
use crate::support::start;

#[actix_web::test]
async fn accounts_change_by_id_or_external_id_and_refuse_what_is_wrong() {
    let app = start().await;
    let made = app
        .post_json(
            "/accounts",
            json!({"name": "Acme", "domains": ["acme.example"], "tags": ["a"], "external_ids": [{"external_id": "sf-1", "label": "salesforce"}]}),
        )
        .await;
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    app.post_json(
        "/accounts",
        json!({"name": "Beta", "external_ids": [{"external_id": "sf-2", "label": "salesforce"}]}),
    )
    .await;

    let reply = app
        .patch_json(
            "/accounts/sf-1",
            json!({"name": "Acme Group", "domains": ["acme.example", "acme.io"], "tags": null, "external_ids": [{"external_id": "sf-1b", "label": "salesforce"}]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let request_id = reply.header("x-request-id").expect("request id");
    assert_eq!(
        reply.body,
        json!({
            "data": {
                "id": id, "name": "Acme Group", "domain": "acme.example",
                "domains": ["acme.example", "acme.io"], "primary_domain": "acme.example",
                "tags": ["a"], "external_ids": [{"external_id": "sf-1b", "label": "salesforce"}],
                "created_at": made.body["data"]["created_at"],
            },
            "request_id": request_id,
        })
    );
    assert_eq!(
        app.get("/accounts/sf-1b").await.body["data"],
        reply.body["data"]
    );
    assert_errors(
        &app.get("/accounts/sf-1").await,
        StatusCode::NOT_FOUND,
        &["Account not found!"],
    );

    // An external id sent twice is one.
    let twice = app
        .patch_json(
            &format!("/accounts/{id}"),
            json!({"external_ids": [{"external_id": "sf-1b", "label": "a"}, {"external_id": "sf-1b", "label": "b"}]}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::OK, "{}", twice.text);
    assert_eq!(
        twice.body["data"]["external_ids"],
        json!([{"external_id": "sf-1b", "label": "a"}])
    );

    // An absent body changes nothing; a blank name and a taken external id are refused.
    let same = app.patch_json(&format!("/accounts/{id}"), json!({})).await;
    assert_eq!(same.body["data"]["name"], "Acme Group");
    assert_errors(
        &app.patch_json(&format!("/accounts/{id}"), json!({"name": " "}))
            .await,
        StatusCode::BAD_REQUEST,
        &["name must not be empty"],
    );
    let taken = app
        .patch_json(
            &format!("/accounts/{id}"),
            json!({"external_ids": [{"external_id": "sf-2", "label": "salesforce"}]}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(
        taken.body["errors"],
        json!(["An account with this external ID already exists."])
    );
    assert_errors(
        &app.patch_json("/accounts/nope", json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
        &["Account not found!"],
    );
}

#[actix_web::test]
async fn deleting_an_account_deletes_its_contacts_and_frees_its_external_ids() {
    let app = start().await;
    let made = app
        .post_json(
            "/accounts",
            json!({"name": "Acme", "external_ids": [{"external_id": "sf-1", "label": "salesforce"}]}),
        )
        .await;
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    let member = create(
        &app,
        json!({"name": "Jane Doe", "email": "jane@acme.example", "account_id": id}),
    )
    .await;
    let outsider = create(
        &app,
        json!({"name": "Olga Out", "email": "olga@else.example"}),
    )
    .await;

    let reply = app.delete("/accounts/sf-1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let request_id = reply.header("x-request-id").expect("request id");
    assert_eq!(reply.body, json!({ "request_id": request_id }));

    assert_errors(
        &app.get(&format!("/accounts/{id}")).await,
        StatusCode::NOT_FOUND,
        &["Account not found!"],
    );
    assert_errors(
        &app.get(&format!(
            "/contacts/{}",
            member["id"].as_str().expect("uid")
        ))
        .await,
        StatusCode::NOT_FOUND,
        &["Contact not found!"],
    );
    let kept = app
        .get(&format!(
            "/contacts/{}",
            outsider["id"].as_str().expect("uid")
        ))
        .await;
    assert_eq!(kept.status, StatusCode::OK);
    let listed = app.get("/accounts").await;
    assert_eq!(listed.body["data"], json!([]));
    assert_errors(
        &app.delete(&format!("/accounts/{id}")).await,
        StatusCode::NOT_FOUND,
        &["Account not found!"],
    );
    // The external id and the member's email are free again.
    let again = app
        .post_json(
            "/accounts",
            json!({"name": "Acme", "external_ids": [{"external_id": "sf-1", "label": "salesforce"}]}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    create(
        &app,
        json!({"name": "Jane Doe", "email": "jane@acme.example"}),
    )
    .await;
}
