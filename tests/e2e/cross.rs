//! One store, three dialects: what one dialect writes, the other two read back at once, over
//! the real binary.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::server::Server;

struct Gateway {
    server: Server,
    key: String,
}

impl Gateway {
    fn start() -> Self {
        let server = Server::start(&[]);
        let key = server.bootstrap_key().expect("key");
        Gateway { server, key }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let reply = self
            .server
            .request(method, path, Some(&self.key), body.as_ref());
        (reply.status, reply.body)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None)
    }

    /// As `call`, but a 503 ("Nothing was changed; try again shortly") is sent again, as a
    /// client honouring its `Retry-After` does: fifty writers at once can outnumber
    /// PostgreSQL's connections plus `max_queued_writes`, and the overflow is shed by design.
    fn call_until_served(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let mut reply = self.call(method, path, Some(body.clone()));
        for _ in 0..50 {
            if reply.0 != 503 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            reply = self.call(method, path, Some(body.clone()));
        }
        reply
    }

    fn pylon_search(&self, filter: Value) -> Vec<Value> {
        let (status, body) = self.call(
            "POST",
            "/contacts/search",
            Some(json!({ "filter": filter })),
        );
        assert_eq!(status, 200, "{body}");
        body["data"].as_array().cloned().unwrap_or_default()
    }

    /// A Workshop create; answers the new contact's id.
    fn workshop_create(&self, body: Value) -> String {
        let email = body["email"].as_str().expect("email").to_owned();
        let (status, reply) = self.call("POST", "/v1/contacts", Some(body));
        assert_eq!(status, 201, "{reply}");
        self.uid_by_email(&email)
    }

    fn uid_by_email(&self, email: &str) -> String {
        let found =
            self.pylon_search(json!({"field": "email", "operator": "equals", "value": email}));
        found[0]["id"].as_str().expect("id").to_owned()
    }
}

#[test]
fn created_in_workshop_is_read_by_pylon_and_grow() {
    let gw = Gateway::start();
    let id = gw.workshop_create(json!({
        "external_id": "W-7", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "phone_number": "+44 20 7946 0000", "attributes": {"department": "Engines", "level": 3},
    }));

    let (status, pylon) = gw.get(&format!("/contacts/{id}"));
    assert_eq!(status, 200);
    assert_eq!(
        pylon["data"],
        json!({
            "id": id, "name": "Ada Lovelace", "email": "ada@example.com", "emails": ["ada@example.com"],
            "avatar_url": null, "account": null,
            "custom_fields": {"department": {"slug": "department", "value": "Engines"}, "level": {"slug": "level", "value": "3"}},
            "external_ids": [{"external_id": "W-7", "label": ""}], "integration_user_ids": [],
            "phone_numbers": ["442079460000"], "primary_phone_number": "442079460000",
            "portal_role": null, "portal_role_id": null,
        })
    );
    assert_eq!(gw.uid_by_email("ADA@example.com"), id);
    let by_field =
        gw.pylon_search(json!({"field": "department", "operator": "equals", "value": "Engines"}));
    assert_eq!(by_field.len(), 1);
    assert_eq!(by_field[0]["id"], json!(id));

    let (_, grow) = gw.get("/api/contacts?search=lovelace");
    assert_eq!(grow["meta"]["total"], 1);
    let contact = &grow["data"][0];
    assert_eq!(
        contact,
        &json!({
            "id": contact["id"], "first_name": "Ada", "last_name": "Lovelace", "name": "Ada Lovelace",
            "email": "ada@example.com", "phone": "+44 20 7946 0000", "job_position": null,
            "account_owner": "no", "status": "active", "client": null, "role": {"id": 2, "name": "Client"},
            "social": {"facebook": null, "twitter": null, "linkedin": null, "github": null, "dribbble": null},
            "dates": contact["dates"],
        })
    );
}

#[test]
fn created_in_grow_under_a_client_is_a_pylon_account_member_and_a_workshop_contact() {
    let gw = Gateway::start();
    let (status, client) = gw.call("POST", "/api/clients", Some(json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example", "client_company_name": "Acme Inc"})));
    assert_eq!(status, 201, "{client}");
    let client_id = client["data"]["id"].as_i64().expect("id");
    let (status, created) = gw.call("POST", "/api/contacts", Some(json!({"first_name": "Grace", "last_name": "Hopper", "email": "grace@acme.example", "clientid": client_id})));
    assert_eq!(status, 201, "{created}");

    let accounts = gw.get("/accounts").1;
    let account = accounts["data"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["name"] == "Acme Inc")
        .expect("the client is an account")
        .clone();
    let uid = gw.uid_by_email("grace@acme.example");
    let pylon = gw.get(&format!("/contacts/{uid}")).1;
    assert_eq!(
        pylon["data"]["account"],
        json!({"id": account["id"], "external_ids": []})
    );
    let members = gw
        .pylon_search(json!({"field": "account_id", "operator": "equals", "value": account["id"]}));
    assert_eq!(members.len(), 2, "owner and Grace");

    let (status, workshop) = gw.get(&format!("/v1/contacts/{uid}"));
    assert_eq!(status, 200);
    assert_eq!(
        workshop,
        json!({"object": "contact", "id": uid, "external_id": null, "first_name": "Grace", "last_name": "Hopper",
               "email": "grace@acme.example", "phone_number": null, "attributes": {}, "urls": {"details": format!("/v1/contacts/{uid}")}})
    );
}

#[test]
fn renamed_in_pylon_attributes_both_ways_and_multi_values() {
    let gw = Gateway::start();
    let id = gw.workshop_create(json!({"external_id": "R-1", "first_name": "Old", "last_name": "Name", "email": "rename@example.com", "attributes": {"office": "Austin"}}));
    let (status, _) = gw.call("PATCH", &format!("/contacts/{id}"), Some(json!({"name": "Mary  Ann Smith", "custom_fields": [{"slug": "regions", "values": ["emea", "apac"]}, {"slug": "team", "value": "Core"}]})));
    assert_eq!(status, 200);

    let grow = gw.get("/api/contacts?search=rename@example.com").1;
    assert_eq!(
        (
            grow["data"][0]["first_name"].clone(),
            grow["data"][0]["last_name"].clone()
        ),
        (json!("Mary"), json!("Ann Smith"))
    );
    let workshop = gw.get(&format!("/v1/contacts/{id}")).1;
    assert_eq!(
        (
            workshop["first_name"].clone(),
            workshop["last_name"].clone()
        ),
        (json!("Mary"), json!("Ann Smith"))
    );
    assert_eq!(
        workshop["attributes"],
        json!({"office": "Austin", "regions": ["emea", "apac"], "team": "Core"})
    );

    let (status, _) = gw.call(
        "PATCH",
        &format!("/v1/contacts/{id}"),
        Some(json!({"attributes": {"office": null, "floor": 4}})),
    );
    assert_eq!(status, 200);
    let pylon = gw.get(&format!("/contacts/{id}")).1;
    assert_eq!(
        pylon["data"]["custom_fields"],
        json!({"floor": {"slug": "floor", "value": "4"}, "regions": {"slug": "regions", "values": ["emea", "apac"]}, "team": {"slug": "team", "value": "Core"}})
    );
    let tagged =
        gw.pylon_search(json!({"field": "regions", "operator": "contains", "values": ["apac"]}));
    assert_eq!(tagged.len(), 1);
}

#[test]
fn a_taken_email_or_external_id_is_refused_by_the_other_dialects() {
    let gw = Gateway::start();
    let (_, client) = gw.call(
        "POST",
        "/api/clients",
        Some(json!({"first_name": "O", "last_name": "O", "email": "owner@acme.example"})),
    );
    let client_id = client["data"]["id"].as_i64().expect("id");
    let taken = "taken@example.com";
    let id = gw.workshop_create(
        json!({"external_id": "T-1", "first_name": "T", "last_name": "One", "email": taken}),
    );

    let (status, grow) = gw.call("POST", "/api/contacts", Some(json!({"first_name": "A", "last_name": "B", "email": "TAKEN@example.com", "clientid": client_id})));
    assert_eq!(
        (status, grow),
        (
            422,
            json!({"message": "The given data was invalid.", "errors": {"email": ["The email has already been taken."]}})
        )
    );
    let (status, pylon) = gw.call(
        "POST",
        "/contacts",
        Some(json!({"name": "A B", "email": taken})),
    );
    assert_eq!(status, 409);
    assert_eq!(
        (pylon["errors"].clone(), pylon["exists_id"].clone()),
        (
            json!(["A contact with this email already exists."]),
            json!(id)
        )
    );

    let grow_uid = {
        let (_, made) = gw.call("POST", "/api/contacts", Some(json!({"first_name": "G", "last_name": "Row", "email": "grow@example.com", "clientid": client_id})));
        assert_eq!(made["data"]["first_name"], "G");
        gw.uid_by_email("grow@example.com")
    };
    let (status, workshop) = gw.call("POST", "/v1/contacts", Some(json!({"external_id": "T-2", "first_name": "W", "last_name": "S", "email": "Grow@example.com"})));
    assert_eq!(
        (status, workshop),
        (422, json!({"error": {"email": ["has already been taken"]}}))
    );
    let (status, pylon) = gw.call(
        "PATCH",
        &format!("/contacts/{grow_uid}"),
        Some(json!({"email": taken})),
    );
    assert_eq!((status, pylon["exists_id"].clone()), (409, json!(id)));

    let (status, pylon) = gw.call(
        "POST",
        "/contacts",
        Some(json!({"name": "X", "external_ids": [{"external_id": "T-1", "label": "w"}]})),
    );
    assert_eq!((status, pylon["exists_id"].clone()), (409, json!(id)));
    let pylon_made = gw
        .call(
            "POST",
            "/contacts",
            Some(json!({"name": "Py", "external_ids": [{"external_id": "P-1", "label": "p"}]})),
        )
        .1;
    assert_eq!(pylon_made["data"]["name"], "Py");
    let (status, workshop) = gw.call("POST", "/v1/contacts", Some(json!({"external_id": "P-1", "first_name": "W", "last_name": "S", "email": "w@example.com"})));
    assert_eq!(
        (status, workshop),
        (
            409,
            json!({"error": "Contact with the same external_id already exists"})
        )
    );
}

#[test]
fn deleted_in_any_dialect_is_gone_from_all_three_and_frees_its_email_and_external_id() {
    let gw = Gateway::start();
    let (_, client) = gw.call(
        "POST",
        "/api/clients",
        Some(json!({"first_name": "O", "last_name": "O", "email": "owner@acme.example"})),
    );
    let client_id = client["data"]["id"].as_i64().expect("id");
    for deleter in ["grow", "pylon", "workshop"] {
        let email = format!("{deleter}@delete.example");
        let external = format!("D-{deleter}");
        let uid = gw.workshop_create(json!({"external_id": external, "first_name": "Del", "last_name": deleter, "email": email}));
        let grow_id = gw.get(&format!("/api/contacts?search={email}")).1["data"][0]["id"]
            .as_i64()
            .expect("grow id");
        let path = match deleter {
            "grow" => format!("/api/contacts/{grow_id}"),
            "pylon" => format!("/contacts/{uid}"),
            _ => format!("/v1/contacts/{uid}"),
        };
        assert_eq!(gw.call("DELETE", &path, None).0, 200, "{deleter}");

        assert_eq!(
            gw.get(&format!("/api/contacts/{grow_id}")).1,
            json!({"message": "Contact not found."}),
            "{deleter}"
        );
        assert_eq!(
            gw.get(&format!("/contacts/{uid}")).1["errors"],
            json!(["Contact not found!"]),
            "{deleter}"
        );
        assert_eq!(
            gw.get(&format!("/v1/contacts/{uid}")).1,
            json!({"error": "Contact with the given ID was not found."}),
            "{deleter}"
        );
        assert_eq!(
            gw.get(&format!("/v1/contacts/{external}?external")).0,
            404,
            "{deleter}"
        );
        assert_eq!(
            gw.get(&format!("/api/contacts?search={email}")).1["meta"]["total"],
            0,
            "{deleter}"
        );
        assert!(
            gw.pylon_search(json!({"field": "email", "operator": "equals", "value": email}))
                .is_empty(),
            "{deleter}"
        );
        let listed = gw.get("/v1/contacts?limit=100").1;
        assert!(
            listed["data"]
                .as_array()
                .expect("data")
                .iter()
                .all(|c| c["id"] != json!(uid)),
            "{deleter}"
        );
        let all = gw.get("/contacts?limit=999").1;
        assert!(
            all["data"]
                .as_array()
                .expect("data")
                .iter()
                .all(|c| c["id"] != json!(uid)),
            "{deleter}"
        );

        // Both are free again, in another dialect.
        let (status, reused) = gw.call("POST", "/api/contacts", Some(json!({"first_name": "Re", "last_name": "Used", "email": email, "clientid": client_id})));
        assert_eq!(status, 201, "{deleter}: {reused}");
        let (status, _) = gw.call("POST", "/contacts", Some(json!({"name": "Re Used", "external_ids": [{"external_id": external, "label": ""}]})));
        assert_eq!(status, 200, "{deleter}");
    }
}

#[test]
fn grow_account_owner_on_a_contact_without_an_account_is_409() {
    let gw = Gateway::start();
    let (_, made) = gw.call(
        "POST",
        "/contacts",
        Some(json!({"name": "No Account", "email": "alone@example.com"})),
    );
    assert_eq!(made["data"]["account"], Value::Null);
    let grow_id = gw.get("/api/contacts?search=alone@example.com").1["data"][0]["id"]
        .as_i64()
        .expect("id");
    let (status, body) = gw.call(
        "PUT",
        &format!("/api/contacts/{grow_id}/account-owner"),
        None,
    );
    assert_eq!(
        (status, body),
        (
            409,
            json!({"message": "The contact does not belong to a client account."})
        )
    );
}

#[test]
fn fifty_parallel_creates_of_one_email_across_the_dialects_let_exactly_one_win() {
    let gw = Arc::new(Gateway::start());
    let (_, client) = gw.call(
        "POST",
        "/api/clients",
        Some(json!({"first_name": "O", "last_name": "O", "email": "owner@race.example"})),
    );
    let client_id = client["data"]["id"].as_i64().expect("id");
    let email = "race@example.com";
    let threads: Vec<_> = (0..50)
        .map(|n| {
            let gw = Arc::clone(&gw);
            std::thread::spawn(move || match n % 3 {
                0 => ("grow", gw.call_until_served("POST", "/api/contacts", json!({"first_name": "G", "last_name": n.to_string(), "email": email, "clientid": client_id}))),
                1 => ("pylon", gw.call_until_served("POST", "/contacts", json!({"name": format!("P {n}"), "email": email}))),
                _ => ("workshop", gw.call_until_served("POST", "/v1/contacts", json!({"external_id": format!("R-{n}"), "first_name": "W", "last_name": n.to_string(), "email": email}))),
            })
        })
        .collect();
    let replies: Vec<(&str, (u16, Value))> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    let winners = replies
        .iter()
        .filter(|(_, (status, _))| matches!(status, 200 | 201))
        .count();
    assert_eq!(winners, 1, "{replies:?}");
    for (dialect, (status, body)) in &replies {
        if matches!(status, 200 | 201) {
            continue;
        }
        match *dialect {
            "grow" => assert_eq!(
                (*status, body),
                (
                    422,
                    &json!({"message": "The given data was invalid.", "errors": {"email": ["The email has already been taken."]}})
                )
            ),
            "pylon" => assert_eq!(
                (*status, &body["errors"]),
                (409, &json!(["A contact with this email already exists."]))
            ),
            _ => assert_eq!(
                (*status, body),
                (
                    422,
                    &json!({"error": {"email": ["has already been taken"]}})
                )
            ),
        }
    }
    assert_eq!(
        gw.get(&format!("/api/contacts?search={email}")).1["meta"]["total"],
        1
    );
}
