//! Reading request bodies and query strings: a size limit enforced while streaming, JSON and
//! (where a dialect takes it) form bodies turned into one JSON object of fields.

use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{web, HttpRequest};
use contacts_core::validate::is_valid_attribute_key;
use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::error::{ApiError, TextProblem};

/// The largest body any route reads, in bytes (set by the server from its config).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit(1024 * 1024)
    }
}

/// How long a whole body may take to arrive once the handler starts reading it (set by the
/// server from its config). A client that trickles its body in is cut off with a 408 instead
/// of holding a connection and a worker's attention forever.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

impl Default for BodyTimeout {
    fn default() -> Self {
        BodyTimeout(std::time::Duration::from_secs(10))
    }
}

/// A request body as an object of fields.
pub type Fields = Map<String, Value>;

async fn read_limited(req: &HttpRequest, payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let timeout = req.app_data::<BodyTimeout>().copied().unwrap_or_default().0;
    actix_web::rt::time::timeout(timeout, read_within_limit(req, payload))
        .await
        .map_err(|_elapsed| ApiError::BodyTimeout)?
}

async fn read_within_limit(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<Vec<u8>, ApiError> {
    let limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| ApiError::MalformedBody(err.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

enum Kind {
    Json,
    Form,
    /// `multipart/form-data` with its boundary.
    Multipart(String),
    Unknown,
}

fn content_kind(req: &HttpRequest) -> Result<Kind, ApiError> {
    let Some(value) = req.headers().get(CONTENT_TYPE) else {
        return Ok(Kind::Unknown);
    };
    let raw = value.to_str().unwrap_or("");
    let text = raw.to_ascii_lowercase();
    let essence = text.split(';').next().unwrap_or("").trim().to_owned();
    if essence == "application/json" || essence.ends_with("+json") {
        Ok(Kind::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Ok(Kind::Form)
    } else if essence == "multipart/form-data" {
        // The boundary keeps its letter case.
        multer::parse_boundary(raw)
            .map(Kind::Multipart)
            .map_err(|_| ApiError::MalformedBody("the multipart body names no boundary".into()))
    } else if essence.is_empty() {
        Ok(Kind::Unknown)
    } else {
        Err(ApiError::UnsupportedMediaType(essence))
    }
}

fn parse_json(body: &[u8]) -> Result<Fields, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        // No body, said in JSON: what an optional body documented as "object or null" sends.
        Ok(Value::Null) => Ok(Fields::new()),
        Ok(_) => Err(ApiError::MalformedBody(
            "the body must be a JSON object".into(),
        )),
        Err(err) => Err(ApiError::MalformedBody(format!(
            "the body is not valid JSON: {err}"
        ))),
    }
}

/// One component of form data (`a+b%20c`), decoded to its bytes.
fn percent_decoded(component: &[u8]) -> Vec<u8> {
    let hex = |byte: u8| (byte as char).to_digit(16);
    let mut decoded = Vec::with_capacity(component.len());
    let mut index = 0;
    while index < component.len() {
        match component[index] {
            b'+' => decoded.push(b' '),
            b'%' => match (
                component.get(index + 1).copied().and_then(hex),
                component.get(index + 2).copied().and_then(hex),
            ) {
                (Some(high), Some(low)) => {
                    // Two hex digits make one byte; the cast cannot lose anything.
                    decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    index += 2;
                }
                _ => decoded.push(b'%'),
            },
            byte => decoded.push(byte),
        }
        index += 1;
    }
    decoded
}

/// Form data as (name, value) pairs. A value that is not UTF-8 is refused with its field's
/// name, never replaced with U+FFFD and stored.
fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    body.split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut parts = pair.splitn(2, |byte| *byte == b'=');
            let name = percent_decoded(parts.next().unwrap_or_default());
            let value = percent_decoded(parts.next().unwrap_or_default());
            let name = String::from_utf8_lossy(&name).into_owned();
            match String::from_utf8(value) {
                Ok(value) => Ok((name, value)),
                Err(_) => Err(ApiError::InvalidText {
                    field: field_name(&name).to_owned(),
                    problem: TextProblem::NotUtf8,
                }),
            }
        })
        .collect()
}

/// `tags[]` and `tags[0]` are the field `tags`.
fn field_name(key: &str) -> &str {
    match key.find('[') {
        Some(bracket) if key.ends_with(']') => &key[..bracket],
        _ => key,
    }
}

/// The field a list item's key names: `tags[]` and PHP's indexed `tags[0]`, `tags[1]`… (what
/// `http_build_query` writes) are items of `tags`; any other key is not a list item.
fn list_item_of(key: &str) -> Option<&str> {
    let inner = key.strip_suffix(']')?;
    let (name, index) = inner.split_once('[')?;
    let is_index = index.is_empty() || index.bytes().all(|b| b.is_ascii_digit());
    (is_index && !name.is_empty()).then_some(name)
}

/// Form fields as JSON strings, in the order sent. List items (`key[]`, `key[0]`) gather into
/// arrays, as PHP clients send them, and so does a plain key sent more than once (an array in
/// the API's documents).
fn gather_fields(pairs: Vec<(String, String)>) -> Fields {
    let mut fields = Fields::new();
    for (key, value) in pairs {
        let (name, listed) = match list_item_of(&key) {
            Some(name) => (name.to_owned(), true),
            None => (key, false),
        };
        match fields.get_mut(&name) {
            Some(Value::Array(items)) => items.push(Value::String(value)),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(value)]);
            }
            None if listed => {
                fields.insert(name, Value::Array(vec![Value::String(value)]));
            }
            None => {
                fields.insert(name, Value::String(value));
            }
        }
    }
    fields
}

fn parse_form(body: &[u8]) -> Result<Fields, ApiError> {
    form_pairs(body).map(gather_fields)
}

/// `multipart/form-data` as fields: every part is a text field, a part sent as a file included
/// (Python's `requests.post(files={"first_name": "Ada"})` names each part a file), since no
/// field of any dialect takes a file. The body was already read within the size limit.
async fn parse_multipart(body: Vec<u8>, boundary: String) -> Result<Fields, ApiError> {
    let chunk = futures_util::stream::once(async move {
        Ok::<_, std::convert::Infallible>(actix_web::web::Bytes::from(body))
    });
    let mut multipart = multer::Multipart::new(chunk, boundary);
    let malformed = |err: multer::Error| {
        ApiError::MalformedBody(format!("the multipart body is malformed: {err}"))
    };
    let mut pairs = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let value = field.bytes().await.map_err(malformed)?;
        match String::from_utf8(value.to_vec()) {
            Ok(value) => pairs.push((name, value)),
            Err(_) => {
                return Err(ApiError::InvalidText {
                    field: field_name(&name).to_owned(),
                    problem: TextProblem::NotUtf8,
                })
            }
        }
    }
    Ok(gather_fields(pairs))
}

/// The first string value holding a NUL character, named by its path in the body. NUL is not
/// text any client means to store, and it ends strings in C libraries downstream.
fn first_nul(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(|| path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| first_nul(item, &format!("{path}[{index}]"))),
        // Only keys some dialect reads (field names, attribute keys and slugs): what the
        // others hold is ignored by every reader, so it is never stored or refused.
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| is_valid_attribute_key(key))
            .find_map(|(key, item)| {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                first_nul(item, &inner)
            }),
        _ => None,
    }
}

/// Whether a key can name a field of some dialect (`first_name`, `custom_fields`, `tags[]`…):
/// other keys are ignored by every reader, so what they hold is never stored or refused.
fn can_name_a_field(key: &str) -> bool {
    let name = list_item_of(key).unwrap_or(key);
    name.chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

fn refuse_nul(fields: Fields) -> Result<Fields, ApiError> {
    let found = fields
        .iter()
        .filter(|(key, _)| can_name_a_field(key))
        .find_map(|(key, value)| first_nul(value, key));
    match found {
        Some(field) => Err(ApiError::InvalidText {
            field,
            problem: TextProblem::Nul,
        }),
        None => Ok(fields),
    }
}

/// The body's bytes as sent, within the size limit and the time limit (for bodies that are
/// not an object of fields, such as the sandbox's list of fault rules).
pub async fn read_body_bytes(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Vec<u8>, ApiError> {
    read_limited(req, payload).await
}

/// Reads the body as fields (see [`read_body`]).
pub async fn read_fields(
    req: &HttpRequest,
    payload: web::Payload,
    accept_form: bool,
) -> Result<Fields, ApiError> {
    read_body(req, payload, accept_form)
        .await
        .map(|body| body.fields)
}

/// A request body as fields, and whether it came as form data (where every value is text and a
/// single `key=value` may stand for a list of one).
#[derive(Debug, Default)]
pub struct Body {
    pub fields: Fields,
    pub form: bool,
}

/// Reads the body. JSON always; form data (urlencoded or multipart) only when `accept_form`. An empty body is no fields.
/// Without a content type, a body that looks like JSON is read as JSON.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    accept_form: bool,
) -> Result<Body, ApiError> {
    let kind = content_kind(req)?;
    let body = read_limited(req, payload).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Body::default());
    }
    let json = |fields| {
        refuse_nul(fields).map(|fields| Body {
            fields,
            form: false,
        })
    };
    let form = |fields| refuse_nul(fields).map(|fields| Body { fields, form: true });
    match kind {
        Kind::Json => parse_json(&body).and_then(json),
        Kind::Form if accept_form => parse_form(&body).and_then(form),
        Kind::Multipart(boundary) if accept_form => {
            parse_multipart(body, boundary).await.and_then(form)
        }
        Kind::Form => Err(ApiError::UnsupportedMediaType(
            "application/x-www-form-urlencoded".into(),
        )),
        Kind::Multipart(_) => Err(ApiError::UnsupportedMediaType("multipart/form-data".into())),
        Kind::Unknown => {
            let looks_like_json = body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'{' || *b == b'[');
            if looks_like_json || !accept_form {
                parse_json(&body).and_then(json)
            } else {
                parse_form(&body).and_then(form)
            }
        }
    }
}

/// The query string as name/value pairs in order; a bare `?flag` is `("flag", "")`.
pub fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}
