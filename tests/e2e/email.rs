//! Welcome emails delivered through SMTP: a small SMTP server on loopback, written for this
//! test, refuses the first connection (a temporary failure) and takes the next; the gateway
//! retries and delivers, off the request path.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::server::Server;

/// The messages an SMTP conversation delivered, and how many connections it saw.
#[derive(Default)]
struct Sink {
    messages: Vec<String>,
    connections: usize,
}

/// Serves SMTP on a free loopback port until the test ends; refuses the first `refuse`
/// connections with 421.
fn smtp_sink(refuse: usize) -> (u16, Arc<Mutex<Sink>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let sink = Arc::new(Mutex::new(Sink::default()));
    let shared = Arc::clone(&sink);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = {
                let mut sink = shared.lock().expect("lock");
                sink.connections += 1;
                sink.connections
            };
            if seen <= refuse {
                let _ = stream.write_all(b"421 sink busy, try later\r\n");
                continue;
            }
            let _ = converse(&mut stream, &shared);
        }
    });
    (port, sink)
}

fn converse(stream: &mut std::net::TcpStream, sink: &Mutex<Sink>) -> std::io::Result<()> {
    stream.write_all(b"220 sink ESMTP\r\n")?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("DATA") {
            stream.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut message = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line.trim_end() == "." {
                    break;
                }
                message.push_str(&line);
            }
            sink.lock().expect("lock").messages.push(message);
            stream.write_all(b"250 queued\r\n")?;
        } else if command.starts_with("QUIT") {
            stream.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            stream.write_all(b"250 ok\r\n")?;
        }
    }
}

#[test]
fn welcome_emails_are_delivered_through_smtp_with_retries() {
    let (port, sink) = smtp_sink(1);
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let server = Server::start(&[
        ("CONTACTS__EMAIL__SMTP_URL", smtp_url.as_str()),
        ("CONTACTS__EMAIL__FROM", "Gateway <gateway@example.com>"),
    ]);
    let key = server.bootstrap_key().expect("key");
    let started = server.stdout.lock().expect("lock").join("\n");
    assert!(
        started.contains(&format!("welcome emails sent through {smtp_url}")),
        "{started}"
    );
    let client = server.request(
        "POST",
        "/api/clients",
        Some(&key),
        Some(&json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example"})),
    );
    assert_eq!(client.status, 201);
    let made = server.request(
        "POST",
        "/api/contacts",
        Some(&key),
        Some(
            &json!({"first_name": "Wendy", "last_name": "Welcome", "email": "wendy@acme.example",
                     "clientid": client.body["data"]["id"], "send_email": "yes"}),
        ),
    );
    assert_eq!(made.status, 201);

    // The first try meets the refusal; the retry (a second later) is delivered.
    let deadline = Instant::now() + Duration::from_secs(20);
    let message = loop {
        if let Some(message) = sink.lock().expect("lock").messages.first().cloned() {
            break message;
        }
        assert!(Instant::now() < deadline, "no email arrived");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(sink.lock().expect("lock").connections >= 2);
    assert!(message.contains("To: wendy@acme.example"), "{message}");
    assert!(
        message.contains("From: Gateway <gateway@example.com>"),
        "{message}"
    );
    let password = message
        .lines()
        .find_map(|line| line.strip_prefix("Password: "))
        .expect("password line");
    assert_eq!(password.trim().len(), 9);
    // Delivered once: the client owner asked for no email, and nothing is sent twice.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(sink.lock().expect("lock").messages.len(), 1);
    let log = server.stderr.lock().expect("lock").clone();
    assert!(
        !log.contains("wendy@acme.example"),
        "the log names no recipient"
    );
    assert!(!log.contains(password.trim()), "the log holds no password");
}
