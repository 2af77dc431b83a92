//! Running it like a service: Prometheus metrics after known requests, JSON log lines, metrics
//! on an address of their own.

use crate::server::{free_port, Server, Site};

fn metrics_text(base: &str) -> String {
    ureq::get(&format!("{base}/metrics"))
        .call()
        .expect("metrics answer without a key")
        .into_string()
        .expect("text")
}

#[test]
fn metrics_count_known_requests_by_route_template_without_contact_data() {
    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    let created = server.request(
        "POST",
        "/v1/contacts",
        Some(&key),
        Some(
            &serde_json::json!({"external_id": "m-1", "first_name": "Metric", "last_name": "Person",
                                 "email": "metric.person@example.com"}),
        ),
    );
    assert_eq!(created.status, 201);
    let listed = server.request("GET", "/v1/contacts", Some(&key), None);
    let uid = listed.body["data"][0]["id"]
        .as_str()
        .expect("uid")
        .to_owned();
    for _ in 0..3 {
        assert_eq!(
            server
                .request("GET", &format!("/v1/contacts/{uid}"), Some(&key), None)
                .status,
            200
        );
    }
    assert_eq!(
        server
            .request("GET", "/api/contacts/999999", Some(&key), None)
            .status,
        404
    );
    // The same first page again, answered from memory once the first read remembered it.
    for _ in 0..3 {
        let again = server.request("GET", "/v1/contacts", Some(&key), None);
        assert_eq!(again.body, listed.body);
    }

    let text = metrics_text(&server.base);
    for line in [
        "http_server_request_duration_seconds_count{dialect=\"workshop\",method=\"GET\",route=\"/v1/contacts/{id}\",status=\"200\"} 3",
        "http_server_request_duration_seconds_count{dialect=\"workshop\",method=\"POST\",route=\"/v1/contacts\",status=\"201\"} 1",
        "http_server_request_duration_seconds_count{dialect=\"grow\",method=\"GET\",route=\"/api/contacts/{id}\",status=\"404\"} 1",
        "contacts_gateway_contacts 1",
        "contacts_gateway_write_batch_size_count",
        "contacts_gateway_contact_cache_hits_total",
        "contacts_gateway_contact_cache_misses_total",
        "contacts_gateway_page_memory_misses_total",
        "contacts_gateway_rate_limited_total 0",
        "contacts_gateway_build_info{version=\"",
    ] {
        assert!(text.contains(line), "missing {line}\n{text}");
    }
    let hits: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("contacts_gateway_contact_cache_hits_total "))
        .and_then(|value| value.parse().ok())
        .expect("hits");
    assert!(hits >= 1, "a repeated get is answered from memory: {text}");
    let page_hits: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("contacts_gateway_page_memory_hits_total "))
        .and_then(|value| value.parse().ok())
        .expect("page hits");
    assert!(
        page_hits >= 1,
        "a repeated page is answered from memory: {text}"
    );
    for private in [uid.as_str(), "metric.person", "m-1", key.as_str()] {
        assert!(!text.contains(private), "{private} is not a label");
    }
}

#[test]
fn json_logs_are_one_object_per_request_line() {
    let server = Server::start(&[("CONTACTS__LOG__FORMAT", "json")]);
    let key = server.bootstrap_key().expect("key");
    assert_eq!(
        server
            .request(
                "GET",
                "/api/contacts?search=someone@example.com",
                Some(&key),
                None
            )
            .status,
        200
    );
    let (_, log) = server.terminate();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let request = lines
        .iter()
        .find(|line| line["route"] == "/api/contacts")
        .expect("a request line");
    assert_eq!(request["status"], 200);
    assert_eq!(request["dialect"], "grow");
    assert_eq!(request["key"], "bootstrap");
    assert_eq!(request["level"], "INFO");
    assert!(request["request_id"].is_string());
    assert!(request["duration_ms"].is_number());
    assert!(request["time"].is_string());
    assert_eq!(request["request"], "GET /api/contacts?search=…");
    assert!(!log.contains("someone@example.com"));
}

#[test]
fn metrics_can_move_to_an_address_of_their_own() {
    let port = free_port();
    let server = Server::start(&[("CONTACTS__METRICS__BIND", &format!("127.0.0.1:{port}"))]);
    assert_not_served_on_the_main_listener(&server);
    let text = metrics_text(&format!("http://127.0.0.1:{port}"));
    assert!(text.contains("contacts_gateway_build_info"), "{text}");
    let (status, _) = server.terminate();
    assert!(status.success(), "both listeners stop on SIGTERM");
}

#[test]
fn metrics_can_be_switched_off() {
    let server = Server::start(&[("CONTACTS__METRICS__ENABLED", "false")]);
    assert_not_served_on_the_main_listener(&server);
}

/// Pylon, mounted at the root, answers the path as one of its own it does not have.
fn assert_not_served_on_the_main_listener(server: &Server) {
    let key = server.bootstrap_key().expect("key");
    let reply = server.request("GET", "/metrics", Some(&key), None);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["errors"], serde_json::json!(["Not found"]));
}

#[test]
fn a_backup_taken_under_writes_serves_every_write_acknowledged_before_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    // `backup` copies SQLite files; PostgreSQL's answer is the next test.
    let server = Server::start_in(Site::sqlite(), &[]);
    let key = server.bootstrap_key().expect("key");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|writer| {
            let (base, key) = (server.base.clone(), key.clone());
            let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Acquire) && n < 5000 {
                    n += 1;
                    let external_id = format!("b-{writer}-{n}");
                    let reply = ureq::post(&format!("{base}/v1/contacts"))
                        .set("Authorization", &format!("Bearer {key}"))
                        .send_json(
                            serde_json::json!({"external_id": external_id, "first_name": "Backup",
                            "last_name": "Load", "email": format!("{external_id}@example.com")}),
                        );
                    if matches!(reply, Ok(ref response) if response.status() == 201) {
                        acknowledged.lock().expect("lock").push(external_id);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before: Vec<String> = acknowledged.lock().expect("lock").clone();
    assert!(!before.is_empty(), "writes are flowing");
    let (status, stdout, stderr) =
        crate::server::run_command(&server.path(), &[], &["backup", "copy.db"]);
    stop.store(true, Ordering::Release);
    for writer in writers {
        writer.join().expect("writer");
    }
    assert!(status.success(), "{stderr}");
    assert!(
        stdout.starts_with("backup copy.db: ") && stdout.trim_end().ends_with("integrity ok"),
        "{stdout}"
    );
    let (status, _, stderr) =
        crate::server::run_command(&server.path(), &[], &["backup", "copy.db"]);
    assert!(
        !status.success() && stderr.contains("exists already"),
        "{stderr}"
    );

    // A server on the copy serves every write acknowledged before the backup began.
    let restored_dir = Site::sqlite();
    std::fs::create_dir_all(restored_dir.path().join("data")).expect("data dir");
    std::fs::copy(
        server.path().join("copy.db"),
        restored_dir.path().join("data/contacts.db"),
    )
    .expect("restore");
    drop(server);
    let restored = Server::start_in(restored_dir, &[]);
    for external_id in &before {
        let reply = restored.request(
            "GET",
            &format!("/v1/contacts/{external_id}?external=true"),
            Some(&key),
            None,
        );
        assert_eq!(
            reply.status, 200,
            "{external_id} was acknowledged before the backup"
        );
    }
}

#[test]
fn backup_on_postgresql_points_to_pg_dump_and_writes_nothing() {
    let Some(site) = Site::postgres() else {
        return;
    };
    let (status, stdout, stderr) =
        crate::server::run_command(site.path(), &[], &["backup", "copy.db"]);
    assert!(!status.success(), "{stdout}");
    assert!(
        stderr.contains(
            "contacts-gateway backup copies SQLite files; back up PostgreSQL with pg_dump"
        ),
        "{stderr}"
    );
    assert!(!site.path().join("copy.db").exists());
}

#[test]
fn the_gateway_serves_https_with_a_certificate_made_now() {
    use std::sync::Arc;

    let dir = tempfile::tempdir().expect("temp dir");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let cert_pem = made.cert.pem();
    std::fs::write(dir.path().join("cert.pem"), &cert_pem).expect("cert file");
    std::fs::write(dir.path().join("key.pem"), made.signing_key.serialize_pem()).expect("key");

    let port = free_port();
    let mut child = std::process::Command::new(crate::server::BINARY)
        .current_dir(dir.path())
        .env("CONTACTS__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("CONTACTS__SERVER__WORKERS", "1")
        .env("CONTACTS__SERVER__TLS_CERT", "cert.pem")
        .env("CONTACTS__SERVER__TLS_KEY", "key.pem")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().expect("stdout");
    let _guard = Kill(child);

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(made.cert.der().clone())
        .expect("trust the certificate");
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let agent = ureq::AgentBuilder::new()
        .tls_config(Arc::new(client))
        .build();

    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let key = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.starts_with("cgw_"))
        .expect("a bootstrap key");
    let start = lines
        .map_while(Result::ok)
        .find(|line| line.starts_with("contacts-gateway listening on "))
        .expect("a start line");
    assert!(
        start.starts_with(&format!(
            "contacts-gateway listening on https://127.0.0.1:{port};"
        )),
        "{start}"
    );
    let base = format!("https://localhost:{port}");
    let reply = agent
        .get(&format!("{base}/api/contacts"))
        .set("Authorization", &format!("Bearer {key}"))
        .call()
        .expect("a request over TLS");
    assert_eq!(reply.status(), 200);
    let body: serde_json::Value = reply.into_json().expect("JSON");
    assert_eq!(body["meta"]["total"], 0);
    // Plain HTTP on the same port is not answered as HTTP.
    let plain = ureq::get(&format!("http://127.0.0.1:{port}/healthz")).call();
    assert!(plain.is_err(), "plain HTTP is refused on a TLS listener");
}
