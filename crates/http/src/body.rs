//! Reading request bodies and query strings: a size limit enforced while streaming, JSON and
//! (where a dialect takes it) form bodies turned into one JSON object of fields.

use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::error::ApiError;

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
    Unknown,
}

fn content_kind(req: &HttpRequest) -> Result<Kind, ApiError> {
    let Some(value) = req.headers().get(CONTENT_TYPE) else {
        return Ok(Kind::Unknown);
    };
    let text = value.to_str().unwrap_or("").to_ascii_lowercase();
    let essence = text.split(';').next().unwrap_or("").trim().to_owned();
    if essence == "application/json" || essence.ends_with("+json") {
        Ok(Kind::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Ok(Kind::Form)
    } else if essence.is_empty() {
        Ok(Kind::Unknown)
    } else {
        Err(ApiError::UnsupportedMediaType(essence))
    }
}

fn parse_json(body: &[u8]) -> Result<Fields, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::MalformedBody(
            "the body must be a JSON object".into(),
        )),
        Err(err) => Err(ApiError::MalformedBody(format!(
            "the body is not valid JSON: {err}"
        ))),
    }
}

/// Form fields as JSON strings. `key[]` fields gather into arrays, as PHP clients send them, and
/// so does a plain key sent more than once (an array in the API's documents).
fn parse_form(body: &[u8]) -> Result<Fields, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|err| {
        ApiError::MalformedBody(format!("the body is not valid form data: {err}"))
    })?;
    let mut fields = Fields::new();
    for (key, value) in pairs {
        let (name, listed) = match key.strip_suffix("[]") {
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
    Ok(fields)
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

/// Reads the body. JSON always; form data only when `accept_form`. An empty body is no fields.
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
    let json = |fields| Body {
        fields,
        form: false,
    };
    let form = |fields| Body { fields, form: true };
    match kind {
        Kind::Json => parse_json(&body).map(json),
        Kind::Form if accept_form => parse_form(&body).map(form),
        Kind::Form => Err(ApiError::UnsupportedMediaType(
            "application/x-www-form-urlencoded".into(),
        )),
        Kind::Unknown => {
            let looks_like_json = body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'{' || *b == b'[');
            if looks_like_json || !accept_form {
                parse_json(&body).map(json)
            } else {
                parse_form(&body).map(form)
            }
        }
    }
}

/// The query string as name/value pairs in order; a bare `?flag` is `("flag", "")`.
pub fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}
