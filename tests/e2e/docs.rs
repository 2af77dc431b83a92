//! Every example in the README and `docs/mapping.md` runs against the real binary.
//!
//! An example is a ```console block: `$ curl …` lines, each followed by the JSON it answers.
//! `$KEY` is the key; the address `http://127.0.0.1:8080` is replaced by the test server's.
//! In the expected JSON, `"<int>"`, `"<uuid>"`, `"<date>"` and `"<text>"` match any value of
//! that kind, and `"<int:NAME>"` / `"<uuid:NAME>"` also bind `$NAME` for later commands.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::server::Server;

struct Example {
    command: String,
    expected: Value,
}

fn examples(markdown: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut in_block = false;
    let mut command: Option<String> = None;
    let mut output = String::new();
    let flush = |command: &mut Option<String>, output: &mut String, found: &mut Vec<Example>| {
        if let Some(cmd) = command.take() {
            let expected = serde_json::from_str(output.trim())
                .unwrap_or_else(|err| panic!("bad expected JSON after `{cmd}`: {err}\n{output}"));
            found.push(Example {
                command: cmd,
                expected,
            });
        }
        output.clear();
    };
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            if in_block {
                flush(&mut command, &mut output, &mut found);
            }
            in_block = line.trim() == "```console";
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            flush(&mut command, &mut output, &mut found);
            command = Some(cmd.to_owned());
        } else {
            output.push_str(line);
            output.push('\n');
        }
    }
    found
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}

/// Whether `actual` matches `expected`, binding named placeholders into `vars`.
fn matches(expected: &Value, actual: &Value, vars: &mut HashMap<String, String>) -> bool {
    match (expected, actual) {
        (Value::String(pattern), _) if pattern.starts_with('<') && pattern.ends_with('>') => {
            let inner = &pattern[1..pattern.len() - 1];
            let (kind, name) = inner
                .split_once(':')
                .map_or((inner, None), |(k, n)| (k, Some(n)));
            let ok = match kind {
                "int" => actual.is_i64(),
                "uuid" => actual.as_str().is_some_and(is_uuid),
                "date" => actual
                    .as_str()
                    .is_some_and(|d| d.len() == 27 && d.ends_with('Z')),
                "text" => actual.as_str().is_some_and(|t| !t.is_empty()),
                _ => false,
            };
            if let (true, Some(name)) = (ok, name) {
                let value = actual
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| actual.to_string());
                vars.insert(name.to_owned(), value);
            }
            ok
        }
        (Value::Object(expected), Value::Object(actual)) => {
            expected.len() == actual.len()
                && expected.iter().all(|(key, value)| {
                    actual
                        .get(key)
                        .is_some_and(|found| matches(value, found, vars))
                })
        }
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len()
                && expected
                    .iter()
                    .zip(actual)
                    .all(|(e, a)| matches(e, a, vars))
        }
        _ => expected == actual,
    }
}

fn run_examples_of(file: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let markdown =
        std::fs::read_to_string(root.join(file)).unwrap_or_else(|err| panic!("{file}: {err}"));
    let found = examples(&markdown);
    let server = Server::start(&[]);
    let key = server.bootstrap_key().expect("key");
    let mut vars: HashMap<String, String> = HashMap::new();
    for example in &found {
        let command = example
            .command
            .replace("http://127.0.0.1:8080", &server.base);
        let output = Command::new("bash")
            .arg("-c")
            .arg(&command)
            .env("KEY", &key)
            .envs(&vars)
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let actual: Value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
            panic!(
                "{file}: `{}` printed no JSON ({err}): {stdout}",
                example.command
            )
        });
        assert!(
            matches(&example.expected, &actual, &mut vars),
            "{file}: `{}`\nexpected {}\n     got {}",
            example.command,
            serde_json::to_string_pretty(&example.expected).unwrap_or_default(),
            serde_json::to_string_pretty(&actual).unwrap_or_default()
        );
    }
    found.len()
}

#[test]
fn readme_examples_run() {
    assert!(
        run_examples_of("README.md") >= 6,
        "the README shows a first request per dialect"
    );
}

#[test]
fn mapping_examples_run() {
    assert!(run_examples_of("docs/mapping.md") >= 4);
}

#[test]
fn the_matcher_tells_apart() {
    let mut vars = HashMap::new();
    let expected = serde_json::json!({"id": "<uuid:ID>", "n": "<int>", "name": "Ada"});
    assert!(matches(
        &expected,
        &serde_json::json!({"id": "937ccbe2-4cb5-4c76-96bf-29510b514dfa", "n": 4, "name": "Ada"}),
        &mut vars
    ));
    assert_eq!(vars["ID"], "937ccbe2-4cb5-4c76-96bf-29510b514dfa");
    assert!(!matches(
        &expected,
        &serde_json::json!({"id": "x", "n": 4, "name": "Ada"}),
        &mut vars
    ));
    assert!(!matches(
        &expected,
        &serde_json::json!({"id": "937ccbe2-4cb5-4c76-96bf-29510b514dfa", "n": 4, "name": "Bob"}),
        &mut vars
    ));
    assert!(!matches(
        &expected,
        &serde_json::json!({"id": "937ccbe2-4cb5-4c76-96bf-29510b514dfa", "n": 4, "name": "Ada", "extra": 1}),
        &mut vars
    ));
}

/// The README's `cargo run` lines: `cargo run` at the root picks the gateway (the only binary of
/// the workspace's default members), and what follows `--` is a command line the gateway takes.
#[test]
fn every_cargo_run_line_in_the_readme_runs_the_gateway() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{output:?}");
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let default_members: Vec<&Value> = metadata["workspace_default_members"]
        .as_array()
        .expect("default members listed")
        .iter()
        .collect();
    let binaries: Vec<String> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|package| default_members.contains(&&package["id"]))
        .flat_map(|package| package["targets"].as_array().cloned().unwrap_or_default())
        .filter(|target| target["kind"] == serde_json::json!(["bin"]))
        .filter_map(|target| target["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(binaries, ["contacts-gateway"], "what `cargo run` can pick");

    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let lines: Vec<&str> = readme
        .lines()
        .filter(|line| line.contains("cargo run"))
        .filter(|line| !line.trim_start().starts_with('`') && !line.contains("`cargo run"))
        .collect();
    assert!(lines.len() >= 6, "{lines:#?}");
    for line in lines {
        let command = line.split('#').next().unwrap_or_default();
        let after_run = command
            .split("cargo run")
            .nth(1)
            .expect("the line runs cargo");
        let args = match after_run.split_once(" -- ") {
            Some((_, args)) => args.split_whitespace().collect(),
            None => Vec::new(),
        };
        let argv = std::iter::once("contacts-gateway").chain(args);
        if let Err(err) = <contacts_gateway::cli::Cli as clap::Parser>::try_parse_from(argv) {
            panic!("README line `{line}` is not a gateway command line: {err}");
        }
    }
}
