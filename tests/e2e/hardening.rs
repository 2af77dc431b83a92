//! What a hostile or careless client cannot do to the real server: hold a connection with a
//! body that never arrives, flood it past a key's rate limit, or get a secret into the log.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::server::Server;

/// Sends the headers of a POST whose body is declared but arrives a byte at a time.
fn trickle(server: &Server, key: &str, path: &str) -> (String, Duration) {
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{{"
    )
    .expect("send the headers");
    let started = Instant::now();
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    while started.elapsed() < Duration::from_secs(15) {
        // One byte each half second: far slower than the body's deadline allows.
        if stream.write_all(b" ").is_err() {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => response.extend_from_slice(&buffer[..read]),
            Err(_) => {}
        }
        if !response.is_empty() && response.windows(4).any(|w| w == b"\r\n\r\n") {
            // The head is in; give the body a moment, then stop.
            std::thread::sleep(Duration::from_millis(100));
            if let Ok(read) = stream.read(&mut buffer) {
                response.extend_from_slice(&buffer[..read]);
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    (
        String::from_utf8_lossy(&response).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_body_that_trickles_in_is_cut_off_with_408_in_each_dialects_shape() {
    let server = Server::start(&[("CONTACTS__SERVER__BODY_TIMEOUT_SECS", "2")]);
    let key = server.bootstrap_key().expect("key");
    for (path, body) in [
        (
            "/api/contacts",
            r#"{"message":"The request body did not arrive in time."}"#,
        ),
        (
            "/v1/contacts",
            r#"{"error":"The request body did not arrive in time."}"#,
        ),
        (
            "/contacts",
            r#"{"errors":["Request body not received in time"],"#,
        ),
    ] {
        let (response, took) = trickle(&server, &key, path);
        assert!(
            response.starts_with("HTTP/1.1 408 Request Timeout"),
            "{path}: {response}"
        );
        assert!(response.contains(body), "{path}: {response}");
        assert!(
            took >= Duration::from_millis(1500) && took < Duration::from_secs(10),
            "{path}: cut after {took:?}"
        );
    }
}

#[test]
fn query_values_never_reach_the_log() {
    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    let email = "jane.secret@example.com";
    let listed = server.request(
        "GET",
        &format!("/api/contacts?api_key={key}&search={email}&limit=5"),
        Some(&key),
        None,
    );
    assert_eq!(listed.status, 200);
    let (_, log) = server.terminate();
    assert!(
        log.contains("\"GET /api/contacts?api_key=…&search=…&limit=…\" 200"),
        "the path and the parameter names are logged: {log}"
    );
    assert!(!log.contains(&key), "the key is not logged: {log}");
    assert!(
        !log.contains("jane.secret"),
        "the email is not logged: {log}"
    );
}
