//! `Idempotency-Key` through the real binary: a retried write in each dialect gets the first
//! answer back byte for byte, marked `Idempotent-Replayed: true`, and is written once.

use serde_json::{json, Value};

use crate::server::Server;

/// Sends a JSON write with an `Idempotency-Key`; answers (status, replayed?, body text).
fn keyed(
    server: &Server,
    key: &str,
    method: &str,
    path: &str,
    body: &Value,
    idem: &str,
) -> (u16, bool, String) {
    let result = ureq::request(method, &format!("{}{path}", server.base))
        .set("Authorization", &format!("Bearer {key}"))
        .set("Idempotency-Key", idem)
        .send_json(body.clone());
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("{method} {path}: {err}"),
    };
    let status = response.status();
    let replayed = response.header("idempotent-replayed") == Some("true");
    (status, replayed, response.into_string().unwrap_or_default())
}

#[test]
fn retried_writes_are_answered_again_and_written_once() {
    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    let client = server.request(
        "POST",
        "/api/clients",
        Some(&key),
        Some(&json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example"})),
    );
    let writes = [
        (
            "POST",
            "/api/contacts",
            json!({"first_name": "Gus", "last_name": "Grow", "email": "gus@acme.example", "clientid": client.body["data"]["id"]}),
            201,
        ),
        (
            "POST",
            "/contacts",
            json!({"name": "Pat Pylon", "email": "pat@pylon.example"}),
            200,
        ),
        (
            "POST",
            "/v1/contacts",
            json!({"external_id": "W-1", "first_name": "Wes", "last_name": "Shop", "email": "wes@ws.example"}),
            201,
        ),
    ];
    for (index, (method, path, body, status)) in writes.iter().enumerate() {
        let idem = format!("e2e-{index}");
        let first = keyed(&server, &key, method, path, body, &idem);
        let again = keyed(&server, &key, method, path, body, &idem);
        assert_eq!((first.0, first.1), (*status, false), "{path}: {}", first.2);
        assert_eq!((again.0, again.1), (*status, true), "{path}");
        assert_eq!(again.2, first.2, "{path}: byte for byte");
        let other = keyed(&server, &key, method, path, &json!({"other": true}), &idem);
        assert_eq!(other.0, 422, "{path}");
    }
    let listed = server.request("GET", "/api/contacts", Some(&key), None);
    assert_eq!(listed.body["meta"]["total"], 4, "each create happened once");
}
