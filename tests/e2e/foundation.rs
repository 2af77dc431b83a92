//! The binary as a newcomer meets it: first start, keys on the command line, logs, shutdown.

use serde_json::json;

use crate::server::{run_command, Server, Site};

#[test]
fn first_start_mints_a_key_serves_and_stops_gracefully() {
    let server = Server::start(&[]);
    let on_sqlite = server.site().is_some_and(Site::is_sqlite);
    assert_eq!(
        server.path().join("data/contacts.db").is_file(),
        on_sqlite,
        "the default database is created, and no SQLite file beside PostgreSQL"
    );
    let key = server.bootstrap_key().expect("a bootstrap key is printed");
    assert!(contacts_core::auth::is_well_formed(&key), "{key}");

    let health = server.request("GET", "/healthz", None, None);
    assert_eq!((health.status, health.body), (200, json!({"status": "ok"})));
    assert_eq!(server.request("GET", "/readyz", None, None).status, 200);

    let denied = server.request("GET", "/api/contacts", None, None);
    assert_eq!(denied.status, 401);
    assert_eq!(
        denied.body,
        json!({"message": "Unauthorized. A valid API key is required."})
    );
    assert!(denied.request_id.is_some());

    let client = server.request(
        "POST",
        "/api/clients",
        Some(&key),
        Some(&json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example"})),
    );
    assert_eq!(client.status, 201, "{}", client.body);
    let listed = server.request("GET", "/api/contacts", Some(&key), None);
    assert_eq!(listed.body["meta"]["total"], 1);

    let (status, log) = server.terminate();
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    assert!(log.contains("/api/contacts"), "requests are logged");
    assert!(!log.contains(&key), "the key never reaches the log");
}

#[test]
fn keys_from_the_command_line_on_a_brand_new_database() {
    let dir = Site::new();
    let (status, stdout, _) = run_command(
        dir.path(),
        &[],
        &["keys", "create", "--name", "ci", "--read-only"],
    );
    assert!(status.success());
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the key, alone: {stdout:?}");
    let reader = lines[0].to_owned();
    assert!(contacts_core::auth::is_well_formed(&reader));
    let (_, writer_out, _) = run_command(dir.path(), &[], &["keys", "create", "--name", "writer"]);
    let writer = writer_out.trim().to_owned();
    let (status, _, stderr) = run_command(dir.path(), &[], &["keys", "create", "--name", "ci"]);
    assert!(!status.success());
    assert!(stderr.contains("already exists"), "{stderr}");

    let (_, listing, _) = run_command(dir.path(), &[], &["keys", "list"]);
    assert!(
        listing
            .lines()
            .any(|line| line.starts_with("ci\tread-only\tcreated ")
                && line.ends_with("\tactive\tdefault limit")),
        "{listing}"
    );
    let (status, _, _) = run_command(
        dir.path(),
        &[],
        &[
            "keys",
            "create",
            "--name",
            "metered",
            "--rate-limit",
            "5",
            "--burst",
            "10",
        ],
    );
    assert!(status.success());
    let (status, _, stderr) = run_command(
        dir.path(),
        &[],
        &["keys", "create", "--name", "nought", "--rate-limit", "0"],
    );
    assert!(!status.success(), "a limit of 0 is refused: {stderr}");
    let (_, listing, _) = run_command(dir.path(), &[], &["keys", "list"]);
    assert!(
        listing
            .lines()
            .any(|line| line.starts_with("metered\tread-write\t")
                && line.ends_with("\tactive\t5/s burst 10")),
        "{listing}"
    );
    assert!(!listing.contains(&reader));

    let server = Server::start_in(dir, &[]);
    assert!(
        server.bootstrap_key().is_none(),
        "no bootstrap key when keys exist"
    );
    assert_eq!(
        server
            .request("GET", "/api/contacts", Some(&reader), None)
            .status,
        200
    );
    let write = server.request("POST", "/api/contacts", Some(&reader), Some(&json!({})));
    assert_eq!(
        (write.status, write.body),
        (403, json!({"message": "This API key is read-only."}))
    );
    assert_eq!(
        server
            .request("POST", "/api/contacts", Some(&writer), Some(&json!({})))
            .status,
        422
    );

    let (status, revoked, _) = run_command(&server.path(), &[], &["keys", "revoke", "ci"]);
    assert!(status.success());
    assert!(revoked.contains("revoked"));
    // The store's watcher sees the revocation within 10 ms; allow it a few looks.
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(
        server
            .request("GET", "/api/contacts", Some(&reader), None)
            .status,
        401
    );
    let (status, _, stderr) = run_command(&server.path(), &[], &["keys", "revoke", "nobody"]);
    assert!(!status.success());
    assert!(stderr.contains("no key is named"), "{stderr}");
}

#[test]
fn migrate_creates_the_configured_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (status, stdout, _) = run_command(
        dir.path(),
        &[("CONTACTS__DATABASE__URL", "elsewhere/x.db")],
        &["migrate"],
    );
    assert!(status.success());
    assert!(stdout.contains("up to date"));
    assert!(dir.path().join("elsewhere/x.db").is_file());
}

#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    use std::io::{Read, Write};
    use std::time::Duration;

    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    let body = r#"{"first_name": "Half", "last_name": "Way", "email": "half@example.com"}"#;
    let (head, tail) = body.split_at(20);
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        stream,
        "POST /api/contacts HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    )
    .expect("send the first half");
    std::thread::sleep(Duration::from_millis(300));
    server.send_sigterm();
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(tail.as_bytes()).expect("send the rest");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    let log = server.stderr.lock().expect("lock").clone();
    assert!(response.starts_with("HTTP/1.1 422"), "{response}\n{log}");
    assert!(
        response.contains("The clientid field is required."),
        "{response}"
    );
    let (status, _) = server.wait_for_exit();
    assert!(status.success());
}

#[test]
fn a_busy_port_names_the_address_and_keeps_the_first_key_for_the_next_start() {
    let dir = Site::new();
    let occupied = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let address = occupied.local_addr().expect("address").to_string();
    let (status, stdout, stderr) = run_command(
        dir.path(),
        &[("CONTACTS__SERVER__BIND", &address)],
        &["serve"],
    );
    assert!(!status.success(), "a busy port stops the start");
    assert!(
        stderr.contains(&format!("error: cannot listen on {address}: "))
            && stderr.contains("CONTACTS__SERVER__BIND"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("cgw_") && !stdout.contains("bootstrap"),
        "no key is minted before the address is bound: {stdout}"
    );
    drop(occupied);

    let server = Server::start_in(dir, &[]);
    let key = server
        .bootstrap_key()
        .expect("the first start that listens prints the key");
    assert_eq!(
        server
            .request("GET", "/api/contacts", Some(&key), None)
            .status,
        200
    );
}

#[test]
fn the_start_line_says_backend_database_address_source_and_mounts() {
    let server = Server::start(&[
        ("CONTACTS__SYNC__SOURCE", "bamboohr"),
        ("CONTACTS__DIALECTS__PYLON__ENABLED", "false"),
        ("CONTACTS__DIALECTS__WORKSHOP__PREFIX", "/ws"),
    ]);
    let database = match server.site().and_then(Site::postgres_url) {
        // The test cluster's URL has no password to hide.
        Some(url) => format!("backend postgres, database {url}"),
        None => format!(
            "backend sqlite, database {} \
             (the relative path data/contacts.db resolved against the working directory)",
            server.path().join("data/contacts.db").display()
        ),
    };
    let address = server.base.trim_start_matches("http://").to_owned();
    let expected = format!(
        "contacts-gateway listening on http://{address}; {database}; \
         sync source bamboohr; dialects: grow at /api, pylon off, workshop at /ws/v1; \
         welcome emails stay queued ([email] smtp_url is not set)"
    );
    // stdout is read on a thread of its own: give it a moment to catch up.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let lines = server.stdout.lock().expect("lock").clone();
        if lines.contains(&expected) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{lines:#?}\nwanted {expected}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
