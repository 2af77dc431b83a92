//! Running it like a service: Prometheus metrics after known requests, JSON log lines, metrics
//! on an address of their own.

use crate::server::{free_port, Server};

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

    let text = metrics_text(&server.base);
    for line in [
        "http_server_request_duration_seconds_count{dialect=\"workshop\",method=\"GET\",route=\"/v1/contacts/{id}\",status=\"200\"} 3",
        "http_server_request_duration_seconds_count{dialect=\"workshop\",method=\"POST\",route=\"/v1/contacts\",status=\"201\"} 1",
        "http_server_request_duration_seconds_count{dialect=\"grow\",method=\"GET\",route=\"/api/contacts/{id}\",status=\"404\"} 1",
        "contacts_gateway_contacts 1",
        "contacts_gateway_write_batch_size_count",
        "contacts_gateway_contact_cache_hits_total",
        "contacts_gateway_contact_cache_misses_total",
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
