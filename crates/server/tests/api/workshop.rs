//! The Workshop dialect: `/v1/contacts`, `external`, attributes, cursors, versions, errors.

use std::collections::BTreeSet;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::{start, start_with, Reply, TestApp};

type Req = actix_http::Request;

/// Creates a contact and answers its id (from `Location`).
async fn create<S, B>(app: &TestApp<S>, body: Value) -> String
where
    S: Service<Req, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.post_json("/v1/contacts", body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(
        reply.body,
        json!({"message": "Contact created successfully"})
    );
    let location = reply.header("location").expect("Location");
    location
        .strip_prefix("/v1/contacts/")
        .expect("location path")
        .to_owned()
}

fn person(external_id: &str, first: &str, last: &str, email: &str) -> Value {
    json!({"external_id": external_id, "first_name": first, "last_name": last, "email": email})
}

fn field_error(field: &str, message: &str) -> Value {
    json!({"error": {field: [message]}})
}

fn error(text: &str) -> Value {
    json!({ "error": text })
}

#[actix_web::test]
async fn create_then_retrieve_the_full_object() {
    let app = start().await;
    let mut body = person("ABC-123", "John", "Doe", "john@example.com");
    body["phone_number"] = json!("+12345678910");
    body["attributes"] = json!({"department": "Sales", "office": "Austin", "level": 3, "remote": true, "skip": null});
    let id = create(&app, body).await;
    let reply = app.get(&format!("/v1/contacts/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body,
        json!({
            "object": "contact",
            "id": id,
            "external_id": "ABC-123",
            "first_name": "John",
            "last_name": "Doe",
            "email": "john@example.com",
            "phone_number": "+12345678910",
            "attributes": {"department": "Sales", "office": "Austin", "level": 3, "remote": true},
            "urls": {"details": format!("/v1/contacts/{id}")},
        })
    );
    // Any letter case of true/1/yes/on: Python's requests sends `external=True`.
    for external in [
        "?external",
        "?external=true",
        "?external=1",
        "?external=True",
        "?external=YES",
        "?external=on",
    ] {
        let reply = app.get(&format!("/v1/contacts/ABC-123{external}")).await;
        assert_eq!(
            (reply.status, &reply.body["id"]),
            (StatusCode::OK, &json!(id)),
            "{external}"
        );
    }
    let by_body = app
        .call(
            TestRequest::get()
                .uri("/v1/contacts/ABC-123")
                .set_json(json!({"external": true})),
        )
        .await;
    assert_eq!(by_body.body["id"], json!(id));
    for not_external in [
        "?external=false",
        "?external=0",
        "?external=False",
        "?external=no",
        "?external=OFF",
        "",
    ] {
        let reply = app
            .get(&format!("/v1/contacts/ABC-123{not_external}"))
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::NOT_FOUND,
                error("Contact with the given ID was not found.")
            )
        );
    }
    for bad in [
        "?external=2",
        "?external=yess",
        "?external=y",
        "?external=tru%C3%A9",
    ] {
        let reply = app.get(&format!("/v1/contacts/ABC-123{bad}")).await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                field_error("external", "must be a boolean")
            )
        );
    }
    let reply = app
        .call(
            TestRequest::get()
                .uri("/v1/contacts/ABC-123")
                .set_json(json!({"external": "Yes"})),
        )
        .await;
    assert_eq!(
        (reply.status, &reply.body["id"]),
        (StatusCode::OK, &json!(id)),
        "the same spellings in the body"
    );
    for bad in [json!({"external": "maybe"}), json!({"external": 1})] {
        let reply = app
            .call(
                TestRequest::get()
                    .uri("/v1/contacts/ABC-123")
                    .set_json(bad.clone()),
            )
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                field_error("external", "must be a boolean")
            ),
            "{bad}"
        );
    }
}

#[actix_web::test]
async fn create_validation_and_conflicts() {
    let app = start().await;
    let reply = app.post_json("/v1/contacts", json!({})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.body,
        json!({"error": {"external_id": ["can't be blank"], "first_name": ["can't be blank"], "last_name": ["can't be blank"], "email": ["can't be blank"]}})
    );
    let cases = [
        (
            json!({"external_id": "x", "first_name": "A", "last_name": "B", "email": "nope"}),
            field_error("email", "is invalid"),
        ),
        (
            json!({"external_id": 5, "first_name": "A", "last_name": "B", "email": "a@b.io"}),
            field_error("external_id", "must be a string"),
        ),
        (
            json!({"external_id": "x", "first_name": "A", "last_name": "B", "email": "a@b.io", "phone_number": "call me"}),
            field_error("phone_number", "is invalid"),
        ),
        (
            json!({"external_id": "x", "first_name": "A", "last_name": "B", "email": "a@b.io", "attributes": {"nested": {"a": 1}}}),
            field_error(
                "attributes",
                "nested must be a string, a number, a boolean or a list of strings",
            ),
        ),
        (
            json!({"external_id": "x", "first_name": "A", "last_name": "B", "email": "a@b.io", "attributes": [1]}),
            field_error("attributes", "must be an object"),
        ),
        (
            json!({"external_id": "x", "first_name": "A".repeat(101), "last_name": "B", "email": "a@b.io"}),
            field_error("first_name", "is too long (maximum is 100 characters)"),
        ),
    ];
    for (body, expected) in cases {
        let reply = app.post_json("/v1/contacts", body).await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::UNPROCESSABLE_ENTITY, expected)
        );
    }
    create(&app, person("E-1", "Ann", "Lee", "ann@example.com")).await;
    let reply = app
        .post_json(
            "/v1/contacts",
            person("E-1", "Other", "One", "other@example.com"),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::CONFLICT,
            error("Contact with the same external_id already exists")
        )
    );
    let reply = app
        .post_json(
            "/v1/contacts",
            person("E-2", "Other", "One", "ANN@example.com"),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error("email", "has already been taken")
        )
    );
    // A re-sync posts the same contact again: its external id and its email both collide,
    // and the answer is the external id's 409, which upsert loops react to.
    let reply = app
        .post_json(
            "/v1/contacts",
            person("E-1", "Ann", "Lee", "ann@example.com"),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::CONFLICT,
            error("Contact with the same external_id already exists")
        )
    );
}

#[actix_web::test]
async fn update_merges_attributes_and_changes_only_what_is_given() {
    let app = start().await;
    let mut body = person("E-1", "John", "Doe", "john@example.com");
    body["attributes"] = json!({"department": "Sales", "office": "Austin"});
    let id = create(&app, body).await;
    let reply = app
        .patch_json(&format!("/v1/contacts/{id}"), json!({"last_name": "Smith", "attributes": {"department": "Support", "office": null, "floor": 2}}))
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::OK,
            json!({"message": "Contact updated successfully"})
        )
    );
    let shown = app.get(&format!("/v1/contacts/{id}")).await.body;
    assert_eq!(
        (shown["first_name"].clone(), shown["last_name"].clone()),
        (json!("John"), json!("Smith"))
    );
    assert_eq!(
        shown["attributes"],
        json!({"department": "Support", "floor": 2})
    );
    assert_eq!(shown["email"], "john@example.com");

    let reply = app
        .call(
            TestRequest::patch()
                .uri("/v1/contacts/E-1?external")
                .set_json(json!({"external_id": "E-9", "phone_number": "+1 555 0100"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let shown = app.get(&format!("/v1/contacts/{id}")).await.body;
    assert_eq!(
        (shown["external_id"].clone(), shown["phone_number"].clone()),
        (json!("E-9"), json!("+15550100"))
    );
    let reply = app
        .patch_json(&format!("/v1/contacts/{id}"), json!({"first_name": null}))
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error("first_name", "can't be blank")
        )
    );

    // A contact written elsewhere shows what it lacks as null or blank; sent back so, nothing
    // changes, and a field it has cannot be blanked.
    let pylon = app
        .post_json("/contacts", json!({"name": "Cher"}))
        .await
        .body["data"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let shown = app.get(&format!("/v1/contacts/{pylon}")).await.body;
    assert_eq!(
        (
            shown["external_id"].clone(),
            shown["last_name"].clone(),
            shown["email"].clone()
        ),
        (Value::Null, json!(""), Value::Null)
    );
    let reply = app
        .patch_json(
            &format!("/v1/contacts/{pylon}"),
            json!({"external_id": null, "first_name": "Cher", "last_name": "", "email": null}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = app
        .patch_json(
            &format!("/v1/contacts/{pylon}"),
            json!({"first_name": " ", "last_name": null}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error("first_name", "can't be blank")
        )
    );
    let reply = app
        .patch_json(
            &format!("/v1/contacts/{pylon}"),
            json!({"external_id": "E-10"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = app
        .patch_json(&format!("/v1/contacts/{pylon}"), json!({"external_id": ""}))
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_error("external_id", "can't be blank")
        )
    );
    let reply = app
        .patch_json(
            "/v1/contacts/00000000-0000-4000-8000-000000000000",
            json!({"first_name": "x"}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::NOT_FOUND,
            error("Contact with the given ID was not found.")
        )
    );
}

#[actix_web::test]
async fn delete_by_id_and_by_external_id() {
    let app = start().await;
    let id = create(&app, person("E-1", "Ann", "Lee", "ann@example.com")).await;
    create(&app, person("E-2", "Bob", "Lee", "bob@example.com")).await;
    let reply = app.delete(&format!("/v1/contacts/{id}")).await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::OK,
            json!({"message": "Contact deleted successfully"})
        )
    );
    assert_eq!(
        app.get(&format!("/v1/contacts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = app
        .call(
            TestRequest::delete()
                .uri("/v1/contacts/E-2")
                .set_json(json!({"external": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(app.get("/v1/contacts").await.body["size"], 0);
    create(&app, person("E-1", "Ann", "Again", "ann@example.com")).await;
}

fn names(reply: &Reply) -> Vec<String> {
    reply.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["first_name"].as_str().unwrap_or(""),
                c["last_name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[actix_web::test]
async fn list_sorts_pages_and_walks_every_contact_once() {
    let app = start().await;
    for (n, (first, last)) in [
        ("carol", "Zeta"),
        ("Alice", "Young"),
        ("bob", "Xu"),
        ("Dave", "West"),
        ("Eve", "Vance"),
    ]
    .iter()
    .enumerate()
    {
        create(
            &app,
            person(
                &format!("E-{n}"),
                first,
                last,
                &format!("{first}@example.com"),
            ),
        )
        .await;
    }
    let first = app.get("/v1/contacts?limit=2").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(names(&first), ["Alice Young", "bob Xu"]);
    assert_eq!(
        (
            first.body["object"].clone(),
            first.body["has_more"].clone(),
            first.body["limit"].clone(),
            first.body["size"].clone()
        ),
        (json!("array"), json!(true), json!(2), json!(2))
    );
    let summary = &first.body["data"][0];
    let keys: BTreeSet<&str> = summary
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "object",
            "id",
            "external_id",
            "first_name",
            "last_name",
            "email",
            "phone_number",
            "urls"
        ])
    );

    let mut seen = names(&first);
    let mut next = first.body["next"].as_str().expect("next").to_owned();
    assert!(
        next.starts_with("/v1/contacts?cursor=eyJzb3J0IjoibmFtZSIsIm9yZGVyIjoiY"),
        "{next}"
    );
    create(
        &app,
        person("E-late", "Aaron", "Early", "aaron@example.com"),
    )
    .await;
    create(&app, person("E-late2", "Zed", "Last", "zed@example.com")).await;
    loop {
        let page = app.get(&next).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_eq!(page.body["limit"], 2, "the cursor remembers the page size");
        seen.extend(names(&page));
        match page.body["next"].as_str() {
            Some(link) => next = link.to_owned(),
            None => {
                assert_eq!(page.body["has_more"], false);
                break;
            }
        }
    }
    // Aaron sorts before the first page, so a walk already past it does not see it; Zed it does.
    assert_eq!(
        seen,
        [
            "Alice Young",
            "bob Xu",
            "carol Zeta",
            "Dave West",
            "Eve Vance",
            "Zed Last"
        ]
    );

    let desc = app
        .get("/v1/contacts?sort=created_at&order=desc&limit=3")
        .await;
    assert_eq!(names(&desc), ["Zed Last", "Aaron Early", "Eve Vance"]);
    let next = desc.body["next"].as_str().expect("next").to_owned();
    assert_eq!(
        names(&app.get(&next).await),
        ["Dave West", "bob Xu", "Alice Young"]
    );

    let cases = [
        (
            "limit=0",
            field_error("limit", "must be an integer between 1 and 100"),
        ),
        (
            "limit=101",
            field_error("limit", "must be an integer between 1 and 100"),
        ),
        (
            "limit=x",
            field_error("limit", "must be an integer between 1 and 100"),
        ),
        (
            "sort=email",
            field_error("sort", "must be one of name, created_at"),
        ),
        ("order=up", field_error("order", "must be one of asc, desc")),
        ("cursor=not-a-cursor", field_error("cursor", "is invalid")),
    ];
    for (query, expected) in cases {
        let reply = app.get(&format!("/v1/contacts?{query}")).await;
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::UNPROCESSABLE_ENTITY, expected),
            "{query}"
        );
    }
    assert_eq!(app.get("/v1/contacts").await.body["limit"], 50);
}

#[actix_web::test]
async fn workshop_version_names_the_list_object() {
    let app = start().await;
    let versioned = |version: &str| {
        TestRequest::get()
            .uri("/v1/contacts")
            .insert_header(("Workshop-Version", version.to_owned()))
    };
    assert_eq!(app.call(versioned("1.0")).await.body["object"], "list");
    assert_eq!(app.call(versioned("1.1")).await.body["object"], "array");
    assert_eq!(app.call(versioned("1.2")).await.body["object"], "array");
    assert_eq!(app.get("/v1/contacts").await.body["object"], "array");
    // Minor versions only add: a newer minor is answered as the newest known, 1.2.
    assert_eq!(app.call(versioned("")).await.body["object"], "array");
    let not_ascii = TestRequest::get().uri("/v1/contacts").insert_header((
        "Workshop-Version",
        actix_web::http::header::HeaderValue::from_bytes(b"\xc2\x84").expect("header"),
    ));
    assert_eq!(app.call(not_ascii).await.status, StatusCode::BAD_REQUEST);
    for newer in ["1.3", "1.10", "1.00"] {
        let reply = app.call(versioned(newer)).await;
        let expected = if newer == "1.00" { "list" } else { "array" };
        assert_eq!(
            (reply.status, &reply.body["object"]),
            (StatusCode::OK, &json!(expected)),
            "{newer}"
        );
    }
    for refused in ["9.9", "2.0", "1", "1.", "v1.2", "1.2.3", "one"] {
        let reply = app.call(versioned(refused)).await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::BAD_REQUEST,
                error(&format!(
                    "Unsupported Workshop-Version \"{refused}\". Supported versions: 1.0, 1.1, 1.2."
                ))
            )
        );
    }
}

#[actix_web::test]
async fn transport_errors_answer_in_workshops_shape() {
    let app = start().await;
    let reply = app.send(TestRequest::get().uri("/v1/contacts")).await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::UNAUTHORIZED, error("Unauthorized"))
    );
    let reply = app.get("/v1/lists").await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::NOT_FOUND, error("Not found."))
    );
    let reply = app.call(TestRequest::put().uri("/v1/contacts/x")).await;
    assert_eq!(
        (reply.status, &reply.body),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            &error("Method not allowed.")
        )
    );
    assert_eq!(
        reply.header("allow").as_deref(),
        Some("GET, HEAD, PATCH, DELETE")
    );
    let reply = app
        .call(
            TestRequest::post()
                .uri("/v1/contacts")
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{"),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::BAD_REQUEST,
            error("The request body is not valid JSON.")
        )
    );
    let reply = app
        .post_json("/v1/contacts", json!({"first_name": "x".repeat(1_100_000)}))
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            error("The request body is too large.")
        )
    );
    let reader = app.extra_key("reader", true);
    let reply = app
        .send(
            TestRequest::delete()
                .uri("/v1/contacts/x")
                .insert_header(("Authorization", format!("Bearer {reader}"))),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body),
        (StatusCode::FORBIDDEN, error("This API key is read-only."))
    );
}

#[actix_web::test]
async fn when_the_api_is_not_the_sync_source_writes_are_refused_everywhere() {
    let app = start_with(|settings| settings.sync.source = "csv".into()).await;
    let mut imported = contacts_core::NewContact::named("Imported", "Person");
    imported.email = Some("imp@example.com".into());
    imported.source = "csv".into();
    imported.external_ids = vec![contacts_core::ExternalId {
        external_id: "CSV-1".into(),
        label: String::new(),
    }];
    let contact = app.directory().create_contact(imported).expect("imported");
    let (account, _) = app
        .directory()
        .create_account(
            contacts_core::NewAccount {
                name: "Acme".into(),
                ..Default::default()
            },
            None,
        )
        .expect("account");
    let message = "Contacts can only be changed through the API when the API is the sync source.";

    let workshop = [
        app.post_json("/v1/contacts", person("E-1", "A", "B", "a@b.io"))
            .await,
        app.patch_json(
            &format!("/v1/contacts/{}", contact.uid),
            json!({"first_name": "x"}),
        )
        .await,
        app.delete(&format!("/v1/contacts/{}", contact.uid)).await,
    ];
    for reply in workshop {
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::FORBIDDEN, error(message))
        );
    }
    let grow = [
        app.post_json("/api/contacts", json!({})).await,
        app.patch_json(&format!("/api/contacts/{}", contact.id), json!({}))
            .await,
        app.delete(&format!("/api/contacts/{}", contact.id)).await,
        app.put(&format!("/api/contacts/{}/account-owner", contact.id))
            .await,
        app.post_json("/api/clients", json!({})).await,
        app.delete(&format!("/api/clients/{}", account.id)).await,
        app.put_json(
            &format!("/api/clients/{}/owner", account.id),
            json!({"owner": contact.id}),
        )
        .await,
    ];
    for reply in grow {
        assert_eq!(
            (reply.status, reply.body),
            (StatusCode::FORBIDDEN, json!({"message": message}))
        );
    }
    let pylon = [
        app.post_json("/contacts", json!({"name": "x"})).await,
        app.patch_json(&format!("/contacts/{}", contact.uid), json!({}))
            .await,
        app.delete(&format!("/contacts/{}", contact.uid)).await,
        app.delete(&format!("/accounts/{}", account.uid)).await,
    ];
    for reply in pylon {
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.body["errors"], json!([message]));
    }
    assert_eq!(
        app.get(&format!("/v1/contacts/{}", contact.uid))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/contacts/{}", contact.id))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/contacts/{}", contact.uid)).await.status,
        StatusCode::OK
    );
    for spelling in ["", "=true", "=True", "=1", "=yes", "=ON"] {
        let reply = app
            .get(&format!("/v1/contacts/CSV-1?external{spelling}"))
            .await;
        assert_eq!(
            (reply.status, reply.body),
            (
                StatusCode::NOT_FOUND,
                error("Contact with the given ID was not found.")
            ),
            "external{spelling}"
        );
    }
}

#[actix_web::test]
async fn external_look_ups_find_only_contacts_the_api_wrote() {
    let app = start().await;
    let mut imported = contacts_core::NewContact::named("Imported", "Person");
    imported.source = "csv".into();
    imported.external_ids = vec![contacts_core::ExternalId {
        external_id: "CSV-1".into(),
        label: String::new(),
    }];
    let contact = app.directory().create_contact(imported).expect("imported");
    assert_eq!(
        app.get("/v1/contacts/CSV-1?external").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/v1/contacts/{}", contact.uid))
            .await
            .status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_look_up_by_a_second_external_id_shows_the_first() {
    let app = start().await;
    let pylon = app
        .post_json(
            "/contacts",
            json!({"name": "Tess Two", "email": "tess@two.example",
                   "external_ids": [{"external_id": "TE-1", "label": "crm"},
                                    {"external_id": "TE-2", "label": "billing"}]}),
        )
        .await;
    assert_eq!(pylon.status, StatusCode::OK, "{}", pylon.body);
    let uid = pylon.body["data"]["id"].as_str().expect("uid").to_owned();
    // Whichever id finds it, the contact shows its first external id, as in lists and by uid.
    for path in [
        "/v1/contacts/TE-2?external".to_owned(),
        "/v1/contacts/TE-1?external".to_owned(),
        format!("/v1/contacts/{uid}"),
    ] {
        let reply = app.get(&path).await;
        assert_eq!(
            (reply.status, &reply.body["id"], &reply.body["external_id"]),
            (StatusCode::OK, &json!(uid), &json!("TE-1")),
            "{path}"
        );
    }
    let listed = app.get("/v1/contacts").await;
    assert_eq!(listed.body["data"][0]["external_id"], "TE-1");
}
