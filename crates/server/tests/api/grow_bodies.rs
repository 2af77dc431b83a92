//! Grow bodies as PHP, Laravel and Python clients send them: `http_build_query`'s indexed
//! arrays, `tags[]`, and `multipart/form-data`, on every write.

use actix_web::http::{Method, StatusCode};
use serde_json::json;

use crate::grow::{client, contact, message};
use crate::support::start;

const BOUNDARY: &str = "----PhpCurlBoundary7MA4YWxkTrZu0gW";

/// A multipart body of text parts, as PHP's curl writes it for `CURLOPT_POSTFIELDS => [..]`;
/// a part with a file name is written as Python's `requests.post(files=...)` does.
fn multipart(parts: &[(&str, &str, Option<&str>)]) -> String {
    let mut body = String::new();
    for (name, value, file_name) in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match file_name {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

#[actix_web::test]
async fn indexed_arrays_from_http_build_query_are_lists() {
    let app = start().await;
    let reply = app
        .post_form(
            "/api/clients",
            "first_name=Olive&last_name=Owner&email=olive%40acme.example&tags%5B0%5D=vip&tags%5B1%5D=eu&tags%5B2%5D=retainer",
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["data"]["tags"], json!(["vip", "eu", "retainer"]));
    let id = reply.body["data"]["id"].as_i64().expect("id");
    let updated = app
        .patch_form(
            &format!("/api/clients/{id}"),
            "client_company_name=Acme&tags[0]=one&tags[1]=two",
        )
        .await;
    assert_eq!(updated.body["data"]["tags"], json!(["one", "two"]));
    let bracketed = app
        .patch_form(
            &format!("/api/clients/{id}"),
            "client_company_name=Acme&tags%5B%5D=three",
        )
        .await;
    assert_eq!(bracketed.body["data"]["tags"], json!(["three"]));
}

#[actix_web::test]
async fn multipart_bodies_work_on_every_grow_write() {
    let app = start().await;
    let created = app
        .send_body(
            Method::POST,
            "/api/clients",
            &multipart_type(),
            multipart(&[
                ("first_name", "Olive", None),
                ("last_name", "Owner", None),
                ("email", "olive@acme.example", None),
                ("client_company_name", "Acme Inc", None),
                ("tags[]", "vip", None),
                ("tags[]", "eu", None),
            ]),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["data"]["company_name"], "Acme Inc");
    assert_eq!(created.body["data"]["tags"], json!(["vip", "eu"]));
    let client_id = created.body["data"]["id"].as_i64().expect("id");

    // Python's requests names every `files=` part a file; each is still a field.
    let person = app
        .send_body(
            Method::POST,
            "/api/contacts",
            &multipart_type(),
            multipart(&[
                ("first_name", "Jane", Some("first_name")),
                ("last_name", "Doe", Some("last_name")),
                ("email", "jane@acme.example", Some("email")),
                ("clientid", &client_id.to_string(), Some("clientid")),
                ("phone", "+1 555 0100", None),
            ]),
        )
        .await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.text);
    assert_eq!(person.body["data"]["name"], "Jane Doe");
    assert_eq!(person.body["data"]["phone"], "+1 555 0100");
    let id = person.body["data"]["id"].as_i64().expect("id");

    let patched = app
        .send_body(
            Method::PATCH,
            &format!("/api/contacts/{id}"),
            &multipart_type(),
            multipart(&[
                ("first_name", "Janet", None),
                ("last_name", "Doe", None),
                ("email", "janet@acme.example", None),
            ]),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.body["data"]["email"], "janet@acme.example");
    assert_eq!(patched.body["data"]["phone"], "+1 555 0100");

    let tagged = app
        .send_body(
            Method::PUT,
            &format!("/api/clients/{client_id}/tags"),
            &multipart_type(),
            multipart(&[("tags[0]", "gold", None)]),
        )
        .await;
    assert_eq!(tagged.body["data"]["tags"], json!(["gold"]));
    let status = app
        .send_body(
            Method::PUT,
            &format!("/api/clients/{client_id}/status"),
            &multipart_type(),
            multipart(&[("status", "suspended", None)]),
        )
        .await;
    assert_eq!(status.body["data"]["status"], "suspended");
    let owner = app
        .send_body(
            Method::PUT,
            &format!("/api/clients/{client_id}/owner"),
            &multipart_type(),
            multipart(&[("owner", &id.to_string(), None)]),
        )
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);
    assert_eq!(owner.body["data"]["owner"]["id"], id);
}

#[actix_web::test]
async fn broken_multipart_is_refused_in_each_dialects_shape() {
    let app = start().await;
    let acme = client(&app, "Acme Inc", "olive@acme.example").await;
    contact(
        &app,
        acme["id"].as_i64().expect("id"),
        "Jane",
        "Doe",
        "j@acme.example",
    )
    .await;
    let no_boundary = app
        .send_body(Method::POST, "/api/contacts", "multipart/form-data", "x")
        .await;
    assert_eq!(
        (no_boundary.status, no_boundary.body),
        (
            StatusCode::BAD_REQUEST,
            message("The request body is not valid JSON or form data.")
        )
    );
    let cut_short = app
        .send_body(
            Method::POST,
            "/api/contacts",
            &multipart_type(),
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\nJa"
            ),
        )
        .await;
    assert_eq!(cut_short.status, StatusCode::BAD_REQUEST);
    let not_utf8 = app
        .send_body(
            Method::POST,
            "/api/contacts",
            &multipart_type(),
            [
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\n"
                )
                .into_bytes(),
                vec![0xff, 0xfe],
                format!("\r\n--{BOUNDARY}--\r\n").into_bytes(),
            ]
            .concat(),
        )
        .await;
    assert_eq!(
        not_utf8.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_utf8.text
    );
    // Pylon and Workshop read JSON only.
    let pylon = app
        .send_body(
            Method::POST,
            "/contacts",
            &multipart_type(),
            multipart(&[("name", "Jane", None)]),
        )
        .await;
    assert_eq!(pylon.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        pylon.body["errors"],
        json!(["Content-Type must be application/json"])
    );
}
