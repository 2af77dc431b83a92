//! The Grow dialect: every endpoint, message and error of `/api/contacts` and `/api/clients`.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use contacts_core::NewContact;
use serde_json::{json, Value};

use crate::support::{start, Reply, TestApp};

type Req = actix_http::Request;

/// Creates a client (and its owner contact) and answers the client object.
pub(crate) async fn client<S, B>(app: &TestApp<S>, company: &str, owner_email: &str) -> Value
where
    S: Service<Req, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app
        .post_json(
            "/api/clients",
            json!({"first_name": "Olive", "last_name": "Owner", "email": owner_email, "client_company_name": company}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["data"].clone()
}

pub(crate) async fn contact<S, B>(
    app: &TestApp<S>,
    client_id: i64,
    first: &str,
    last: &str,
    email: &str,
) -> Value
where
    S: Service<Req, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app
        .post_json(
            "/api/contacts",
            json!({"first_name": first, "last_name": last, "email": email, "clientid": client_id}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["data"].clone()
}

pub(crate) fn invalid(errors: Value) -> Value {
    json!({"message": "The given data was invalid.", "errors": errors})
}

pub(crate) fn message(text: &str) -> Value {
    json!({ "message": text })
}

#[actix_web::test]
async fn create_from_form_answers_the_full_contact_object() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    let reply = app
        .post_form(
            "/api/contacts",
            &format!("first_name=Jane&last_name=Doe&email=jane%40acme.example&clientid={client_id}&phone=%2B1+555+0100&position=Procurement+Lead"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let data = &reply.body["data"];
    let created = data["dates"]["created"].as_str().expect("created");
    assert_eq!(created.len(), "2026-06-15T09:30:00.000000Z".len());
    assert_eq!(
        reply.body,
        json!({
            "data": {
                "id": data["id"],
                "first_name": "Jane",
                "last_name": "Doe",
                "name": "Jane Doe",
                "email": "jane@acme.example",
                "phone": "+1 555 0100",
                "job_position": "Procurement Lead",
                "account_owner": "no",
                "status": "active",
                "client": {"id": client_id, "company_name": "Acme Inc"},
                "role": {"id": 2, "name": "Client"},
                "social": {"facebook": null, "twitter": null, "linkedin": null, "github": null, "dribbble": null},
                "dates": {"created": created, "updated": data["dates"]["updated"]},
            },
            "message": "Contact created successfully."
        })
    );
    let id = data["id"].as_i64().expect("id");
    let shown = app.get(&format!("/api/contacts/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.body["message"], "Contact retrieved successfully.");
    assert_eq!(shown.body["data"], reply.body["data"]);
    assert!(reply.header("x-request-id").is_some());
}

#[actix_web::test]
async fn create_reports_every_failing_field_in_laravel_wording() {
    let app = start().await;
    let reply = app.post_json("/api/contacts", json!({})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.body,
        invalid(json!({
            "first_name": ["The first name field is required."],
            "last_name": ["The last name field is required."],
            "email": ["The email field is required."],
            "clientid": ["The clientid field is required."],
        }))
    );

    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let reply = app
        .post_json(
            "/api/contacts",
            json!({"first_name": "   ", "last_name": ["x"], "email": "not-an-email", "clientid": "abc"}),
        )
        .await;
    assert_eq!(
        reply.body,
        invalid(json!({
            "first_name": ["The first name field is required."],
            "last_name": ["The last name field must be a string."],
            "email": ["The email field must be a valid email address."],
            "clientid": ["The selected clientid is invalid."],
        }))
    );

    let reply = app
        .post_json(
            "/api/contacts",
            json!({"first_name": "x".repeat(101), "last_name": "Doe", "email": "OLIVE@acme.example", "clientid": 999}),
        )
        .await;
    assert_eq!(
        reply.body,
        invalid(json!({
            "first_name": ["The first name field must not be greater than 100 characters."],
            "email": ["The email has already been taken."],
            "clientid": ["The selected clientid is invalid."],
        }))
    );
    assert_eq!(acme["owner"]["name"], "Olive Owner");
}

#[actix_web::test]
async fn update_requires_names_and_email_and_keeps_absent_phone_and_position() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    let reply = app
        .post_json(
            "/api/contacts",
            json!({"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example", "clientid": client_id, "phone": "555", "position": "Lead"}),
        )
        .await;
    let id = reply.body["data"]["id"].as_i64().expect("id");
    let path = format!("/api/contacts/{id}");

    let reply = app
        .patch_form(
            &path,
            "first_name=Jane&last_name=Smith&email=JANE%40acme.example",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["message"], "Contact updated successfully.");
    assert_eq!(reply.body["data"]["name"], "Jane Smith");
    assert_eq!(reply.body["data"]["email"], "JANE@acme.example");
    assert_eq!(reply.body["data"]["phone"], "555");
    assert_eq!(reply.body["data"]["job_position"], "Lead");

    let reply = app.patch_json(&path, json!({"first_name": "Jane", "last_name": "Smith", "email": "jane@acme.example", "phone": "", "position": "Chief"})).await;
    assert_eq!(reply.body["data"]["phone"], Value::Null);
    assert_eq!(reply.body["data"]["job_position"], "Chief");

    let reply = app
        .patch_json(
            &path,
            json!({"last_name": "Smith", "email": "olive@acme.example"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.body,
        invalid(json!({
            "first_name": ["The first name field is required."],
            "email": ["The email has already been taken."],
        }))
    );
    let reply = app
        .patch_json(
            "/api/contacts/9999",
            json!({"first_name": "a", "last_name": "b", "email": "a@b.io"}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, message("Contact not found."))
    );
}

#[actix_web::test]
async fn delete_makes_the_id_404_everywhere_and_frees_the_email() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    let jane = contact(&app, client_id, "Jane", "Doe", "jane@acme.example").await;
    let id = jane["id"].as_i64().expect("id");
    let path = format!("/api/contacts/{id}");

    let reply = app.delete(&path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body,
        json!({"data": {"id": id}, "message": "Contact deleted successfully."})
    );

    let not_found = message("Contact not found.");
    assert_eq!(app.get(&path).await.body, not_found);
    assert_eq!(app.delete(&path).await.body, not_found);
    let reply = app.put(&format!("{path}/account-owner")).await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, not_found.clone())
    );
    let reply = app
        .patch_json(
            &path,
            json!({"first_name": "a", "last_name": "b", "email": "x@y.io"}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, not_found)
    );

    let listed = app.get("/api/contacts?search=jane").await;
    assert_eq!(listed.body["meta"]["total"], 0);
    let again = contact(&app, client_id, "Jane", "Again", "JANE@acme.example").await;
    assert_ne!(again["id"], jane["id"]);
}

#[actix_web::test]
async fn account_owner_swap_leaves_exactly_one_owner() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    let owner_id = acme["owner"]["id"].as_i64().expect("owner id");
    let jane = contact(&app, client_id, "Jane", "Doe", "jane@acme.example").await;
    assert_eq!(jane["account_owner"], "no");
    let jane_id = jane["id"].as_i64().expect("id");

    let reply = app
        .put(&format!("/api/contacts/{jane_id}/account-owner"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.body["message"],
        "Contact set as account owner successfully."
    );
    assert_eq!(reply.body["data"]["account_owner"], "yes");
    assert_eq!(
        app.get(&format!("/api/contacts/{owner_id}")).await.body["data"]["account_owner"],
        "no"
    );
    let owners = app
        .get(&format!(
            "/api/contacts?client_id={client_id}&account_owner=yes"
        ))
        .await;
    assert_eq!(owners.body["meta"]["total"], 1);
    assert_eq!(owners.body["data"][0]["id"], jane_id);
    let others = app
        .get(&format!(
            "/api/contacts?client_id={client_id}&account_owner=no"
        ))
        .await;
    assert_eq!(others.body["meta"]["total"], 1);

    let again = app
        .put(&format!("/api/contacts/{jane_id}/account-owner"))
        .await;
    assert_eq!(
        (again.status, &again.body["data"]["account_owner"]),
        (StatusCode::OK, &json!("yes"))
    );
    assert_eq!(
        app.get(&format!("/api/clients/{client_id}")).await.body["data"]["owner"]["id"],
        jane_id
    );

    let loner = app
        .directory()
        .create_contact(NewContact::named("No", "Client"))
        .expect("created");
    let reply = app
        .put(&format!("/api/contacts/{}/account-owner", loner.id))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        reply.body,
        message("The contact does not belong to a client account.")
    );
}

#[actix_web::test]
async fn lists_page_sort_and_search() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    for (first, last, email) in [
        ("Carol", "Zeta", "carol@acme.example"),
        ("alice", "Young", "alice@acme.example"),
        ("Bob", "Xu", "bob@other.example"),
    ] {
        contact(&app, client_id, first, last, email).await;
    }
    let reply = app
        .post_json("/api/contacts", json!({"first_name": "Dan", "last_name": "Phone", "email": "dan@acme.example", "clientid": client_id, "phone": "+44 20 7946 0958"}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);

    let reply = app.get("/api/contacts?limit=2&page=2").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["message"], "Contacts retrieved successfully.");
    assert_eq!(
        reply.body["meta"],
        json!({"current_page": 2, "per_page": 2, "total": 5, "last_page": 3})
    );
    assert_eq!(reply.body["data"].as_array().map(Vec::len), Some(2));

    let past = app.get("/api/contacts?limit=2&page=9").await;
    assert_eq!(past.body["data"], json!([]));
    assert_eq!(
        past.body["meta"],
        json!({"current_page": 9, "per_page": 2, "total": 5, "last_page": 3})
    );
    assert_eq!(
        app.get("/api/contacts?limit=500").await.body["meta"]["per_page"],
        100
    );
    assert_eq!(
        app.get("/api/contacts?limit=0&page=-1").await.body["meta"]["per_page"],
        25
    );
    assert_eq!(
        app.get("/api/contacts?limit=abc&page=abc").await.body["meta"]["current_page"],
        1
    );
    let empty = app.get("/api/contacts?status=suspended").await;
    assert_eq!(
        empty.body["meta"],
        json!({"current_page": 1, "per_page": 25, "total": 0, "last_page": 1})
    );

    let names = |reply: &Reply| -> Vec<String> {
        reply.body["data"]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["last_name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let by_last = app.get("/api/contacts?sort=last_name").await;
    assert_eq!(names(&by_last), ["Owner", "Phone", "Xu", "Young", "Zeta"]);
    let by_last_desc = app.get("/api/contacts?sort=last_name&order=desc").await;
    assert_eq!(
        names(&by_last_desc),
        ["Zeta", "Young", "Xu", "Phone", "Owner"]
    );
    let by_created_desc = app.get("/api/contacts?sort=created&order=desc").await;
    assert_eq!(
        names(&by_created_desc),
        ["Phone", "Xu", "Young", "Zeta", "Owner"]
    );

    let reply = app.get("/api/contacts?sort=password&order=sideways").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.body,
        invalid(
            json!({"sort": ["The selected sort is invalid."], "order": ["The selected order is invalid."]})
        )
    );

    for (search, expected) in [
        ("ALICE", "Young"),
        ("zet", "Zeta"),
        ("other.example", "Xu"),
        ("7946", "Phone"),
        // The full name, as people type it.
        ("Carol%20Zeta", "Zeta"),
        ("carol%20zet", "Zeta"),
        ("Bob%20Xu", "Xu"),
        ("ob%20X", "Xu"),
        ("alice%20%20young", "Young"),
    ] {
        let reply = app.get(&format!("/api/contacts?search={search}")).await;
        assert_eq!(names(&reply), [expected], "search {search}");
    }
    // A search's total on every page, and past its last match (PostgreSQL counts a search
    // with its page, and a page past the end has no row to carry the total).
    for (page, rows) in [(1, 3), (2, 1), (9, 0)] {
        let reply = app
            .get(&format!(
                "/api/contacts?search=acme.example&limit=3&page={page}"
            ))
            .await;
        assert_eq!(
            reply.body["meta"]["total"], 4,
            "page {page}: {}",
            reply.body
        );
        assert_eq!(reply.body["data"].as_array().map(Vec::len), Some(rows));
    }
    let crossed = app.get("/api/contacts?search=Carol%20Young").await;
    assert_eq!(crossed.body["meta"]["total"], 0, "{}", crossed.body);
    let hostile = app
        .get("/api/contacts?search=%27%20OR%201%3D1%3B%20DROP%20TABLE%20contacts%3B--")
        .await;
    assert_eq!(
        (hostile.status, &hostile.body["meta"]["total"]),
        (StatusCode::OK, &json!(0))
    );
    let wildcard = app.get("/api/contacts?search=%25").await;
    assert_eq!(wildcard.body["meta"]["total"], 0);
    assert_eq!(
        app.get(&format!("/api/contacts?client_id={client_id}"))
            .await
            .body["meta"]["total"],
        5
    );
    assert_eq!(
        app.get("/api/contacts?client_id=abc").await.body["meta"]["total"],
        0
    );
}

#[actix_web::test]
async fn transport_errors_answer_in_grows_shape() {
    let app = start().await;
    let reply = app.get("/api/nope").await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::NOT_FOUND,
            message("The route api/nope could not be found.")
        )
    );

    let reply = app.patch_json("/api/contacts", json!({})).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.body, message("The PATCH method is not supported for route api/contacts. Supported methods: GET, HEAD, POST."));
    assert_eq!(reply.header("allow").as_deref(), Some("GET, HEAD, POST"));

    let reply = app.get("/api/contacts/abc").await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, message("Contact not found."))
    );
    let reply = app.get("/api/contacts/99999999999999999999999").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let reply = app
        .call(
            TestRequest::post()
                .uri("/api/contacts")
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{\"first_name\": "),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::BAD_REQUEST,
            message("The request body is not valid JSON or form data.")
        )
    );

    let reply = app
        .call(
            TestRequest::post()
                .uri("/api/contacts")
                .insert_header(("Content-Type", "text/plain"))
                .set_payload("hello"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(reply.body["message"].is_string());

    let huge = format!("{{\"first_name\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let reply = app
        .call(
            TestRequest::post()
                .uri("/api/contacts")
                .insert_header(("Content-Type", "application/json"))
                .set_payload(huge),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            message("The request body is too large.")
        )
    );

    let reply = app.get("/api/clients/77").await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, message("Client not found."))
    );
}

#[actix_web::test]
async fn keys_are_checked_and_read_only_keys_cannot_write() {
    let app = start().await;
    let unauthorized = message("Unauthorized. A valid API key is required.");
    let revoked = app.extra_key("old", false);
    app.directory().revoke_key("old").expect("revoked");
    let well_formed_unknown = format!("cgw_{}", "A".repeat(43));
    let cases = [
        None,
        Some("Bearer".to_owned()),
        Some("Basic dXNlcjpwYXNz".to_owned()),
        Some("Bearer not-a-key".to_owned()),
        Some(format!("Bearer {well_formed_unknown}")),
        Some(format!("Bearer {revoked}")),
    ];
    for header in cases {
        let mut request = TestRequest::get().uri("/api/contacts");
        if let Some(header) = &header {
            request = request.insert_header(("Authorization", header.as_str()));
        }
        let reply = app.send(request).await;
        assert_eq!(
            (reply.status, &reply.body),
            (StatusCode::UNAUTHORIZED, &unauthorized),
            "{header:?}"
        );
        assert!(reply.header("x-request-id").is_some());
    }

    let reader = app.extra_key("reader", true);
    let read = app
        .send(
            TestRequest::get()
                .uri("/api/contacts")
                .insert_header(("Authorization", format!("Bearer {reader}"))),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let write = app
        .send(
            TestRequest::post()
                .uri("/api/contacts")
                .insert_header(("Authorization", format!("Bearer {reader}")))
                .set_json(json!({})),
        )
        .await;
    assert_eq!(
        (write.status, write.body),
        (StatusCode::FORBIDDEN, message("This API key is read-only."))
    );
}

#[actix_web::test]
async fn a_password_exists_only_when_the_welcome_email_sends_it() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    let quiet = contact(&app, client_id, "Quiet", "One", "quiet@acme.example").await;
    assert!(app.store.outbox().expect("outbox").is_empty());

    let reply = app
        .post_form("/api/contacts", &format!("first_name=Wendy&last_name=Welcome&email=wendy%40acme.example&clientid={client_id}&send_email=yes"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let outbox = app.store.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    let (recipient, _subject, body) = &outbox[0];
    assert_eq!(recipient, "wendy@acme.example");
    let password = body
        .lines()
        .find_map(|line| line.strip_prefix("Password: "))
        .expect("password line")
        .to_owned();
    assert_eq!(password.len(), 9);
    assert!(body.contains("Login email: wendy@acme.example"));
    assert!(!reply.text.contains(&password));

    let hash = app
        .store
        .password_hash(reply.body["data"]["id"].as_i64().expect("id"))
        .expect("read")
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(&password));
    // A password exists only to be sent: without the email, none is stored, and neither is
    // one for a client owner created without it.
    for id in [
        quiet["id"].as_i64().expect("id"),
        acme["owner"]["id"].as_i64().expect("id"),
    ] {
        assert_eq!(app.store.password_hash(id).expect("read"), None);
    }
}

#[actix_web::test]
async fn clients_list_show_create_and_update() {
    let app = start().await;
    let reply = app
        .post_form(
            "/api/clients",
            "first_name=Olive&last_name=Owner&email=olive%40acme.example&client_phone=%2B1+555+0100&client_billing_city=Austin&client_billing_invoice_due_days=7&tags%5B%5D=priority&tags%5B%5D=retainer",
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["message"], "Client created successfully.");
    let data = &reply.body["data"];
    let id = data["id"].as_i64().expect("id");
    assert_eq!(
        reply.body["data"],
        json!({
            "id": id, "company_name": "Olive Owner", "description": null, "status": "active",
            "phone": "+1 555 0100", "website": null, "vat": null,
            "category": {"id": 2, "name": "Default"},
            "owner": {"id": data["owner"]["id"], "name": "Olive Owner"},
            "billing": {"street": null, "city": "Austin", "state": null, "zip": null, "country": null, "invoice_due_days": "7"},
            "shipping": {"street": null, "city": null, "state": null, "zip": null, "country": null},
            "dates": data["dates"],
            "tags": ["priority", "retainer"],
        })
    );
    let owner = app
        .get(&format!("/api/contacts/{}", data["owner"]["id"]))
        .await;
    assert_eq!(owner.body["data"]["account_owner"], "yes");
    assert_eq!(
        owner.body["data"]["client"],
        json!({"id": id, "company_name": "Olive Owner"})
    );

    let taken = app
        .post_json(
            "/api/clients",
            json!({"first_name": "A", "last_name": "B", "email": "OLIVE@acme.example"}),
        )
        .await;
    assert_eq!(
        taken.body,
        invalid(json!({"email": ["The email has already been taken."]}))
    );

    let reply = app
        .patch_json(
            &format!("/api/clients/{id}"),
            json!({"client_website": "https://acme.example"}),
        )
        .await;
    assert_eq!(
        reply.body,
        invalid(json!({"client_company_name": ["The client company name field is required."]}))
    );
    let reply = app
        .patch_json(
            &format!("/api/clients/{id}"),
            json!({"client_company_name": "Acme Inc", "client_website": "https://acme.example"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["message"], "Client updated successfully.");
    assert_eq!(reply.body["data"]["company_name"], "Acme Inc");
    assert_eq!(reply.body["data"]["phone"], "+1 555 0100");
    assert_eq!(reply.body["data"]["website"], "https://acme.example");

    client(&app, "Beta LLC", "b@beta.example").await;
    let listed = app.get("/api/clients?search=acme").await;
    assert_eq!(listed.body["message"], "Clients retrieved successfully.");
    assert_eq!(
        listed.body["meta"],
        json!({"current_page": 1, "per_page": 25, "total": 1, "last_page": 1})
    );
    let sorted = app
        .get("/api/clients?sort=client_company_name&order=asc")
        .await;
    let names: Vec<&str> = sorted.body["data"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["company_name"].as_str())
        .collect();
    assert_eq!(names, ["Acme Inc", "Beta LLC"]);
    let shown = app.get(&format!("/api/clients/{id}")).await;
    assert_eq!(shown.body["message"], "Client retrieved successfully.");
}

#[actix_web::test]
async fn racing_creates_of_one_email_let_exactly_one_win() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let client_id = acme["id"].as_i64().expect("id");
    let requests = (0..12).map(|n| {
        app.post_json(
            "/api/contacts",
            json!({"first_name": format!("Racer{n}"), "last_name": "X", "email": "race@acme.example", "clientid": client_id}),
        )
    });
    let replies = futures_util::future::join_all(requests).await;
    let created = replies
        .iter()
        .filter(|reply| reply.status == StatusCode::CREATED)
        .count();
    let refused = replies
        .iter()
        .filter(|reply| {
            reply.status == StatusCode::UNPROCESSABLE_ENTITY
                && reply.body == invalid(json!({"email": ["The email has already been taken."]}))
        })
        .count();
    assert_eq!((created, refused), (1, 11));
}

#[actix_web::test]
async fn what_grow_shows_it_accepts_back_unchanged() {
    let app = start().await;
    // Written through Pylon: one word of name, no email, no account.
    let pylon = app.post_json("/contacts", json!({"name": "Cher"})).await;
    assert_eq!(pylon.status, StatusCode::OK, "{}", pylon.body);
    let listed = app.get("/api/contacts?search=Cher").await;
    let shown = listed.body["data"][0].clone();
    assert_eq!(
        (
            &shown["first_name"],
            &shown["last_name"],
            &shown["email"],
            &shown["client"]
        ),
        (&json!("Cher"), &json!(""), &Value::Null, &Value::Null),
        "{shown}"
    );
    let id = shown["id"].as_i64().expect("id");
    let path = format!("/api/contacts/{id}");
    let patched = app.patch_json(&path, shown.clone()).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let after = app.get(&path).await.body["data"].clone();
    assert_eq!(
        (&after["first_name"], &after["last_name"], &after["email"]),
        (&json!("Cher"), &json!(""), &Value::Null)
    );
    // Sent back with a change, the rest as shown: only the change is made.
    let mut renamed = shown.clone();
    renamed["first_name"] = json!("Cherilyn");
    let patched = app.patch_json(&path, renamed).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["data"]["first_name"], "Cherilyn");
    assert_eq!(patched.body["data"]["email"], Value::Null);

    // Emptying what a contact has is still refused, in Laravel's words.
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    let olive_id = acme["id"].as_i64().expect("client id");
    let full = contact(&app, olive_id, "Full", "Named", "full@acme.example").await;
    let full_path = format!("/api/contacts/{}", full["id"]);
    let refused = app
        .patch_json(
            &full_path,
            json!({"first_name": "Full", "last_name": "", "email": null}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            invalid(json!({
                "email": ["The email field is required."],
                "last_name": ["The last name field is required."]
            }))
        )
    );
}
