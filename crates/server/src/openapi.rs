//! Serves each dialect's OpenAPI document at `<mount>/openapi.json`, without a key, with its
//! paths under the mount point the configuration chose.

use std::sync::Arc;

use actix_web::{web, HttpResponse};
use utoipa::openapi::path::Parameter;
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// The document with every path moved under `mount` (`/api`, `""`, `/v1`…), each operation
/// tagged with the dialect and named by its method and path (unique within the document).
pub fn mounted(mut document: OpenApi, mount: &str, tag: &str) -> OpenApi {
    let paths = std::mem::take(&mut document.paths.paths);
    document.paths.paths = paths
        .into_iter()
        .map(|(path, mut item)| {
            let full = format!("{mount}{path}");
            let operations = [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("put", &mut item.put),
                ("patch", &mut item.patch),
                ("delete", &mut item.delete),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    for parameter in operation.parameters.iter_mut().flatten() {
                        not_nullable(parameter);
                    }
                    let words: Vec<&str> = path
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect();
                    operation.operation_id = Some(format!("{method}_{}", words.join("_")));
                    operation.tags = Some(vec![tag.to_owned()]);
                }
            }
            (full, item)
        })
        .collect();
    document
}

/// A query, path or header parameter is text or absent, never JSON null: utoipa writes
/// `Option<T>` as "T or null", which would invite clients (and fuzzers) to send the word "null".
fn not_nullable(parameter: &mut Parameter) {
    let Some(RefOr::T(schema)) = parameter.schema.as_mut() else {
        return;
    };
    let is_null = |item: &RefOr<Schema>| matches!(item, RefOr::T(Schema::Object(object)) if object.schema_type == SchemaType::Type(Type::Null));
    match schema {
        Schema::Object(object) => {
            if let SchemaType::Array(types) = &object.schema_type {
                let kept: Vec<Type> = types
                    .iter()
                    .filter(|kind| **kind != Type::Null)
                    .cloned()
                    .collect();
                if let [only] = kept.as_slice() {
                    object.schema_type = SchemaType::Type(only.clone());
                }
            }
        }
        Schema::OneOf(one_of) => {
            let kept: Vec<RefOr<Schema>> = one_of
                .items
                .iter()
                .filter(|item| !is_null(item))
                .cloned()
                .collect();
            if let [only] = kept.as_slice() {
                parameter.schema = Some(only.clone());
            }
        }
        _ => {}
    }
}

/// Every text a body carries is refused when it holds a NUL character (contacts-http's body
/// reader), so every string schema of the request bodies and components says so.
fn text_without_nul(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let is_text = match map.get("type") {
                Some(serde_json::Value::String(kind)) => kind == "string",
                Some(serde_json::Value::Array(kinds)) => kinds.iter().any(|kind| kind == "string"),
                _ => false,
            };
            // Children first: the schema added below is itself a string schema.
            for child in map.values_mut() {
                text_without_nul(child);
            }
            if is_text && !map.contains_key("not") {
                map.insert(
                    "not".into(),
                    serde_json::json!({"type": "string", "pattern": "\u{0}"}),
                );
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(text_without_nul),
        _ => {}
    }
}

/// The dialects' documents write "not blank" as `\S`; the parsers trim what Rust calls white
/// space, which is not ECMAScript's `\s` (U+0085 is trimmed, U+FEFF is not), so the served
/// documents carry the parsers' own rule (`contacts_core::validate::NOT_BLANK_PATTERN`).
fn not_blank_as_the_parsers_trim(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "pattern" && child.as_str() == Some(r"\S") {
                    *child = contacts_core::validate::NOT_BLANK_PATTERN.into();
                } else {
                    not_blank_as_the_parsers_trim(child);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(not_blank_as_the_parsers_trim),
        _ => {}
    }
}

/// OpenAPI links from each create (`POST /x` answering `{data: {id}}`) to every operation on
/// `/x/{id}`, so a stateful fuzzer reads, changes and deletes what it created.
fn link_creates_to_their_items(document: &mut serde_json::Value) {
    let Some(serde_json::Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    let items: Vec<(String, Vec<(String, String)>)> = paths
        .iter()
        .filter(|(path, _)| path.ends_with("/{id}"))
        .map(|(path, item)| {
            let operations = item
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(method, operation)| {
                    let id = operation.get("operationId")?.as_str()?;
                    Some((method.clone(), id.to_owned()))
                })
                .collect();
            (path.trim_end_matches("/{id}").to_owned(), operations)
        })
        .collect();
    for (collection, operations) in items {
        let Some(responses) = paths
            .get_mut(&collection)
            .and_then(|item| item.get_mut("post"))
            .and_then(|post| post.get_mut("responses"))
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            let answers_data_id = response
                .pointer("/content/application~1json/schema/$ref")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|schema| schema.contains("Item_") || schema.contains("Single_"));
            if !status.starts_with('2') || !answers_data_id {
                continue;
            }
            let links: serde_json::Map<String, serde_json::Value> = operations
                .iter()
                .map(|(method, operation_id)| {
                    (
                        format!("{method}_created"),
                        serde_json::json!({
                            "operationId": operation_id,
                            "parameters": {"id": "$response.body#/data/id"},
                        }),
                    )
                })
                .collect();
            if let Some(response) = response.as_object_mut() {
                response.insert("links".into(), links.into());
            }
        }
    }
}

/// The document as served: request bodies and components say that text holds no NUL, "not
/// blank" is the parsers' rule, and creates link to what they created.
fn served_json(document: &OpenApi) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(document)?;
    not_blank_as_the_parsers_trim(&mut value);
    link_creates_to_their_items(&mut value);
    if let Some(components) = value.get_mut("components") {
        text_without_nul(components);
    }
    if let Some(serde_json::Value::Object(paths)) = value.get_mut("paths") {
        for item in paths.values_mut() {
            if let serde_json::Value::Object(operations) = item {
                for operation in operations.values_mut() {
                    if let Some(body) = operation.get_mut("requestBody") {
                        text_without_nul(body);
                    }
                }
            }
        }
    }
    serde_json::to_string(&value)
}

/// A route answering the document as JSON.
pub fn route(document: OpenApi) -> actix_web::Route {
    let body = Arc::new(served_json(&document).unwrap_or_else(|err| {
        log::error!("cannot serialise an OpenAPI document: {err}");
        "{}".to_owned()
    }));
    web::get().to(move || {
        let body = Arc::clone(&body);
        async move {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(body.as_ref().clone())
        }
    })
}
