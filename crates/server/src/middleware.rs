//! The server's middleware: a request id on every request and response, and bearer-key
//! authentication in front of each dialect, answering in that dialect's error shape.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use actix_web::middleware::Next;
use std::panic::AssertUnwindSafe;

use actix_web::{web, Error, HttpMessage};
use contacts_core::auth::{hash_key, is_well_formed};
use contacts_core::{Caller, CoreError, Gateway};
use contacts_http::{ApiError, Dialect, RequestId};

use crate::key_cache::KeyCache;
use crate::metrics::Metrics;
use crate::observe::DialectName;
use crate::rate_limit::{RateLimits, Verdict};
use futures_util::FutureExt;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Gives the request a fresh UUID and sends it back as `X-Request-Id`.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = RequestId::new();
    req.extensions_mut().insert(id.clone());
    let mut response = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}

fn bearer_token(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Who the token belongs to, if it is a live key.
async fn authenticate(req: &ServiceRequest) -> Result<Option<Caller>, ApiError> {
    let Some(token) = bearer_token(req).filter(|token| is_well_formed(token)) else {
        return Ok(None);
    };
    let Some(gateway) = req.app_data::<web::Data<Gateway>>() else {
        return Err(ApiError::Core(CoreError::internal(
            "the gateway is not configured",
        )));
    };
    let hash = hash_key(&token);
    let cache = req.app_data::<web::Data<KeyCache>>().cloned();
    // Read before the look-up: a revocation that lands during it moves the count, so what the
    // look-up found is not trusted past it.
    let revocations = gateway.directory_ref().key_revocations_seen();
    if let Some(caller) = cache
        .as_ref()
        .and_then(|cache| cache.get(&hash, revocations))
    {
        return Ok(Some(caller));
    }
    let directory = gateway.directory();
    let lookup = hash.clone();
    let found = web::block(move || directory.find_key(&lookup))
        .await
        .map_err(|err| ApiError::Core(CoreError::internal(err)))?
        .map_err(ApiError::Core)?;
    let caller = found.map(|key| Caller {
        key_name: key.name,
        read_only: key.read_only,
        rate_limit: key.rate_limit,
    });
    if let (Some(cache), Some(caller)) = (cache, &caller) {
        cache.put(hash, caller.clone(), revocations);
    }
    Ok(caller)
}

/// Marks the request as the dialect's (for its log line and metrics), and answers a panic in a
/// handler with the dialect's 500 instead of dropping the connection. The request itself went
/// into the panicking future, so the answer travels as an error that carries its finished
/// response (request id included).
pub async fn catch_panics<D: Dialect>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    req.extensions_mut().insert(DialectName(D::NAME));
    let request_id = RequestId::of(req.request());
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a handler panicked".to_owned());
            let error = ApiError::Core(CoreError::internal(format!("panic: {detail}")));
            let mut response = D::respond(&error, &request_id);
            if let Ok(value) = HeaderValue::from_str(&request_id.0) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
            Err(
                actix_web::error::InternalError::from_response("a handler panicked", response)
                    .into(),
            )
        }
    }
}

/// Lets through only requests with a live key; the rest get the dialect's 401.
pub async fn require_key<D: Dialect>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let request_id = RequestId::of(req.request());
    match authenticate(&req).await {
        Ok(Some(caller)) => {
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Ok(None) => {
            let response = D::respond(&ApiError::Core(CoreError::Unauthorized), &request_id);
            Ok(req.into_response(response).map_into_right_body())
        }
        Err(err) => {
            let response = D::respond(&err, &request_id);
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

fn set_rate_limit_fields(headers: &mut actix_web::http::header::HeaderMap, verdict: &Verdict) {
    for (name, value) in [
        ("ratelimit-policy", verdict.policy_field()),
        ("ratelimit", verdict.limit_field()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// Counts the request against the caller's limits (after `require_key` named the caller):
/// past them, the dialect's 429 with `Retry-After`; either way the IETF rate-limit fields.
pub async fn rate_limit<D: Dialect>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let caller = req.extensions().get::<Caller>().cloned();
    let limits = req.app_data::<web::Data<RateLimits>>().cloned();
    let verdict = match (caller, limits) {
        (Some(caller), Some(limits)) => limits.check(D::NAME, &caller, req.method(), req.path()),
        _ => None,
    };
    let Some(verdict) = verdict else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if let Some(retry_after_secs) = verdict.refused_for {
        if let Some(metrics) = req.app_data::<web::Data<Metrics>>() {
            metrics.rate_limited();
        }
        let request_id = RequestId::of(req.request());
        let mut response = D::respond(&ApiError::RateLimited { retry_after_secs }, &request_id);
        set_rate_limit_fields(response.headers_mut(), &verdict);
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    set_rate_limit_fields(response.headers_mut(), &verdict);
    Ok(response.map_into_left_body())
}

/// A request's body, read whole for a middleware that must see it (the journal, the
/// Idempotency-Key fingerprint) and put back for the handler. It keeps at most the configured
/// limit and one chunk more, so a body past the limit costs no more memory than that and the
/// handler still answers 413; the flag says whether the limit was passed.
pub async fn read_back_body(req: &mut ServiceRequest) -> Result<(web::Bytes, bool), Error> {
    let limit = req
        .app_data::<contacts_http::BodyLimit>()
        .copied()
        .unwrap_or_default()
        .0;
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut payload).await {
        let chunk = chunk?;
        if body.len() <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    let body = body.freeze();
    req.set_payload(actix_web::dev::Payload::from(body.clone()));
    let too_large = body.len() > limit;
    Ok((body, too_large))
}
