//! What a dialect shows, it accepts back: every contact field read in each dialect and written
//! back unchanged in that dialect leaves all three views as they were.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::grow::client;
use crate::support::{start, TestApp};

type Req = actix_http::Request;

/// The three views of one contact, with what a write must change (Grow's `dates.updated`) left
/// out.
async fn views<S, B>(app: &TestApp<S>, id: i64, uid: &str) -> [Value; 3]
where
    S: Service<Req, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut grow = app.get(&format!("/api/contacts/{id}")).await.body["data"].clone();
    grow["dates"]["updated"] = Value::Null;
    let pylon = app.get(&format!("/contacts/{uid}")).await.body["data"].clone();
    let workshop = app.get(&format!("/v1/contacts/{uid}")).await.body;
    [grow, pylon, workshop]
}

#[actix_web::test]
async fn every_view_written_back_unchanged_changes_nothing() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");

    let mut uids = Vec::new();
    for body in [
        json!({"first_name": "Gus", "last_name": "Grow", "email": "gus@acme.example", "clientid": client_id, "phone": "555-0100 ext. 5", "position": "Lead"}),
        json!({"first_name": "Pat", "last_name": "Paren", "email": "pat@acme.example", "clientid": client_id, "phone": "+1 (555) 010-0100"}),
    ] {
        let reply = app.post_json("/api/contacts", body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let id = reply.body["data"]["id"].as_i64().expect("id");
        let shown = app.get("/contacts?limit=999").await;
        let email = reply.body["data"]["email"].clone();
        let uid = shown.body["data"]
            .as_array()
            .expect("contacts")
            .iter()
            .find(|c| c["email"] == email)
            .and_then(|c| c["id"].as_str())
            .expect("uid")
            .to_owned();
        uids.push((id, uid));
    }
    let account = app.get("/accounts").await.body["data"][0]["id"].clone();
    let pylon = app
        .post_json(
            "/contacts",
            json!({"name": "Cher", "email": "cher@pylon.example", "emails": ["cher@pylon.example", "c2@pylon.example"],
                   "phone_numbers": ["15550100", "15550101"], "primary_phone_number": "15550101",
                   "avatar_url": "https://img.example/c.png", "account_id": account, "portal_role": "member",
                   "external_ids": [{"external_id": "P-1", "label": "crm"}, {"external_id": "P-2", "label": "hr"}],
                   "custom_fields": [{"slug": "team", "value": "Ops"}, {"slug": "langs", "values": ["en", "fr"]}]}),
        )
        .await;
    assert_eq!(pylon.status, StatusCode::OK, "{}", pylon.text);
    let workshop = app
        .post_json(
            "/v1/contacts",
            json!({"external_id": "W-1", "first_name": "Wanda", "last_name": "Van Der Berg", "email": "wanda@ws.example",
                   "phone_number": "+44 20 7946 0000",
                   "attributes": {"department": "Engines", "level": 3, "remote": true, "skills": ["rust", "sql"]}}),
        )
        .await;
    assert_eq!(workshop.status, StatusCode::CREATED, "{}", workshop.text);
    for email in ["cher@pylon.example", "wanda@ws.example"] {
        let listed = app.get(&format!("/api/contacts?search={email}")).await;
        let id = listed.body["data"][0]["id"].as_i64().expect("grow id");
        let all = app.get("/contacts?limit=999").await;
        let uid = all.body["data"]
            .as_array()
            .expect("contacts")
            .iter()
            .find(|c| c["email"] == email)
            .and_then(|c| c["id"].as_str())
            .expect("uid")
            .to_owned();
        uids.push((id, uid));
    }

    for (id, uid) in &uids {
        let before = views(&app, *id, uid).await;
        // Grow's view minus `dates.updated` is not what Grow showed; send what it showed.
        let [_, pylon, workshop] = before.clone();
        let grow_shown = app.get(&format!("/api/contacts/{id}")).await.body["data"].clone();
        let written = [
            app.patch_json(&format!("/api/contacts/{id}"), grow_shown)
                .await,
            app.patch_json(&format!("/contacts/{uid}"), pylon).await,
            app.patch_json(&format!("/v1/contacts/{uid}"), workshop)
                .await,
        ];
        for (dialect, reply) in ["grow", "pylon", "workshop"].iter().zip(written) {
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{dialect} {uid}: {}",
                reply.text
            );
        }
        assert_eq!(views(&app, *id, uid).await, before, "{uid}");
    }
}
