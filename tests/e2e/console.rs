//! The console in a real browser: headless Chromium, driven through chromedriver's WebDriver
//! protocol (plain HTTP and JSON), against the real binary with the sandbox on. Load the page,
//! enter a key, find a contact written through Grow, see its three views agree, inject a fault,
//! see the failed request in the journal, and save a screenshot. Skipped, saying so, where
//! Chromium and chromedriver are not installed (`.ci/run` installs both).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::server::{free_port, Server};

/// A chromedriver process and one headless session in it; both end when this is dropped.
struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Browser {
    fn start() -> Option<Browser> {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|path| Path::new(path).exists())?;
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"],
            },
        }}});
        let created: Value = ureq::post(&format!("{base}/session"))
            .send_json(capabilities)
            .expect("a browser session")
            .into_json()
            .expect("json");
        let session = created["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_owned();
        Some(Browser {
            driver,
            base,
            session,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|refused| panic!("{method} {path}: {refused}"))
    }

    /// A WebDriver command's value, or the driver's refusal.
    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let request = ureq::request(method, &url);
        let reply = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        match reply {
            Ok(response) => Ok(response.into_json::<Value>().expect("json")["value"].clone()),
            Err(ureq::Error::Status(_, response)) => {
                Err(response.into_json().unwrap_or(Value::Null))
            }
            Err(err) => panic!("{method} {path}: {err}"),
        }
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The element with this CSS selector, waiting for it to exist.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = format!("{}/session/{}/element", self.base, self.session);
            if let Ok(response) =
                ureq::post(&url).send_json(json!({"using": "css selector", "value": css}))
            {
                let value: Value = response.into_json().expect("json");
                if let Some(id) = value["value"]
                    .as_object()
                    .and_then(|element| element.values().next())
                    .and_then(Value::as_str)
                {
                    return id.to_owned();
                }
            }
            assert!(Instant::now() < deadline, "no element {css}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends a command to the element, finding it again while the page is not ready for it:
    /// on a busy machine an element can exist before the page has laid it out ("element not
    /// interactable"), and a list the page renders again replaces the element just found
    /// ("stale element reference").
    fn act_on(&self, css: &str, command: &str, body: Value) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let element = self.find(css);
            let done = self.try_call(
                "POST",
                &format!("/element/{element}/{command}"),
                Some(body.clone()),
            );
            match done {
                Ok(_) => return,
                Err(refused)
                    if refused["error"] == "element not interactable"
                        || refused["error"] == "stale element reference" =>
                {
                    assert!(
                        Instant::now() < deadline,
                        "{css} never took {command}: {refused}"
                    );
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(refused) => panic!("{command} on {css}: {refused}"),
            }
        }
    }

    fn type_into(&self, css: &str, text: &str) {
        self.act_on(css, "value", json!({ "text": text }));
    }

    fn click(&self, css: &str) {
        self.act_on(css, "click", json!({}));
    }

    fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.call("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// Waits until the element's text satisfies `wanted`; answers it.
    fn wait_for_text(&self, css: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text(css);
            if wanted(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never showed what was wanted: {text}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn screenshot(&self, file: &Path) {
        let encoded = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or(""))
            .expect("png");
        std::fs::write(file, png).expect("screenshot written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn the_console_shows_three_views_that_agree_and_an_injected_failure() {
    let Some(browser) = Browser::start() else {
        eprintln!("skipped: chromium and chromedriver are not installed (.ci/run installs them)");
        return;
    };
    let server = Server::start(&[("CONTACTS__SANDBOX__ENABLED", "true")]);
    let key = server.bootstrap_key().expect("key");
    let client = server.request(
        "POST",
        "/api/clients",
        Some(&key),
        Some(&json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example", "client_company_name": "Acme"})),
    );
    let made = server.request(
        "POST",
        "/api/contacts",
        Some(&key),
        Some(
            &json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@acme.example",
                     "clientid": client.body["data"]["id"], "phone": "+44 20 7946 0000"}),
        ),
    );
    assert_eq!(made.status, 201);

    browser.open(&format!("{}/_console/", server.base));
    browser.type_into("#key", &key);
    browser.click("#enter");
    browser.type_into("#search", "lovelace");
    browser.click("#find");
    browser.wait_for_text("#contact-rows", |text| text.contains("ada@acme.example"));
    browser.click("#contact-rows tr");
    // The three dialects' views of one contact, each fetched through its own API, agree.
    let grow = browser.wait_for_text("#view-grow", |text| text.contains("Lovelace"));
    let pylon = browser.wait_for_text("#view-pylon", |text| text.contains("Ada Lovelace"));
    let workshop = browser.wait_for_text("#view-workshop", |text| text.contains("Lovelace"));
    for view in [&grow, &pylon, &workshop] {
        assert!(view.contains("ada@acme.example"), "{view}");
    }
    assert!(grow.contains("+44 20 7946 0000"), "{grow}");
    assert!(pylon.contains("442079460000"), "{pylon}");
    assert!(workshop.contains("+442079460000"), "{workshop}");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    browser.screenshot(&shots.join("console.png"));

    // Make Grow's contact list fail, set off one failure, and see it in the journal.
    browser.click("nav button[data-tab=sandbox]");
    browser.find("#faults");
    browser.call(
        "POST",
        &format!("/element/{}/clear", browser.find("#faults")),
        Some(json!({})),
    );
    browser.type_into(
        "#faults",
        r#"[{"dialect": "grow", "route": "/api/contacts", "status": 503}]"#,
    );
    browser.click("#apply-faults");
    browser.wait_for_text("#faults-said", |text| text.contains("Applied 1 rules."));
    let failed = server.request("GET", "/api/contacts", Some(&key), None);
    assert_eq!(failed.status, 503);
    let journal = browser.wait_for_text("#journal-rows", |text| text.contains("503 (injected)"));
    assert!(journal.contains("/api/contacts"), "{journal}");

    browser.screenshot(&shots.join("console-journal.png"));
    for shot in ["console.png", "console-journal.png"] {
        let size = std::fs::metadata(shots.join(shot)).map_or(0, |meta| meta.len());
        assert!(size > 10_000, "{shot} is {size} bytes");
    }
}
