//! Grow's client actions: `DELETE /api/clients/{id}` with its contacts, and
//! `PUT /api/clients/{id}/tags|status|owner`.

use actix_web::http::StatusCode;
use serde_json::json;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use serde_json::Value;

use crate::grow::{client, contact, invalid, message};
use crate::support::{start, Reply, TestApp};

/// Asserts that an action answered 200 with `text` and exactly the client a GET shows next;
/// answers that client.
async fn answered_as_shown<S, B>(app: &TestApp<S>, id: i64, reply: Reply, text: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let shown = app.get(&format!("/api/clients/{id}")).await;
    assert_eq!(
        reply.body,
        json!({"data": shown.body["data"], "message": text})
    );
    reply.body["data"].clone()
}

#[actix_web::test]
async fn deleting_a_client_tombstones_it_and_its_contacts_in_every_dialect() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let acme_id = acme["id"].as_i64().expect("id");
    let owner_id = acme["owner"]["id"].as_i64().expect("owner");
    let jane = contact(&app, acme_id, "Jane", "Doe", "jane@acme.example").await;
    let beta = client(&app, "Beta LLC", "bob@beta.example").await;
    let beta_id = beta["id"].as_i64().expect("id");
    let kept = contact(&app, beta_id, "Kim", "Kept", "kim@beta.example").await;
    let acme_uid = app.get("/contacts?limit=999").await.body["data"]
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["email"] == "jane@acme.example")
        .map(|c| (c["id"].clone(), c["account"]["id"].clone()))
        .expect("jane in Pylon");

    let reply = app.delete(&format!("/api/clients/{acme_id}")).await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::OK,
            json!({"data": {"id": acme_id}, "message": "Client deleted successfully."})
        )
    );

    let gone = app.get(&format!("/api/clients/{acme_id}")).await;
    assert_eq!(
        (gone.status, gone.body),
        (StatusCode::NOT_FOUND, message("Client not found."))
    );
    for id in [owner_id, jane["id"].as_i64().expect("id")] {
        let reply = app.get(&format!("/api/contacts/{id}")).await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::NOT_FOUND, message("Contact not found."))
        );
    }
    let (jane_uid, account_uid) = acme_uid;
    let pylon_contact = app
        .get(&format!("/contacts/{}", jane_uid.as_str().expect("uid")))
        .await;
    assert_eq!(pylon_contact.status, StatusCode::NOT_FOUND);
    let workshop = app
        .get(&format!("/v1/contacts/{}", jane_uid.as_str().expect("uid")))
        .await;
    assert_eq!(
        (workshop.status, workshop.body),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "Contact with the given ID was not found."})
        )
    );
    let account = app
        .get(&format!("/accounts/{}", account_uid.as_str().expect("uid")))
        .await;
    assert_eq!(account.status, StatusCode::NOT_FOUND);
    assert_eq!(account.body["errors"], json!(["Account not found!"]));

    // The other client and its contact are untouched; lists no longer show the deleted one.
    let listed = app.get("/api/clients").await;
    let ids: Vec<i64> = listed.body["data"]
        .as_array()
        .expect("clients")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(ids, [beta_id]);
    assert_eq!(listed.body["meta"]["total"], 1);
    let contacts = app.get("/api/contacts").await;
    assert_eq!(contacts.body["meta"]["total"], 2);
    let still = app.get(&format!("/api/contacts/{}", kept["id"])).await;
    assert_eq!(still.status, StatusCode::OK);

    // The emails are free again, and the client cannot be deleted twice or used for contacts.
    client(&app, "Acme Again", "olive@acme.example").await;
    let again = app.delete(&format!("/api/clients/{acme_id}")).await;
    assert_eq!(
        (again.status, again.body),
        (StatusCode::NOT_FOUND, message("Client not found."))
    );
    let orphan = app
        .post_json(
            "/api/contacts",
            json!({"first_name": "A", "last_name": "B", "email": "ab@acme.example", "clientid": acme_id}),
        )
        .await;
    assert_eq!(
        (orphan.status, orphan.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            invalid(json!({"clientid": ["The selected clientid is invalid."]}))
        )
    );
}

#[actix_web::test]
async fn tags_status_and_owner_answer_the_client_as_it_now_is() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let id = acme["id"].as_i64().expect("id");
    let olive = acme["owner"]["id"].as_i64().expect("owner");
    let jane = contact(&app, id, "Jane", "Doe", "jane@acme.example").await;
    let jane_id = jane["id"].as_i64().expect("id");
    let beta = client(&app, "Beta LLC", "bob@beta.example").await;
    let bob = beta["owner"]["id"].as_i64().expect("owner");

    let tagged = app
        .send_body(
            actix_web::http::Method::PUT,
            &format!("/api/clients/{id}/tags"),
            "application/x-www-form-urlencoded",
            "tags%5B0%5D=vip&tags%5B1%5D=eu",
        )
        .await;
    let data = answered_as_shown(&app, id, tagged, "Client tags updated successfully.").await;
    assert_eq!(data["tags"], json!(["vip", "eu"]));
    let cleared = app
        .put_json(&format!("/api/clients/{id}/tags"), json!({"tags": []}))
        .await;
    let data = answered_as_shown(&app, id, cleared, "Client tags updated successfully.").await;
    assert_eq!(data["tags"], json!([]));

    let suspended = app
        .put_json(
            &format!("/api/clients/{id}/status"),
            json!({"status": "suspended"}),
        )
        .await;
    let data = answered_as_shown(&app, id, suspended, "Client status updated successfully.").await;
    assert_eq!(data["status"], "suspended");
    let filtered = app.get("/api/clients?status=suspended").await;
    assert_eq!(filtered.body["meta"]["total"], 1);
    for (body, error) in [
        (
            json!({"status": "deleted"}),
            "The selected status is invalid.",
        ),
        (json!({}), "The status field is required."),
    ] {
        let reply = app
            .put_json(&format!("/api/clients/{id}/status"), body)
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid(json!({ "status": [error] }))
            )
        );
    }

    let owned = app
        .put_json(
            &format!("/api/clients/{id}/owner"),
            json!({"owner": jane_id}),
        )
        .await;
    let data = answered_as_shown(
        &app,
        id,
        owned,
        "Client account owner updated successfully.",
    )
    .await;
    assert_eq!(data["owner"], json!({"id": jane_id, "name": "Jane Doe"}));
    let shown_jane = app.get(&format!("/api/contacts/{jane_id}")).await;
    assert_eq!(shown_jane.body["data"]["account_owner"], "yes");
    let shown_olive = app.get(&format!("/api/contacts/{olive}")).await;
    assert_eq!(shown_olive.body["data"]["account_owner"], "no");
    for (body, error) in [
        (json!({"owner": bob}), "The selected owner is invalid."),
        (json!({"owner": 999_999}), "The selected owner is invalid."),
        (json!({"owner": "jane"}), "The selected owner is invalid."),
        (json!({}), "The owner field is required."),
    ] {
        let reply = app
            .put_json(&format!("/api/clients/{id}/owner"), body)
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid(json!({ "owner": [error] }))
            )
        );
    }
    let beta_after = app.get(&format!("/api/clients/{}", beta["id"])).await;
    assert_eq!(beta_after.body["data"]["owner"]["id"], bob);

    for path in ["tags", "status", "owner"] {
        let reply = app
            .put_json(&format!("/api/clients/424242/{path}"), json!({}))
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::NOT_FOUND, message("Client not found."))
        );
    }
}

#[actix_web::test]
async fn a_renamed_pylon_account_is_the_renamed_grow_client() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let id = acme["id"].as_i64().expect("id");
    let accounts = app.get("/accounts").await;
    let uid = accounts.body["data"][0]["id"]
        .as_str()
        .expect("uid")
        .to_owned();
    let renamed = app
        .patch_json(&format!("/accounts/{uid}"), json!({"name": "Acme Group"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let shown = app.get(&format!("/api/clients/{id}")).await;
    assert_eq!(shown.body["data"]["company_name"], "Acme Group");
    let owner = app
        .get(&format!("/api/contacts/{}", acme["owner"]["id"]))
        .await;
    assert_eq!(
        owner.body["data"]["client"],
        json!({"id": id, "company_name": "Acme Group"})
    );
}
