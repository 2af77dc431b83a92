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

#[test]
fn writes_past_the_queue_bound_are_shed_with_503_and_nothing_half_done() {
    let server = Server::start(&[("CONTACTS__DATABASE__MAX_QUEUED_WRITES", "1")]);
    let key = server.bootstrap_key().expect("key");
    let base = server.base.clone();
    // 32 writes released together. On PostgreSQL a pool of 8 may finish them fast enough that
    // no more than 9 are ever under way at once, so a round that sheds nothing is sent again,
    // up to five rounds: some write must be shed in one of them.
    let mut created = 0;
    let mut shed_any = false;
    for round in 0..5 {
        let start = std::sync::Barrier::new(32);
        let outcomes: Vec<(u16, Option<String>, serde_json::Value)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..32)
                    .map(|n| {
                        let (base, key, start) = (base.clone(), key.clone(), &start);
                        scope.spawn(move || {
                            let body = serde_json::json!({"name": format!("Shed {round} {n}"), "email": format!("shed{round}-{n}@example.com")});
                            let request = ureq::post(&format!("{base}/contacts"))
                                .set("Authorization", &format!("Bearer {key}"));
                            start.wait();
                            let response = match request.send_json(body) {
                                Ok(response) | Err(ureq::Error::Status(_, response)) => response,
                                Err(err) => panic!("{err}"),
                            };
                            let status = response.status();
                            let retry = response.header("retry-after").map(str::to_owned);
                            let body = response.into_json().unwrap_or_default();
                            (status, retry, body)
                        })
                    })
                    .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("thread"))
                .collect()
        });
        let shed: Vec<_> = outcomes
            .iter()
            .filter(|(status, ..)| *status == 503)
            .collect();
        let accepted = outcomes
            .iter()
            .filter(|(status, ..)| *status == 200)
            .count();
        assert_eq!(accepted + shed.len(), 32, "only 200 or 503: {outcomes:?}");
        for (_, retry, body) in &shed {
            assert_eq!(retry.as_deref(), Some("1"));
            assert_eq!(
                body["errors"],
                serde_json::json!(["Server busy, nothing was changed; retry later"])
            );
        }
        created += accepted;
        if !shed.is_empty() {
            shed_any = true;
            break;
        }
    }
    assert!(shed_any, "rounds of 32 writes at once pass a bound of one");
    let listed = server.request("GET", "/api/contacts?limit=100", Some(&key), None);
    assert_eq!(
        listed.body["meta"]["total"].as_u64(),
        Some(created as u64),
        "every acknowledged write is there, and no shed one"
    );
}

/// A small tmpfs of its own, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` where this process may not mount (not root).
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .ok()?;
        mounted.success().then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_answers_507_and_readyz_503_until_space_returns() {
    let Some(disk) = SmallDisk::mount(8) else {
        eprintln!("skipped: mounting a tmpfs needs root (CI runs as root)");
        return;
    };
    let server = Server::start_in_existing(disk.dir.path(), &[]);
    let key = server.bootstrap_key().expect("key");
    let create = |n: usize| {
        server.request(
            "POST",
            "/v1/contacts",
            Some(&key),
            Some(&serde_json::json!({
                "external_id": format!("disk-{n}"), "first_name": "Disk", "last_name": format!("Filler {n}"),
                "email": format!("disk{n}@example.com"), "attributes": {"note": "x".repeat(3000)}
            })),
        )
    };
    assert_eq!(create(0).status, 201);
    // Take every byte that is left.
    let filler = disk.dir.path().join("filler");
    {
        let mut file = std::fs::File::create(&filler).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.sync_all();
    }
    let mut refused = None;
    for n in 1..200 {
        let reply = create(n);
        assert_ne!(reply.status, 500, "never a 500: {}", reply.body);
        if reply.status == 507 {
            refused = Some(reply);
            break;
        }
    }
    let refused = refused.expect("a write fails once the disk is full");
    assert_eq!(
        refused.body,
        serde_json::json!({"error": "The server is out of storage space. Nothing was changed; try again later."})
    );
    let ready = server.request("GET", "/readyz", None, None);
    assert_eq!(ready.status, 503, "not ready while writes fail");

    std::fs::remove_file(&filler).expect("free the space");
    let ready = server.request("GET", "/readyz", None, None);
    assert_eq!(ready.status, 200, "ready again once a write can succeed");
    assert_eq!(create(1000).status, 201, "writes resume by themselves");
    drop(server);
}
