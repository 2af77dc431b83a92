//! The sync-source switch and `import`, on the real binary: the same database served with the
//! API as source, fed by CSV imports, then served with `source = "csv"`.

use serde_json::json;

use crate::server::{run_command, Server};

const NOT_SOURCE: &str =
    "Contacts can only be changed through the API when the API is the sync source.";

#[test]
fn imports_apply_whole_or_not_at_all_and_csv_source_refuses_api_writes() {
    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    for (external_id, first, email) in [
        ("W-1", "Wanda", "wanda@example.com"),
        ("W-2", "Walt", "walt@example.com"),
    ] {
        let created = server.request(
            "POST",
            "/v1/contacts",
            Some(&key),
            Some(&json!({"external_id": external_id, "first_name": first, "last_name": "Api", "email": email})),
        );
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let dir = server.path();

    // A file with good and bad rows changes nothing and names every bad row.
    let mixed = dir.join("mixed.csv");
    std::fs::write(
        &mixed,
        "external_id,email,phone,first_name,last_name,department\n\
         C-1,carl@example.com,+1 555 0101,Carl,Csv,Sales\n\
         C-2,not-an-email,,Bad,Email,Ops\n\
         ,,,No,Keys,Ops\n\
         C-1,other@example.com,,Dup,Licate,Ops\n",
    )
    .expect("write csv");
    let (status, stdout, _) = run_command(&dir, &[], &["import", "mixed.csv"]);
    assert!(!status.success());
    assert!(
        stdout.contains("line 3: email \"not-an-email\" is not a valid email address"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 4: the row has neither an external_id nor an email"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 5: external_id \"C-1\" repeats line 2"),
        "{stdout}"
    );
    assert!(stdout.contains("3 rejected"), "{stdout}");
    assert!(stdout.contains("nothing was written"), "{stdout}");
    let listed = server.request("GET", "/api/contacts", Some(&key), None);
    assert_eq!(
        listed.body["meta"]["total"], 2,
        "a rejected import changes nothing"
    );

    // A clean file: one update (by external id), one new row; a dry run first writes nothing.
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "external_id,email,phone_number,name,department\n\
         W-1,wanda@example.com,,Wanda Maximoff,Magic\n\
         C-1,carl@example.com,+1 555 0101,Carl  Csv,Sales\n",
    )
    .expect("write csv");
    let (status, stdout, _) = run_command(
        &dir,
        &[],
        &["import", "good.csv", "--source", "csv", "--dry-run"],
    );
    assert!(status.success(), "{stdout}");
    assert!(
        stdout.contains("1 created, 1 updated, 0 unchanged, 0 deleted, 0 rejected"),
        "{stdout}"
    );
    assert!(stdout.contains("dry run: nothing was written"));
    assert_eq!(
        server
            .request("GET", "/api/contacts", Some(&key), None)
            .body["meta"]["total"],
        2
    );
    let (status, stdout, _) = run_command(&dir, &[], &["import", "good.csv", "--source", "csv"]);
    assert!(status.success(), "{stdout}");
    assert!(stdout.contains("1 created, 1 updated"), "{stdout}");
    let (_, again, _) = run_command(
        &dir,
        &[],
        &["import", "good.csv", "--source", "csv", "--prune"],
    );
    assert!(
        again.contains("0 created, 0 updated, 2 unchanged, 0 deleted"),
        "{again}"
    );

    let searched = server.request(
        "POST",
        "/contacts/search",
        Some(&key),
        Some(&json!({"filter": {"field": "department", "operator": "equals", "value": "Sales"}})),
    );
    assert_eq!(searched.body["data"][0]["name"], "Carl Csv");
    assert_eq!(
        searched.body["data"][0]["external_ids"],
        json!([{"external_id": "C-1", "label": ""}])
    );
    // Imported rows are not API-synced, so Workshop's external look-up does not find them.
    assert_eq!(
        server
            .request("GET", "/v1/contacts/C-1?external", Some(&key), None)
            .status,
        404
    );
    assert_eq!(
        server
            .request("GET", "/v1/contacts/W-2?external", Some(&key), None)
            .status,
        200
    );
    let (status, stdout, _) = run_command(&dir, &[], &["import", "good.csv", "--source", "api"]);
    assert!(!status.success(), "{stdout}");
    let _kept = server.stop();

    // The same database, now fed by CSV: every contact write through every dialect is refused.
    let csv_server = Server::start_in_existing(&dir, &[("CONTACTS__SYNC__SOURCE", "csv")]);
    let wanda = csv_server.request("GET", "/v1/contacts?limit=100", Some(&key), None);
    let wanda_id = wanda.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|c| c["first_name"] == "Wanda")
        .expect("wanda")["id"]
        .clone();
    let wanda_id = wanda_id.as_str().expect("id");
    let grow_id = csv_server
        .request("GET", "/api/contacts?search=wanda", Some(&key), None)
        .body["data"][0]["id"]
        .clone();
    let refusals = [
        (
            "POST",
            "/v1/contacts".to_owned(),
            json!({"external_id": "N", "first_name": "N", "last_name": "N", "email": "n@x.io"}),
        ),
        (
            "PATCH",
            format!("/v1/contacts/{wanda_id}"),
            json!({"first_name": "x"}),
        ),
        ("DELETE", format!("/v1/contacts/{wanda_id}"), json!({})),
        ("POST", "/api/contacts".to_owned(), json!({})),
        ("PATCH", format!("/api/contacts/{grow_id}"), json!({})),
        ("DELETE", format!("/api/contacts/{grow_id}"), json!({})),
        (
            "PUT",
            format!("/api/contacts/{grow_id}/account-owner"),
            json!({}),
        ),
        ("POST", "/contacts".to_owned(), json!({"name": "x"})),
        (
            "PATCH",
            format!("/contacts/{wanda_id}"),
            json!({"name": "x"}),
        ),
        ("DELETE", format!("/contacts/{wanda_id}"), json!({})),
    ];
    for (method, path, body) in refusals {
        let reply = csv_server.request(method, &path, Some(&key), Some(&body));
        assert_eq!(reply.status, 403, "{method} {path}");
        let text = reply.body.to_string();
        assert!(text.contains(NOT_SOURCE), "{method} {path}: {text}");
    }
    assert_eq!(
        csv_server
            .request("GET", &format!("/v1/contacts/{wanda_id}"), Some(&key), None)
            .status,
        200
    );
    let external = csv_server.request("GET", "/v1/contacts/W-2?external", Some(&key), None);
    assert_eq!(
        (external.status, external.body),
        (
            404,
            json!({"error": "Contact with the given ID was not found."})
        )
    );

    // Pruning: the source's contacts missing from the file are deleted.
    let only_carl = dir.join("carl.csv");
    std::fs::write(
        &only_carl,
        "external_id,email,first_name,last_name\nC-1,carl@example.com,Carl,Csv\n",
    )
    .expect("write");
    let (status, stdout, _) = run_command(
        &dir,
        &[("CONTACTS__SYNC__SOURCE", "csv")],
        &["import", "carl.csv", "--prune"],
    );
    assert!(status.success(), "{stdout}");
    assert!(
        stdout.contains("0 created, 1 updated, 0 unchanged, 1 deleted, 0 rejected"),
        "{stdout}"
    );
    let remaining = csv_server.request("GET", "/api/contacts", Some(&key), None);
    assert_eq!(
        remaining.body["meta"]["total"], 2,
        "Walt (api) and Carl (csv) remain"
    );
}

/// A contact the server has just answered (and so holds in memory) shows an import's change in
/// every dialect: the server watches for writes by other processes.
#[test]
fn a_running_server_answers_what_an_import_changed() {
    let server = Server::start(&[("CONTACTS__SYNC__SOURCE", "csv")]);
    let key = server.bootstrap_key().expect("key");
    let dir = server.path();
    let import = |file: &str, text: &str, extra: &[&str]| {
        std::fs::write(dir.join(file), text).expect("write csv");
        let mut args = vec!["import", file];
        args.extend_from_slice(extra);
        let (status, stdout, _) = run_command(&dir, &[("CONTACTS__SYNC__SOURCE", "csv")], &args);
        assert!(status.success(), "{stdout}");
    };
    import(
        "first.csv",
        "external_id,email,first_name,last_name\n\
         C-1,carl@example.com,Carl,Csv\n\
         C-2,dora@example.com,Dora,Csv\n",
        &[],
    );
    let paths_of = |first_name: &str| {
        let found = server.request(
            "GET",
            &format!("/api/contacts?search={first_name}"),
            Some(&key),
            None,
        );
        let grow_id = found.body["data"][0]["id"].as_i64().expect("grow id");
        let email = format!("{}@example.com", first_name.to_lowercase());
        let search = json!({"filter": {"field": "email", "operator": "equals", "value": email}});
        let pylon = server.request("POST", "/contacts/search", Some(&key), Some(&search));
        let uid = pylon.body["data"][0]["id"]
            .as_str()
            .expect("uid")
            .to_owned();
        [
            format!("/api/contacts/{grow_id}"),
            format!("/contacts/{uid}"),
            format!("/v1/contacts/{uid}"),
        ]
    };
    let carl = paths_of("Carl");
    let dora = paths_of("Dora");
    let first_name = |reply: &crate::server::Reply| {
        let contact = &reply.body["data"];
        contact["first_name"]
            .as_str()
            .or_else(|| contact["name"].as_str())
            .or_else(|| reply.body["first_name"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    for path in carl.iter().chain(&dora) {
        let reply = server.request("GET", path, Some(&key), None);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }

    import(
        "second.csv",
        "external_id,email,first_name,last_name\nC-1,carl@example.com,Carlos,Csv\n",
        &["--prune"],
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let names: Vec<String> = carl
            .iter()
            .map(|path| first_name(&server.request("GET", path, Some(&key), None)))
            .collect();
        let statuses: Vec<u16> = dora
            .iter()
            .map(|path| server.request("GET", path, Some(&key), None).status)
            .collect();
        if names.iter().all(|name| name.starts_with("Carlos")) && statuses == [404, 404, 404] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import was never seen: {names:?} {statuses:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
