//! `Idempotency-Key` on any POST, PATCH, PUT or DELETE of any dialect (the IETF httpapi draft,
//! Stripe's semantics). Before the handler: the key is checked, the request fingerprinted
//! (method, path and query, body) and the key claimed for the calling API key. A repeat of a
//! finished request gets its stored answer again, byte for byte, with
//! `Idempotent-Replayed: true`, and changes nothing; the key with another request is 422; the
//! key while its first request runs is 409. The answer itself is stored by the store, in the
//! same transaction as the change (`contacts_core::idempotency`); a request that changed
//! nothing (refused, invalid) releases the key and stores nothing.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use contacts_core::idempotency::Claim;
use contacts_core::{Caller, CoreError, Gateway, Timestamp};
use contacts_http::{replayed, ApiError, Dialect, IdempotencyClaim, RequestId};
use sha2::{Digest, Sha256};

use crate::middleware::read_back_body;

const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
/// How long a claim holds while its request runs; a request that never finished (the process
/// died before it committed) frees its key after this.
const LEASE: Duration = Duration::from_secs(60);

/// 1 to 255 visible ASCII characters.
fn is_valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The request as a key's first use remembers it: method, path and query, body.
pub fn fingerprint(method: &Method, path_and_query: &str, body: &[u8]) -> String {
    let mut digest = Sha256::new();
    digest.update(method.as_str().as_bytes());
    digest.update(b"\n");
    digest.update(path_and_query.as_bytes());
    digest.update(b"\n");
    digest.update(body);
    digest
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

pub async fn idempotent<D: Dialect>(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let writes = matches!(
        *req.method(),
        Method::POST | Method::PATCH | Method::PUT | Method::DELETE
    );
    let header = req.headers().get(HEADER).cloned();
    let caller = req.extensions().get::<Caller>().cloned();
    let (true, Some(header), Some(caller)) = (writes, header, caller) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let request_id = RequestId::of(req.request());
    let refuse = |req: ServiceRequest, error: ApiError| {
        Ok(req.into_response(D::respond(&error, &request_id)))
    };
    let key = match header.to_str() {
        Ok(key) if is_valid_key(key) => key.to_owned(),
        _ => return refuse(req, ApiError::IdempotencyKeyInvalid),
    };
    let (body, too_large) = read_back_body(&mut req).await?;
    if too_large {
        // Past the body limit the handler answers 413, which stores nothing.
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    let print = fingerprint(req.method(), &path, &body);
    let Some(gateway) = req.app_data::<web::Data<Gateway>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let directory = gateway.directory();
    let (api_key, claimed_key) = (caller.key_name.clone(), key.clone());
    let claim = web::block(move || {
        directory.claim_idempotency_key(&api_key, &claimed_key, &print, Timestamp::from_now(LEASE))
    })
    .await
    .map_err(CoreError::internal)
    .and_then(|claim| claim);
    match claim {
        Err(err) => refuse(req, ApiError::Core(err)),
        Ok(Claim::Mismatch) => refuse(req, ApiError::IdempotencyKeyReused),
        Ok(Claim::InFlight) => refuse(req, ApiError::IdempotencyKeyInFlight),
        Ok(Claim::Replay(stored)) => {
            let mut response = replayed(&stored);
            response.headers_mut().insert(
                HeaderName::from_static(REPLAYED),
                HeaderValue::from_static("true"),
            );
            Ok(req.into_response(response))
        }
        Ok(Claim::Claimed) => {
            req.extensions_mut().insert(IdempotencyClaim {
                api_key: caller.key_name.clone(),
                key: key.clone(),
            });
            let response = next.call(req).await;
            // A write that committed stored its answer and left the claim done; anything else
            // (refused, invalid, failed) stores nothing and frees the key.
            let directory = gateway.directory();
            let released =
                web::block(move || directory.release_idempotency_key(&caller.key_name, &key)).await;
            if !matches!(released, Ok(Ok(()))) {
                log::warn!(
                    "an Idempotency-Key claim was not released; it frees itself in {} s",
                    LEASE.as_secs()
                );
            }
            response.map(ServiceResponse::map_into_boxed_body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(is_valid_key("order-42_retry:1"));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("has space"));
        assert!(!is_valid_key("é"));
        assert!(!is_valid_key(&"k".repeat(256)));
        assert!(is_valid_key(&"k".repeat(255)));
    }
}
