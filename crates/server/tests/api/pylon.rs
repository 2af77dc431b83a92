//! The Pylon dialect: contacts, search with the filter tree, cursors, accounts, `/me`, errors.

use std::collections::BTreeSet;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::{start, Reply, TestApp};

type Req = actix_http::Request;

pub(crate) async fn create<S, B>(app: &TestApp<S>, body: Value) -> Value
where
    S: Service<Req, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.post_json("/contacts", body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["data"].clone()
}

/// Asserts Pylon's error body: these messages and the request id of the response.
pub(crate) fn assert_errors(reply: &Reply, status: StatusCode, messages: &[&str]) {
    assert_eq!(reply.status, status, "{}", reply.text);
    let request_id = reply.header("x-request-id").expect("request id");
    assert_eq!(
        reply.body,
        json!({"errors": messages, "request_id": request_id})
    );
}

fn ids(reply: &Reply) -> Vec<String> {
    reply.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[actix_web::test]
async fn create_answers_the_full_contact_object() {
    let app = start().await;
    let account = app
        .post_json(
            "/accounts",
            json!({"name": "Acme", "external_ids": [{"external_id": "acc-1", "label": "crm"}]}),
        )
        .await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.text);
    let account_id = account.body["data"]["id"].clone();
    let reply = app
        .post_json(
            "/contacts",
            json!({
                "name": "  Mary   Ann  van Dyke ",
                "email": "Mary@Acme.example",
                "account_external_id": "acc-1",
                "avatar_url": "https://cdn.acme.example/mary.png",
                "custom_fields": [{"slug": "department", "value": "Sales"}, {"slug": "regions", "values": ["emea", "apac"]}],
                "external_ids": [{"external_id": "hub-7", "label": "hubspot"}],
                "phone_numbers": ["15550100", "15550101"],
                "primary_phone_number": "15550101",
                "portal_role": "member",
                "surprise": "ignored",
            }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let data = &reply.body["data"];
    let request_id = reply.header("x-request-id").expect("request id");
    assert_eq!(
        reply.body,
        json!({
            "data": {
                "id": data["id"],
                "name": "Mary Ann van Dyke",
                "email": "Mary@Acme.example",
                "emails": ["Mary@Acme.example"],
                "avatar_url": "https://cdn.acme.example/mary.png",
                "account": {"id": account_id, "external_ids": [{"external_id": "acc-1", "label": "crm"}]},
                "custom_fields": {
                    "department": {"slug": "department", "value": "Sales"},
                    "regions": {"slug": "regions", "values": ["emea", "apac"]},
                },
                "external_ids": [{"external_id": "hub-7", "label": "hubspot"}],
                "integration_user_ids": [],
                "phone_numbers": ["15550100", "15550101"],
                "primary_phone_number": "15550101",
                "portal_role": "member",
                "portal_role_id": null,
            },
            "request_id": request_id,
        })
    );
    assert!(uuid::Uuid::parse_str(data["id"].as_str().expect("id")).is_ok());
    let shown = app
        .get(&format!("/contacts/{}", data["id"].as_str().expect("id")))
        .await;
    assert_eq!(shown.body["data"], reply.body["data"]);

    let minimal = create(&app, json!({"name": "Solo"})).await;
    assert_eq!(minimal["name"], "Solo");
    assert_eq!(
        (
            minimal["email"].clone(),
            minimal["account"].clone(),
            minimal["primary_phone_number"].clone()
        ),
        (Value::Null, Value::Null, Value::Null)
    );
    assert_eq!(
        (minimal["emails"].clone(), minimal["custom_fields"].clone()),
        (json!([]), json!({}))
    );
    let with_role_id = create(
        &app,
        json!({"name": "Rid", "portal_role": "admin", "portal_role_id": "role_9"}),
    )
    .await;
    assert_eq!(
        (
            with_role_id["portal_role"].clone(),
            with_role_id["portal_role_id"].clone()
        ),
        (Value::Null, json!("role_9"))
    );
    let first_phone = create(&app, json!({"name": "Phones", "phone_numbers": ["1", "2"]})).await;
    assert_eq!(first_phone["primary_phone_number"], "1");
}

#[actix_web::test]
async fn portal_roles_take_custom_slugs_and_read_back_alike_on_create_and_patch() {
    let app = start().await;
    let roles = |contact: &Value| {
        (
            contact["portal_role"].clone(),
            contact["portal_role_id"].clone(),
        )
    };
    let custom = create(
        &app,
        json!({"name": "Sam Slug", "portal_role": "support-lead"}),
    )
    .await;
    assert_eq!(roles(&custom), (json!("support-lead"), Value::Null));
    let uid = custom["id"].as_str().expect("uid").to_owned();
    let path = format!("/contacts/{uid}");
    let shown = app.get(&path).await;
    assert_eq!(
        roles(&shown.body["data"]),
        (json!("support-lead"), Value::Null)
    );

    // Both given: the id wins and the role reads back null, as on create.
    let both = json!({"portal_role": "admin", "portal_role_id": "role_9"});
    let patched = app.patch_json(&path, both.clone()).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let created = create(
        &app,
        json!({"name": "Bo Th", "portal_role": "admin", "portal_role_id": "role_9"}),
    )
    .await;
    assert_eq!(roles(&patched.body["data"]), roles(&created));
    assert_eq!(roles(&created), (Value::Null, json!("role_9")));

    // A role alone replaces the role id: one portal role per contact.
    let patched = app
        .patch_json(&path, json!({"portal_role": "team.lead_2"}))
        .await;
    assert_eq!(
        roles(&patched.body["data"]),
        (json!("team.lead_2"), Value::Null)
    );
    let untouched = app.patch_json(&path, json!({"name": "Sam Slugger"})).await;
    assert_eq!(
        roles(&untouched.body["data"]),
        (json!("team.lead_2"), Value::Null)
    );
    let refused = app.patch_json(&path, json!({"portal_role": ""})).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn a_custom_field_entry_without_a_value_unsets_that_field() {
    let app = start().await;
    let contact = create(
        &app,
        json!({"name": "Cleo Fields", "custom_fields": [
            {"slug": "dept", "value": "Sales"},
            {"slug": "tags", "values": ["a", "b"]},
            {"slug": "never"}
        ]}),
    )
    .await;
    assert_eq!(
        contact["custom_fields"],
        json!({"dept": {"slug": "dept", "value": "Sales"}, "tags": {"slug": "tags", "values": ["a", "b"]}})
    );
    let path = format!("/contacts/{}", contact["id"].as_str().expect("uid"));
    let patched = app
        .patch_json(&path, json!({"custom_fields": [{"slug": "dept"}]}))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        patched.body["data"]["custom_fields"],
        json!({"tags": {"slug": "tags", "values": ["a", "b"]}})
    );
}

#[actix_web::test]
async fn every_validation_problem_is_a_400_with_its_own_message() {
    let app = start().await;
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({}), vec!["name is required"]),
        (json!({"name": 5}), vec!["name must be a string"]),
        (
            json!({"name": "A", "email": "nope"}),
            vec!["email is not a valid email address"],
        ),
        (
            json!({"name": "A", "account_id": "x", "account_external_id": "y"}),
            vec!["account_id and account_external_id cannot be used together"],
        ),
        (
            json!({"name": "A", "avatar_url": "https://x.example/a.gif"}),
            vec!["avatar_url must be an http(s) URL of a .png, .jpg or .jpeg image"],
        ),
        (
            json!({"name": "A", "phone_numbers": ["+1555", "1234567890123456"]}),
            vec![
                "phone_numbers[0] must be 1 to 15 digits (0-9)",
                "phone_numbers[1] must be 1 to 15 digits (0-9)",
            ],
        ),
        (
            json!({"name": "A", "phone_numbers": ["1"], "primary_phone_number": "2"}),
            vec!["primary_phone_number must be one of phone_numbers"],
        ),
        (
            json!({"name": "A", "portal_role": "team lead!"}),
            vec!["portal_role must be no_access, member, admin or a custom role slug (1 to 100 letters, digits, '_', '-' or '.')"],
        ),
        (
            json!({"name": "A", "custom_fields": [{"slug": "dept", "value": "a", "values": ["b"]}]}),
            vec!["custom_fields[0] cannot have both value and values"],
        ),
        (
            json!({"name": "A", "custom_fields": [{"value": "a"}]}),
            vec!["custom_fields[0].slug is required"],
        ),
        (
            json!({"name": "A", "external_ids": [{"label": "x"}]}),
            vec!["external_ids[0].external_id is required"],
        ),
        (
            json!({"name": "A", "external_ids": "x"}),
            vec!["external_ids must be an array"],
        ),
    ];
    for (body, messages) in cases {
        let reply = app.post_json("/contacts", body.clone()).await;
        assert_errors(&reply, StatusCode::BAD_REQUEST, &messages);
    }
    let contact = create(&app, json!({"name": "Ann", "email": "ann@acme.example"})).await;
    let reply = app
        .patch_json(
            &format!("/contacts/{}", contact["id"].as_str().expect("id")),
            json!({"email": "a@b.io", "emails": [{"email": "c@d.io"}]}),
        )
        .await;
    assert_errors(
        &reply,
        StatusCode::BAD_REQUEST,
        &["email and emails cannot be used together"],
    );
    let reply = app
        .post_json(
            "/contacts",
            json!({"name": "X", "account_id": "no-such-account"}),
        )
        .await;
    assert_errors(&reply, StatusCode::NOT_FOUND, &["Account not found!"]);
}

#[actix_web::test]
async fn duplicates_are_409_with_the_existing_id() {
    let app = start().await;
    let first = create(&app, json!({"name": "Ann", "email": "ann@acme.example", "external_ids": [{"external_id": "e-1", "label": "x"}]})).await;
    let reply = app
        .post_json(
            "/contacts",
            json!({"name": "Other", "email": "ANN@acme.example"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        reply.body,
        json!({"errors": ["A contact with this email already exists."], "exists_id": first["id"], "request_id": reply.header("x-request-id")})
    );
    let reply = app
        .post_json(
            "/contacts",
            json!({"name": "Other", "external_ids": [{"external_id": "e-1", "label": "y"}]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        reply.body["errors"],
        json!(["A contact with this external ID already exists."])
    );
    assert_eq!(reply.body["exists_id"], first["id"]);
}

#[actix_web::test]
async fn patch_changes_only_what_is_given() {
    let app = start().await;
    let contact = create(
        &app,
        json!({"name": "Ann Lee", "email": "ann@acme.example", "avatar_url": "https://x.example/a.jpg", "phone_numbers": ["1", "2"],
               "custom_fields": [{"slug": "dept", "value": "Sales"}, {"slug": "office", "value": "Austin"}],
               "external_ids": [{"external_id": "a", "label": "x"}, {"external_id": "b", "label": "y"}]}),
    )
    .await;
    let path = format!("/contacts/{}", contact["id"].as_str().expect("id"));
    let reply = app
        .patch_json(
            &path,
            json!({"name": null, "email": null, "avatar_url": null, "unknown": 1}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["data"], contact);

    let reply = app
        .patch_json(
            &path,
            json!({"name": "Ann  Marie Lee", "custom_fields": [{"slug": "office", "value": null}, {"slug": "level", "values": ["a"]}],
                   "external_ids": [{"external_id": "c", "label": "z"}], "primary_phone_number": "2",
                   "emails": [{"email": "second@acme.example"}, {"email": "main@acme.example", "is_primary": true}]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let data = &reply.body["data"];
    assert_eq!(data["name"], "Ann Marie Lee");
    assert_eq!(
        data["custom_fields"],
        json!({"dept": {"slug": "dept", "value": "Sales"}, "level": {"slug": "level", "values": ["a"]}})
    );
    assert_eq!(
        data["external_ids"],
        json!([{"external_id": "c", "label": "z"}])
    );
    assert_eq!(
        (
            data["phone_numbers"].clone(),
            data["primary_phone_number"].clone()
        ),
        (json!(["1", "2"]), json!("2"))
    );
    assert_eq!(
        (data["email"].clone(), data["emails"].clone()),
        (
            json!("main@acme.example"),
            json!(["main@acme.example", "second@acme.example"])
        )
    );
    assert_eq!(data["avatar_url"], "https://x.example/a.jpg");
    let reply = app
        .patch_json(&path, json!({"primary_phone_number": "9"}))
        .await;
    assert_errors(
        &reply,
        StatusCode::BAD_REQUEST,
        &["primary_phone_number must be one of phone_numbers"],
    );
    let free = create(
        &app,
        json!({"name": "Reuse", "external_ids": [{"external_id": "a", "label": "x"}]}),
    )
    .await;
    assert_eq!(
        free["external_ids"][0]["external_id"], "a",
        "replaced external ids are free again"
    );
}

#[actix_web::test]
async fn delete_answers_request_id_and_the_contact_is_gone() {
    let app = start().await;
    let contact = create(&app, json!({"name": "Gone Soon", "email": "gone@acme.example", "custom_fields": [{"slug": "dept", "value": "x"}]})).await;
    let path = format!("/contacts/{}", contact["id"].as_str().expect("id"));
    let reply = app.delete(&path).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body,
        json!({"request_id": reply.header("x-request-id")})
    );
    assert_errors(
        &app.get(&path).await,
        StatusCode::NOT_FOUND,
        &["Contact not found!"],
    );
    assert_errors(
        &app.delete(&path).await,
        StatusCode::NOT_FOUND,
        &["Contact not found!"],
    );
    assert_errors(
        &app.patch_json(&path, json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
        &["Contact not found!"],
    );
    assert!(ids(&app.get("/contacts").await).is_empty());
    let search = app
        .post_json(
            "/contacts/search",
            json!({"filter": {"field": "dept", "operator": "is_set"}}),
        )
        .await;
    assert!(ids(&search).is_empty());
    create(&app, json!({"name": "Again", "email": "gone@acme.example"})).await;
}

#[actix_web::test]
async fn list_cursor_walk_returns_everyone_once_even_with_inserts_between_pages() {
    let app = start().await;
    let mut expected = BTreeSet::new();
    for n in 0..7 {
        expected.insert(
            create(&app, json!({"name": format!("P{n}")})).await["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let reply = app.get(&format!("/contacts?limit=3&cursor={cursor}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        seen.extend(ids(&reply));
        pages += 1;
        if pages == 1 {
            // Created while paging: it sorts after the cursor, so the walk still finds it once.
            expected.insert(
                create(&app, json!({"name": "Late"})).await["id"]
                    .as_str()
                    .expect("id")
                    .to_owned(),
            );
        }
        let pagination = &reply.body["pagination"];
        if pagination["has_next_page"] == json!(false) {
            assert_eq!(pagination["cursor"], "");
            break;
        }
        cursor = pagination["cursor"].as_str().expect("cursor").to_owned();
        assert!(!cursor.is_empty());
    }
    assert_eq!(seen.len(), expected.len());
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(pages, 3);

    for bad in ["0", "1000", "abc", "-1"] {
        assert_errors(
            &app.get(&format!("/contacts?limit={bad}")).await,
            StatusCode::BAD_REQUEST,
            &["limit must be an integer greater than 0 and less than 1000"],
        );
    }
    assert_errors(
        &app.get("/contacts?cursor=garbage").await,
        StatusCode::BAD_REQUEST,
        &["cursor is invalid"],
    );
    let all = app.get("/contacts?limit=999").await;
    assert_eq!(
        all.body["pagination"],
        json!({"cursor": "", "has_next_page": false})
    );
}

#[actix_web::test]
async fn search_supports_every_operator_and_nesting() {
    let app = start().await;
    let acme = app
        .post_json("/accounts", json!({"name": "Acme"}))
        .await
        .body["data"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let beta = app
        .post_json("/accounts", json!({"name": "Beta"}))
        .await
        .body["data"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let ann = create(&app, json!({"name": "Ann", "email": "ann@acme.example", "account_id": acme, "custom_fields": [{"slug": "dept", "value": "Sales"}, {"slug": "tags", "values": ["vip", "emea"]}]})).await;
    let bob = create(&app, json!({"name": "Bob", "email": "bob@beta.example", "account_id": beta, "custom_fields": [{"slug": "dept", "value": "Support"}, {"slug": "tags", "values": ["apac"]}]})).await;
    let cat = create(&app, json!({"name": "Cat", "email": "cat@acme.example"})).await;
    let [ann, bob, cat] = [ann, bob, cat].map(|c| c["id"].as_str().expect("id").to_owned());

    let cases: Vec<(Value, Vec<&String>)> = vec![
        (
            json!({"field": "id", "operator": "equals", "value": bob}),
            vec![&bob],
        ),
        (
            json!({"field": "id", "operator": "in", "values": [ann, cat]}),
            vec![&ann, &cat],
        ),
        (
            json!({"field": "id", "operator": "not_in", "values": [ann]}),
            vec![&bob, &cat],
        ),
        (
            json!({"field": "email", "operator": "equals", "value": "BOB@beta.example"}),
            vec![&bob],
        ),
        (
            json!({"field": "email", "operator": "in", "values": ["ann@acme.example", "cat@acme.example"]}),
            vec![&ann, &cat],
        ),
        (
            json!({"field": "email", "operator": "not_in", "values": ["ann@acme.example"]}),
            vec![&bob, &cat],
        ),
        (
            json!({"field": "email", "operator": "string_contains", "value": "@acme"}),
            vec![&ann, &cat],
        ),
        (
            json!({"field": "account_id", "operator": "equals", "value": acme}),
            vec![&ann],
        ),
        (
            json!({"field": "account_id", "operator": "in", "values": [acme, beta]}),
            vec![&ann, &bob],
        ),
        (
            json!({"field": "account_id", "operator": "not_in", "values": [acme]}),
            vec![&bob, &cat],
        ),
        (
            json!({"field": "dept", "operator": "equals", "value": "Sales"}),
            vec![&ann],
        ),
        (
            json!({"field": "dept", "operator": "not_equals", "value": "Sales"}),
            vec![&bob, &cat],
        ),
        (
            json!({"field": "dept", "operator": "in", "values": ["Sales", "Support"]}),
            vec![&ann, &bob],
        ),
        (
            json!({"field": "dept", "operator": "not_in", "values": ["Sales"]}),
            vec![&bob, &cat],
        ),
        (
            json!({"field": "dept", "operator": "string_contains", "value": "sup"}),
            vec![&bob],
        ),
        (
            json!({"field": "dept", "operator": "string_does_not_contain", "value": "sup"}),
            vec![&ann, &cat],
        ),
        (
            json!({"field": "dept", "operator": "is_set"}),
            vec![&ann, &bob],
        ),
        (json!({"field": "dept", "operator": "is_unset"}), vec![&cat]),
        (
            json!({"field": "tags", "operator": "contains", "values": ["emea", "nowhere"]}),
            vec![&ann],
        ),
        (
            json!({"field": "tags", "operator": "does_not_contain", "values": ["vip"]}),
            vec![&bob, &cat],
        ),
        (
            json!({"operator": "and", "subfilters": [
                {"field": "email", "operator": "string_contains", "value": "acme"},
                {"operator": "or", "subfilters": [{"field": "dept", "operator": "is_unset"}, {"field": "id", "operator": "equals", "value": bob}]}
            ]}),
            vec![&cat],
        ),
        (
            json!({"field": "email", "operator": "equals", "value": "' OR 1=1 --"}),
            vec![],
        ),
    ];
    for (filter, expected) in cases {
        let reply = app
            .post_json("/contacts/search", json!({"filter": filter}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{filter}: {}", reply.text);
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(ids(&reply), expected, "{filter}");
    }

    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let reply = app.post_json("/contacts/search", json!({"filter": {"field": "email", "operator": "string_contains", "value": "example"}, "limit": 1, "cursor": cursor})).await;
        seen.extend(ids(&reply));
        if reply.body["pagination"]["has_next_page"] == json!(false) {
            break;
        }
        cursor = reply.body["pagination"]["cursor"].clone();
    }
    assert_eq!(seen, [ann.clone(), bob.clone(), cat.clone()]);

    let deep = json!({"filter": {"operator": "and", "subfilters": [{"operator": "or", "subfilters": [{"operator": "and", "subfilters": [{"field": "id", "operator": "equals", "value": "x"}]}]}]}});
    assert_errors(
        &app.post_json("/contacts/search", deep).await,
        StatusCode::BAD_REQUEST,
        &["filter.subfilters[0].subfilters[0] is deeper than the maximum filter depth of 3"],
    );
    assert_errors(
        &app.post_json("/contacts/search", json!({"filter": {"field": "name", "operator": "equals", "value": "x"}, "limit": 0, "cursor": "zzz"})).await,
        StatusCode::BAD_REQUEST,
        &["filter.field \"name\" is not a filterable field", "limit must be an integer greater than 0 and less than 1000", "cursor is invalid"],
    );
    assert_errors(
        &app.post_json("/contacts/search", json!({})).await,
        StatusCode::BAD_REQUEST,
        &["filter is required"],
    );
}

#[actix_web::test]
async fn accounts_and_me() {
    let app = start().await;
    let reply = app.post_json("/accounts", json!({"name": "Acme", "domains": ["acme.example"], "external_ids": [{"external_id": "sf-1", "label": "salesforce"}]})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let account = reply.body["data"].clone();
    assert_eq!(account["name"], "Acme");
    assert_eq!(account["domains"], json!(["acme.example"]));
    let id = account["id"].as_str().expect("id");
    assert_eq!(
        app.get(&format!("/accounts/{id}")).await.body["data"],
        account
    );
    assert_eq!(app.get("/accounts/sf-1").await.body["data"], account);
    assert_errors(
        &app.get("/accounts/nope").await,
        StatusCode::NOT_FOUND,
        &["Account not found!"],
    );
    assert_errors(
        &app.post_json("/accounts", json!({"domains": "x"})).await,
        StatusCode::BAD_REQUEST,
        &[
            "domains must be an array of at most 100 strings",
            "name is required",
        ],
    );
    let duplicate = app
        .post_json(
            "/accounts",
            json!({"name": "Other", "external_ids": [{"external_id": "sf-1"}]}),
        )
        .await;
    assert_eq!(
        (duplicate.status, duplicate.body["exists_id"].as_str()),
        (StatusCode::CONFLICT, Some(id))
    );
    app.post_json("/accounts", json!({"name": "Beta"})).await;
    let first = app.get("/accounts?limit=1").await;
    assert_eq!(first.body["data"][0]["name"], "Acme");
    assert_eq!(first.body["pagination"]["has_next_page"], true);
    let cursor = first.body["pagination"]["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let second = app.get(&format!("/accounts?limit=1&cursor={cursor}")).await;
    assert_eq!(second.body["data"][0]["name"], "Beta");
    assert_eq!(
        second.body["pagination"],
        json!({"cursor": "", "has_next_page": false})
    );

    let contact = create(&app, json!({"name": "Ann", "account_id": id})).await;
    assert_eq!(
        contact["account"],
        json!({"id": id, "external_ids": [{"external_id": "sf-1", "label": "salesforce"}]})
    );
    let me = app.get("/me").await;
    assert_eq!(
        me.body["data"],
        json!({"name": "tests", "read_only": false})
    );
}

#[actix_web::test]
async fn transport_errors_answer_in_pylons_shape() {
    let app = start().await;
    assert_errors(
        &app.send(TestRequest::get().uri("/contacts")).await,
        StatusCode::UNAUTHORIZED,
        &["Unauthorized"],
    );
    assert_errors(
        &app.get("/nowhere").await,
        StatusCode::NOT_FOUND,
        &["Not found"],
    );
    let reply = app.call(TestRequest::put().uri("/contacts")).await;
    assert_errors(
        &reply,
        StatusCode::METHOD_NOT_ALLOWED,
        &["Method not allowed"],
    );
    assert_eq!(reply.header("allow").as_deref(), Some("GET, HEAD, POST"));
    let reply = app
        .call(
            TestRequest::post()
                .uri("/contacts")
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{oops"),
        )
        .await;
    assert_errors(&reply, StatusCode::BAD_REQUEST, &["Invalid JSON body"]);
    let reply = app
        .call(
            TestRequest::post()
                .uri("/contacts")
                .insert_header(("Content-Type", "application/json"))
                .set_payload("[1,2]"),
        )
        .await;
    assert_errors(&reply, StatusCode::BAD_REQUEST, &["Invalid JSON body"]);
    let reply = app.post_form("/contacts", "name=x").await;
    assert_errors(
        &reply,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &["Content-Type must be application/json"],
    );
    let huge = json!({"name": "x".repeat(1_100_000)});
    assert_errors(
        &app.post_json("/contacts", huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        &["Request body too large"],
    );
    let reader = app.extra_key("reader", true);
    let reply = app
        .send(
            TestRequest::post()
                .uri("/contacts")
                .insert_header(("Authorization", format!("Bearer {reader}")))
                .set_json(json!({"name": "x"})),
        )
        .await;
    assert_errors(
        &reply,
        StatusCode::FORBIDDEN,
        &["This API key is read-only."],
    );
    let search = app
        .send(
            TestRequest::post()
                .uri("/contacts/search")
                .insert_header(("Authorization", format!("Bearer {reader}")))
                .set_json(json!({"filter": {"field": "id", "operator": "in", "values": []}})),
        )
        .await;
    assert_eq!(search.status, StatusCode::OK, "searching is a read");
}

#[actix_web::test]
async fn custom_field_walk_skips_deleted_contacts_and_repeats_none() {
    let app = start().await;
    let mut expected = Vec::new();
    for n in 0..7 {
        let contact = create(&app, json!({"name": format!("Walker {n}"), "custom_fields": [{"slug": "team", "values": ["core", "core"]}]})).await;
        let id = contact["id"].as_str().expect("id").to_owned();
        if n == 2 || n == 5 {
            assert_eq!(
                app.delete(&format!("/contacts/{id}")).await.status,
                StatusCode::OK
            );
        } else {
            expected.push(id);
        }
        create(&app, json!({"name": format!("Other {n}"), "custom_fields": [{"slug": "team", "value": "edge"}]})).await;
    }
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let reply = app
            .post_json("/contacts/search", json!({"filter": {"field": "team", "operator": "equals", "value": "core"}, "limit": 2, "cursor": cursor}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        seen.extend(ids(&reply));
        if reply.body["pagination"]["has_next_page"] == json!(false) {
            break;
        }
        cursor = reply.body["pagination"]["cursor"].clone();
    }
    assert_eq!(seen, expected);
}

#[actix_web::test]
async fn every_email_of_a_contact_is_searched_as_every_email_is_unique() {
    let app = start().await;
    let held = create(
        &app,
        json!({"name": "Sec Ondary", "email": "first@mail.example"}),
    )
    .await;
    let uid = held["id"].as_str().expect("uid").to_owned();
    let patched = app
        .patch_json(
            &format!("/contacts/{uid}"),
            json!({"emails": [{"email": "first@mail.example", "is_primary": true},
                              {"email": "Second@Mail.example"}]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let other = create(&app, json!({"name": "No Email"})).await;
    let third = create(
        &app,
        json!({"name": "Third Person", "email": "third@mail.example"}),
    )
    .await;

    // The secondary email blocks a create, naming its holder...
    let taken = app
        .post_json(
            "/contacts",
            json!({"name": "Copy", "email": "second@mail.example"}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);
    assert_eq!(taken.body["exists_id"], json!(uid));
    // ...and finds it.
    let found = |filter: Value| {
        let app = &app;
        async move {
            let reply = app
                .post_json("/contacts/search", json!({"filter": filter}))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            let mut ids: Vec<String> = reply.body["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|contact| contact["id"].as_str().expect("id").to_owned())
                .collect();
            ids.sort();
            ids
        }
    };
    let mut everyone_else = vec![
        other["id"].as_str().expect("id").to_owned(),
        third["id"].as_str().expect("id").to_owned(),
    ];
    everyone_else.sort();
    for (filter, expected) in [
        (
            json!({"field": "email", "operator": "equals", "value": "SECOND@mail.example"}),
            vec![uid.clone()],
        ),
        (
            json!({"field": "email", "operator": "in", "values": ["nobody@x.example", "second@mail.example"]}),
            vec![uid.clone()],
        ),
        (
            json!({"field": "email", "operator": "string_contains", "value": "cond@ma"}),
            vec![uid.clone()],
        ),
        (
            json!({"field": "email", "operator": "not_in", "values": ["second@mail.example"]}),
            everyone_else.clone(),
        ),
    ] {
        assert_eq!(found(filter.clone()).await, expected, "{filter}");
    }
    // Grow's search covers every email too.
    let grow = app.get("/api/contacts?search=second%40mail").await;
    assert_eq!(grow.body["meta"]["total"], 1, "{}", grow.body);
    assert_eq!(grow.body["data"][0]["email"], "first@mail.example");

    // Replaced secondary emails are found by what they are now, and only by that; a term
    // never matches across two of them (SQLite's index holds a contact's emails joined).
    let replaced = app
        .patch_json(
            &format!("/contacts/{uid}"),
            json!({"emails": [{"email": "first@mail.example", "is_primary": true},
                              {"email": "Fourth@Mail.example"}, {"email": "fifth@mail.example"}]}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    let contains =
        |term: &str| json!({"field": "email", "operator": "string_contains", "value": term});
    assert_eq!(found(contains("cond@ma")).await, Vec::<String>::new());
    assert_eq!(found(contains("FOURTH@")).await, vec![uid.clone()]);
    assert_eq!(found(contains("th@mail.ex")).await, vec![uid.clone()]);
    assert_eq!(
        found(contains("example\nfifth")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        found(contains("example\nfourth")).await,
        Vec::<String>::new()
    );
    for (search, total) in [
        ("cond%40mail", 0),
        ("fifth%40mail", 1),
        ("example%0Afifth", 0),
        ("example%0Afourth", 0),
    ] {
        let grow = app.get(&format!("/api/contacts?search={search}")).await;
        assert_eq!(grow.status, StatusCode::OK, "{}", grow.text);
        assert_eq!(grow.body["meta"]["total"], total, "{search}: {}", grow.body);
    }
}

#[actix_web::test]
async fn import_makes_a_contact_or_updates_the_one_with_that_email() {
    let app = start().await;
    let first = app
        .post_json(
            "/import/contacts",
            json!({"name": "Ima Port", "email": "ima@port.example",
                   "custom_fields": [{"slug": "dept", "value": "Sales"}, {"slug": "tier", "value": "gold"}]}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let uid = first.body["data"]["id"].as_str().expect("uid").to_owned();
    assert_eq!(first.body["data"]["name"], "Ima Port");

    // The same email again (any letter case): that contact, updated with what was given.
    let again = app
        .post_json(
            "/import/contacts",
            json!({"name": "Ima Porter", "email": "IMA@port.example", "portal_role": "member",
                   "custom_fields": [{"slug": "dept", "value": "Legal"}]}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["data"]["id"], json!(uid));
    assert_eq!(
        (
            &again.body["data"]["name"],
            &again.body["data"]["email"],
            &again.body["data"]["portal_role"],
            &again.body["data"]["custom_fields"]
        ),
        (
            &json!("Ima Porter"),
            &json!("ima@port.example"),
            &json!("member"),
            &json!({"dept": {"slug": "dept", "value": "Legal"}, "tier": {"slug": "tier", "value": "gold"}})
        )
    );
    let grow = app.get("/api/contacts?search=ima%40port").await;
    assert_eq!(grow.body["meta"]["total"], 1, "{}", grow.body);
    assert_eq!(grow.body["data"][0]["last_name"], "Porter");

    // An email held as a secondary one updates its holder too (one email rule).
    let patched = app
        .patch_json(
            &format!("/contacts/{uid}"),
            json!({"emails": [{"email": "ima@port.example", "is_primary": true}, {"email": "alt@port.example"}]}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let by_secondary = app
        .post_json(
            "/import/contacts",
            json!({"name": "Ima Alt", "email": "alt@port.example"}),
        )
        .await;
    assert_eq!(
        by_secondary.body["data"]["id"],
        json!(uid),
        "{}",
        by_secondary.text
    );

    let reply = app.post_json("/import/contacts", json!({})).await;
    assert_errors(
        &reply,
        StatusCode::BAD_REQUEST,
        &["name is required", "email is required"],
    );
    let reply = app
        .post_json("/import/contacts", json!({"name": "No Mail"}))
        .await;
    assert_errors(&reply, StatusCode::BAD_REQUEST, &["email is required"]);
    let reply = app
        .post_json("/import/contacts", json!({"name": "Bad", "email": "nope"}))
        .await;
    assert_errors(
        &reply,
        StatusCode::BAD_REQUEST,
        &["email is not a valid email address"],
    );
}
