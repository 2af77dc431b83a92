//! Injected faults: rules that slow or fail chosen requests of any dialect on purpose, so an
//! integrator can watch their client retry. A failure answers in the dialect's own error shape
//! (429 and 503 with `Retry-After`) and is marked for the journal.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use contacts_http::{ApiError, Dialect, RequestId};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The longest delay a rule may add.
const MAX_LATENCY_MS: u64 = 60_000;

/// One rule as `PUT /_sandbox/faults` takes it and `GET` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `grow`, `pylon` or `workshop`; any dialect without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A route template (`/v1/contacts/{id}`): a `{…}` segment matches any one segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    #[serde(default)]
    pub latency_ms: u64,
    /// The status of an injected failure (400 to 599); none only delays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Fail every N-th matching request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u64>,
    /// Fail this share (0 to 1) of matching requests, at random.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
}

impl Rule {
    /// Why the rule cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if let Some(dialect) = &self.dialect {
            if !["grow", "pylon", "workshop"].contains(&dialect.as_str()) {
                return Some(format!(
                    "dialect must be grow, pylon or workshop, not {dialect:?}"
                ));
            }
        }
        if self.latency_ms > MAX_LATENCY_MS {
            return Some(format!("latency_ms must be at most {MAX_LATENCY_MS}"));
        }
        if self
            .status
            .is_some_and(|status| !(400..=599).contains(&status))
        {
            return Some("status must be from 400 to 599".into());
        }
        if self.every == Some(0) {
            return Some("every must be 1 or more".into());
        }
        if self.rate.is_some_and(|rate| !(0.0..=1.0).contains(&rate)) {
            return Some("rate must be from 0 to 1".into());
        }
        if self.every.is_some() && self.rate.is_some() {
            return Some("a rule takes every or rate, not both".into());
        }
        if self.status.is_none() && (self.every.is_some() || self.rate.is_some()) {
            return Some("every and rate need a status to fail with".into());
        }
        None
    }

    fn matches(&self, dialect: &str, method: &str, path: &str) -> bool {
        self.dialect
            .as_deref()
            .is_none_or(|wanted| wanted == dialect)
            && self
                .method
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method))
            && self
                .route
                .as_deref()
                .is_none_or(|template| route_matches(template, path))
    }
}

/// Whether `path` fits `template`, segment by segment (`{id}` fits any one segment).
fn route_matches(template: &str, path: &str) -> bool {
    let wanted: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let given: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    wanted.len() == given.len()
        && wanted
            .iter()
            .zip(&given)
            .all(|(want, give)| (want.starts_with('{') && want.ends_with('}')) || want == give)
}

/// The rules in force, each with its count of matching requests.
#[derive(Debug, Default)]
pub struct Faults {
    rules: RwLock<Vec<(Rule, AtomicU64)>>,
}

/// Marks a response as an injected failure, for the journal.
#[derive(Debug, Clone, Copy)]
pub struct Injected;

impl Faults {
    pub fn list(&self) -> Vec<Rule> {
        self.rules
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(rule, _)| rule.clone())
            .collect()
    }

    pub fn replace(&self, rules: Vec<Rule>) {
        let counted = rules
            .into_iter()
            .map(|rule| (rule, AtomicU64::new(0)))
            .collect();
        *self
            .rules
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = counted;
    }

    /// What to do with a request: a delay, and whether (with what status) to fail it.
    fn verdict(&self, dialect: &str, method: &str, path: &str) -> Option<(u64, Option<u16>)> {
        let rules = self
            .rules
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (rule, seen) = rules
            .iter()
            .find(|(rule, _)| rule.matches(dialect, method, path))?;
        let count = seen.fetch_add(1, Ordering::Relaxed) + 1;
        let fails = match (rule.status, rule.every, rule.rate) {
            (None, _, _) => false,
            (Some(_), Some(every), _) => count % every == 0,
            (Some(_), None, Some(rate)) => rand::thread_rng().gen_bool(rate),
            (Some(_), None, None) => true,
        };
        Some((rule.latency_ms, rule.status.filter(|_| fails)))
    }
}

/// Applies the rules to one dialect's requests (when the sandbox is on).
pub async fn inject<D: Dialect>(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let verdict = req
        .app_data::<web::Data<Faults>>()
        .and_then(|faults| faults.verdict(D::NAME, req.method().as_str(), req.path()));
    let Some((latency_ms, failure)) = verdict else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    if latency_ms > 0 {
        actix_web::rt::time::sleep(Duration::from_millis(latency_ms)).await;
    }
    match failure {
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
        Some(status) => {
            req.extensions_mut().insert(Injected);
            let request_id = RequestId::of(req.request());
            let response = D::respond(&ApiError::InjectedFault { status }, &request_id);
            Ok(req.into_response(response))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_segment_by_segment() {
        assert!(route_matches("/v1/contacts/{id}", "/v1/contacts/abc"));
        assert!(!route_matches("/v1/contacts/{id}", "/v1/contacts"));
        assert!(!route_matches("/contacts/search", "/contacts/abc"));
        assert!(route_matches("/contacts/search", "/contacts/search/"));
    }

    #[test]
    fn every_third_request_fails() {
        let faults = Faults::default();
        faults.replace(vec![Rule {
            dialect: Some("pylon".into()),
            method: Some("POST".into()),
            route: Some("/contacts/search".into()),
            latency_ms: 0,
            status: Some(503),
            every: Some(3),
            rate: None,
        }]);
        let failed: Vec<bool> = (0..6)
            .map(|_| {
                faults
                    .verdict("pylon", "POST", "/contacts/search")
                    .and_then(|(_, failure)| failure)
                    .is_some()
            })
            .collect();
        assert_eq!(failed, [false, false, true, false, false, true]);
        assert!(faults.verdict("grow", "POST", "/contacts/search").is_none());
    }
}
