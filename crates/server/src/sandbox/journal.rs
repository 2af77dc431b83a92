//! The request journal: the last requests (a bounded ring), newest first, with their headers
//! (credentials redacted) and both bodies (each cut at 64 KiB), so an integrator sees exactly
//! what their client sent and what came back. Kept only while the sandbox is on.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{Error, HttpMessage};
use contacts_core::{Caller, Timestamp};
use contacts_http::{DialectName, RequestId};
use serde::Serialize;

use super::faults::Injected;

/// How much of each body the journal keeps.
const BODY_CUT: usize = 64 * 1024;
/// Headers whose values are never kept.
const REDACTED: [&str; 4] = [
    "authorization",
    "cookie",
    "proxy-authorization",
    "x-api-key",
];

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub time: String,
    pub request_id: String,
    pub key_name: Option<String>,
    pub dialect: Option<String>,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub duration_ms: f64,
    /// Whether the sandbox injected this answer.
    pub fault: bool,
    pub request_headers: serde_json::Map<String, serde_json::Value>,
    pub request_body: String,
    pub response_body: String,
}

/// The ring of entries, newest last.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity: capacity.max(1),
            entries: Mutex::new(VecDeque::new()),
        }
    }

    fn push(&self, entry: Entry) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Newest first, up to `limit`, optionally only one dialect's or one status's.
    pub fn newest(&self, limit: usize, dialect: Option<&str>, status: Option<u16>) -> Vec<Entry> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .rev()
            .filter(|entry| dialect.is_none_or(|wanted| entry.dialect.as_deref() == Some(wanted)))
            .filter(|entry| status.is_none_or(|wanted| entry.status == wanted))
            .take(limit)
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

fn cut(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(BODY_CUT)]).into_owned()
}

/// Records every request but the sandbox's and the console's own (when the sandbox is on).
pub async fn record(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let journal = req.app_data::<web::Data<Journal>>().cloned();
    let own = req.path().starts_with("/_sandbox") || req.path().starts_with("/_console");
    let Some(journal) = journal.filter(|_| !own) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let started = Instant::now();
    let time = Timestamp::now().to_text();
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    let request_headers = req
        .headers()
        .iter()
        .map(|(name, value)| {
            let shown = if REDACTED.contains(&name.as_str()) {
                "[redacted]".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), serde_json::Value::String(shown))
        })
        .collect();
    let (request_body, _) = crate::middleware::read_back_body(&mut req).await?;

    let response = next.call(req).await?.map_into_boxed_body();
    let (request_id, key_name, dialect, fault) = {
        let extensions = response.request().extensions();
        (
            extensions
                .get::<RequestId>()
                .map(|id| id.0.clone())
                .unwrap_or_default(),
            extensions
                .get::<Caller>()
                .map(|caller| caller.key_name.clone()),
            extensions
                .get::<DialectName>()
                .map(|name| name.0.to_owned()),
            extensions.get::<Injected>().is_some(),
        )
    };
    let status = response.status().as_u16();
    let (request, response) = response.into_parts();
    let (response, body) = response.into_parts();
    let bytes: Bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|err| actix_web::error::ErrorInternalServerError(err.to_string()))?;
    journal.push(Entry {
        time,
        request_id,
        key_name,
        dialect,
        method,
        path,
        status,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        fault,
        request_headers,
        request_body: cut(&request_body),
        response_body: cut(&bytes),
    });
    let response = response.set_body(BoxBody::new(bytes));
    Ok(ServiceResponse::new(request, response))
}
