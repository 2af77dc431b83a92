//! What each request leaves behind: one log line (text or JSON) and one observation in the
//! request-duration histogram. Both name the route by its template and the dialect that
//! answered; the log line shows the path and query parameter names, never their values.

pub use contacts_http::DialectName;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use contacts_core::{Caller, Timestamp};
use serde_json::json;

use crate::config::LogFormat;
use crate::metrics::Metrics;
use crate::middleware::REQUEST_ID_HEADER;

/// The log target of request lines, so a JSON logger can print them as they are.
pub const REQUEST_TARGET: &str = "contacts_gateway::request";

/// The request as the log shows it: method, path and the names of query parameters, never
/// their values, which carry keys (`?api_key=`) and personal data (`?search=` an email).
pub fn logged_request(method: &str, path: &str, query: &str) -> String {
    let mut line = format!("{method} {path}");
    if !query.is_empty() {
        let names: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                // A name is shown as sent, cut short so a huge one cannot flood the log.
                let short: String = name.chars().take(64).collect();
                format!("{short}=…")
            })
            .collect();
        line.push('?');
        line.push_str(&names.join("&"));
    }
    line
}

/// Everything one request line says.
struct RequestLine<'a> {
    peer: String,
    request: String,
    status: u16,
    millis: f64,
    request_id: Option<&'a str>,
    dialect: &'static str,
    route: &'a str,
    key: Option<&'a str>,
}

impl RequestLine<'_> {
    fn render(&self, format: LogFormat) -> String {
        match format {
            LogFormat::Text => format!(
                "{} \"{}\" {} {:.3}ms request_id={} dialect={} route={} key={}",
                self.peer,
                self.request,
                self.status,
                self.millis,
                self.request_id.unwrap_or("-"),
                self.dialect,
                self.route,
                self.key.unwrap_or("-"),
            ),
            LogFormat::Json => json!({
                "time": Timestamp::now().to_text(),
                "level": "INFO",
                "request_id": self.request_id,
                "dialect": self.dialect,
                "route": self.route,
                "request": self.request,
                "status": self.status,
                "duration_ms": self.millis,
                "key": self.key,
                "peer": self.peer,
            })
            .to_string(),
        }
    }
}

/// Times the request, then logs it and counts it in the metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let format = req
        .app_data::<web::Data<LogFormat>>()
        .map(|format| *format.get_ref())
        .unwrap_or(LogFormat::Text);
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let peer = req
        .peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "-".into());
    let request = logged_request(req.method().as_str(), req.path(), req.query_string());
    let method = req.method().as_str().to_owned();
    let outcome = next.call(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let (status, dialect, route, key, request_id) = match &outcome {
        Ok(response) => {
            let http = response.request();
            let extensions = http.extensions();
            (
                response.status().as_u16(),
                extensions
                    .get::<DialectName>()
                    .map_or("none", |name| name.0),
                http.match_pattern().unwrap_or_else(|| "unmatched".into()),
                extensions
                    .get::<Caller>()
                    .map(|caller| caller.key_name.clone()),
                response
                    .headers()
                    .get(REQUEST_ID_HEADER)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned),
            )
        }
        Err(err) => (
            err.as_response_error().status_code().as_u16(),
            "none",
            "unmatched".into(),
            None,
            None,
        ),
    };
    if let Some(metrics) = metrics {
        metrics.request(dialect, &route, &method, status, seconds);
    }
    let line = RequestLine {
        peer,
        request,
        status,
        millis: seconds * 1000.0,
        request_id: request_id.as_deref(),
        dialect,
        route: &route,
        key: key.as_deref(),
    };
    log::info!(target: REQUEST_TARGET, "{}", line.render(format));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_left_out() {
        assert_eq!(
            logged_request("GET", "/api/contacts", "api_key=cgw_x&search=a%40b.c&flag"),
            "GET /api/contacts?api_key=…&search=…&flag=…"
        );
        assert_eq!(logged_request("POST", "/contacts", ""), "POST /contacts");
    }

    #[test]
    fn a_json_line_is_one_object_with_every_field() {
        let line = RequestLine {
            peer: "127.0.0.1".into(),
            request: "GET /v1/contacts/x".into(),
            status: 200,
            millis: 1.5,
            request_id: Some("rid"),
            dialect: "workshop",
            route: "/v1/contacts/{id}",
            key: Some("ci"),
        };
        let value: serde_json::Value =
            serde_json::from_str(&line.render(LogFormat::Json)).expect("JSON");
        assert_eq!(value["route"], "/v1/contacts/{id}");
        assert_eq!(value["status"], 200);
        assert_eq!(value["key"], "ci");
        assert_eq!(value["request_id"], "rid");
        assert_eq!(value["dialect"], "workshop");
        assert_eq!(value["level"], "INFO");
        assert!(value["time"].is_string());
        assert_eq!(value["duration_ms"], 1.5);
    }
}
