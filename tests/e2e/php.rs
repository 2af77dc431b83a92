//! The vendor's own PHP snippets (`tests/e2e/php/`), run unchanged with PHP's curl against the
//! real binary: what a Grow integrator copies from the vendor's page works here.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::server::Server;

/// Whether `php` with its curl extension is here (`.ci/run` installs both).
fn php_with_curl() -> bool {
    Command::new("php")
        .args(["-r", "exit(function_exists('curl_init') ? 0 : 1);"])
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs a snippet with its placeholders filled in; answers the `$response` it decoded.
fn run_snippet(name: &str, server: &Server, key: &str, ids: &[(&str, String)]) -> Value {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/e2e/php/grow")
        .join(name);
    let mut code = std::fs::read_to_string(&source).expect("snippet");
    code = code
        .replace("https://your-domain", &server.base)
        .replace("YOUR_API_KEY", key);
    for (placeholder, id) in ids {
        code = code.replace(placeholder, id);
    }
    code.push_str("\necho json_encode($response);\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join(name);
    std::fs::write(&script, code).expect("script");
    let output = Command::new("php").arg(&script).output().expect("php runs");
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("{name}: {err}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn grows_php_snippets_run_unchanged() {
    if !php_with_curl() {
        eprintln!("skipped: php with its curl extension is not installed (.ci/run installs php-cli and php-curl)");
        return;
    }
    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    let client = server.request(
        "POST",
        "/api/clients",
        Some(&key),
        Some(&json!({"first_name": "Olive", "last_name": "Owner", "email": "olive@acme.example", "client_company_name": "Acme"})),
    );
    assert_eq!(client.status, 201);
    let client_id = client.body["data"]["id"].to_string();
    let client_ids = [("=> 12", format!("=> {client_id}"))];

    let created = run_snippet("create.php", &server, &key, &client_ids);
    assert_eq!(created["message"], "Contact created successfully.");
    assert_eq!(created["data"]["name"], "Jane Doe");
    assert_eq!(created["data"]["client"]["id"].to_string(), client_id);
    let id = created["data"]["id"].to_string();
    let contact_ids = [("/contacts/45", format!("/contacts/{id}"))];

    let listed = run_snippet("list.php", &server, &key, &client_ids);
    assert_eq!(listed["message"], "Contacts retrieved successfully.");
    assert_eq!(
        listed["meta"],
        json!({"current_page": 1, "per_page": 25, "total": 2, "last_page": 1})
    );
    let shown = run_snippet("show.php", &server, &key, &contact_ids);
    assert_eq!(shown["data"], created["data"]);

    let updated = run_snippet("update.php", &server, &key, &contact_ids);
    assert_eq!(updated["message"], "Contact updated successfully.");
    assert_eq!(updated["data"]["name"], "Jane Smith");

    let owner = run_snippet("account_owner.php", &server, &key, &contact_ids);
    assert_eq!(
        owner["message"],
        "Contact set as account owner successfully."
    );
    assert_eq!(owner["data"]["account_owner"], "yes");

    let deleted = run_snippet("delete.php", &server, &key, &contact_ids);
    assert_eq!(
        deleted,
        json!({"data": {"id": created["data"]["id"]}, "message": "Contact deleted successfully."})
    );
    let gone = server.request("GET", &format!("/api/contacts/{id}"), Some(&key), None);
    assert_eq!(gone.status, 404);
}
