//! Webhooks through the real binary: a receiver written for this test fails the first
//! deliveries and verifies every signature; the gateway is killed (`kill -9`) and started
//! again in between; after deduplication by `webhook-id` the receiver has seen every event
//! exactly once, in commit order.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contacts_core::FeedPosition;
use serde_json::{json, Value};

use crate::server::{run_command, Server, Site};

/// One delivery as received: the three Standard Webhooks headers and the body.
#[derive(Debug, Clone)]
struct Delivery {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// Receives POSTs on a free loopback port; answers 500 to the first `fail` of them.
fn receiver(fail: usize) -> (u16, Arc<Mutex<Vec<Delivery>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::clone(&received);
    std::thread::spawn(move || {
        let mut seen = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let Some(delivery) = read_request(&mut stream) else {
                continue;
            };
            seen += 1;
            let status = if seen <= fail {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            shared.lock().expect("lock").push(delivery);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (port, received)
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Delivery> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut headers = BTreeMap::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Delivery {
        id: headers.get("webhook-id")?.clone(),
        timestamp: headers.get("webhook-timestamp")?.clone(),
        signature: headers.get("webhook-signature")?.clone(),
        body: String::from_utf8(body).ok()?,
    })
}

/// Deliveries with distinct `webhook-id`s, in the order first received.
fn distinct(received: &Mutex<Vec<Delivery>>) -> Vec<Delivery> {
    let mut seen: Vec<Delivery> = Vec::new();
    for delivery in received.lock().expect("lock").iter() {
        if !seen.iter().any(|earlier| earlier.id == delivery.id) {
            seen.push(delivery.clone());
        }
    }
    seen
}

fn wait_for(received: &Mutex<Vec<Delivery>>, count: usize) -> Vec<Delivery> {
    // A killed sender's lease (12 s) must run out before its endpoint is sent to again.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = distinct(received);
        if seen.len() >= count {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} events arrived",
            seen.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn every_event_arrives_signed_exactly_once_after_deduplication_across_a_kill() {
    let (port, received) = receiver(3);
    let site = Site::new();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (status, out, err) = run_command(
        site.path(),
        &[],
        &[
            "webhooks",
            "add",
            "--url",
            &url,
            "--events",
            "contact.created,contact.deleted",
        ],
    );
    assert!(status.success(), "{err}");
    let mut lines = out.lines();
    let id = lines.next().expect("id").to_owned();
    let secret = lines.next().expect("secret").to_owned();
    assert!(
        id.starts_with("ep_") && secret.starts_with("whsec_"),
        "{out}"
    );

    let env = [("CONTACTS__WEBHOOKS__RETRY_SCHEDULE_SECS", "[1, 1, 1, 1, 1]")];
    let server = Server::start_in(site, &env);
    let key = server.bootstrap_key().expect("key");
    let mut uids = Vec::new();
    for name in ["Ann One", "Bob Two", "Cy Three"] {
        let reply = server.request(
            "POST",
            "/contacts",
            Some(&key),
            Some(&json!({"name": name})),
        );
        assert_eq!(reply.status, 200);
        uids.push(reply.body["data"]["id"].as_str().expect("uid").to_owned());
    }
    // An update is not a type this endpoint asked for.
    let reply = server.request(
        "PATCH",
        &format!("/contacts/{}", uids[0]),
        Some(&key),
        Some(&json!({"name": "Ann Uno"})),
    );
    assert_eq!(reply.status, 200);
    // The first deliveries fail; kill the gateway while it retries, and start it again.
    let deadline = Instant::now() + Duration::from_secs(20);
    while received.lock().expect("lock").is_empty() {
        assert!(Instant::now() < deadline, "nothing was delivered");
        std::thread::sleep(Duration::from_millis(50));
    }
    let site = server.stop().expect("site");
    let server = Server::start_in(site, &env);
    let reply = server.request(
        "DELETE",
        &format!("/contacts/{}", uids[1]),
        Some(&key),
        None,
    );
    assert_eq!(reply.status, 200);

    let seen = wait_for(&received, 4);
    std::thread::sleep(Duration::from_millis(1500));
    let seen_after = distinct(&received);
    assert_eq!(seen_after.len(), 4, "nothing more than the four events");
    for delivery in received.lock().expect("lock").iter() {
        let timestamp: i64 = delivery.timestamp.parse().expect("timestamp");
        let expected =
            contacts_gateway::webhooks::signature(&secret, &delivery.id, timestamp, &delivery.body);
        assert_eq!(Some(delivery.signature.clone()), expected, "{delivery:?}");
    }
    let bodies: Vec<Value> = seen
        .iter()
        .map(|delivery| serde_json::from_str(&delivery.body).expect("json"))
        .collect();
    let summary: Vec<(String, String)> = bodies
        .iter()
        .map(|body| {
            (
                body["type"].as_str().unwrap_or("").to_owned(),
                body["data"]["id"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("contact.created".to_owned(), uids[0].clone()),
            ("contact.created".to_owned(), uids[1].clone()),
            ("contact.created".to_owned(), uids[2].clone()),
            ("contact.deleted".to_owned(), uids[1].clone()),
        ]
    );
    // Commit order: the feed positions their ids name count up.
    let positions: Vec<FeedPosition> = seen
        .iter()
        .map(|delivery| FeedPosition::from_cursor(&delivery.id).expect("an event id"))
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "{positions:?}"
    );

    let site = server.stop().expect("site");
    let (status, listed, err) = run_command(site.path(), &[], &["webhooks", "list"]);
    assert!(status.success(), "{err}");
    assert_eq!(
        listed.trim(),
        format!("{id}\t{url}\tcontact.created,contact.deleted\tbacklog 0\tfailed 0\tlast error answered 500")
    );
    let (status, _, _) = run_command(site.path(), &[], &["webhooks", "remove", &id]);
    assert!(status.success());
    let (status, _, err) = run_command(site.path(), &[], &["webhooks", "remove", &id]);
    assert!(!status.success());
    assert!(err.contains("no webhook endpoint has the id"), "{err}");
}
