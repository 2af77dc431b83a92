//! Errors of the HTTP layer, and the hook each dialect implements to put them in its own shape.

use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::HttpResponse;
use contacts_core::CoreError;

use crate::context::RequestId;

/// Everything that can go wrong in a request before the dialect's own validation.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    Core(CoreError),
    /// The body is not valid JSON (or form data), or not an object.
    MalformedBody(String),
    /// A content type the route does not read.
    UnsupportedMediaType(String),
    PayloadTooLarge {
        limit: usize,
    },
    /// The body did not arrive within the configured time (a client trickling it in).
    BodyTimeout,
    /// A text value in the body that is not text: bytes that are not UTF-8 (form data), or a
    /// NUL character. `field` names it as the body does (`name`, `attributes.note`).
    InvalidText {
        field: String,
        problem: TextProblem,
    },
    /// The key has used up its rate limit; it may try again after this many seconds.
    RateLimited {
        retry_after_secs: u64,
    },
    RouteNotFound {
        method: String,
        path: String,
    },
    MethodNotAllowed {
        method: String,
        path: String,
        allowed: Vec<String>,
    },
    /// The `Idempotency-Key` header is not 1 to 255 visible ASCII characters.
    IdempotencyKeyInvalid,
    /// The key was used before for a different request (method, path or body).
    IdempotencyKeyReused,
    /// The key's first request is still being processed.
    IdempotencyKeyInFlight,
    /// A failure the sandbox injects on purpose (`PUT /_sandbox/faults`), with this status.
    InjectedFault {
        status: u16,
    },
}

/// What an injected failure says, in every dialect's shape.
pub const INJECTED_FAULT: &str = "Injected fault (sandbox): retry as your client would.";

/// The words every dialect uses for `Idempotency-Key` refusals (in its own shape).
pub mod idempotency_messages {
    pub const INVALID: &str =
        "The Idempotency-Key header must be 1 to 255 visible ASCII characters.";
    pub const REUSED: &str = "This Idempotency-Key was already used for a different request.";
    pub const IN_FLIGHT: &str = "A request with this Idempotency-Key is still being processed.";
}

/// Why a body's value is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    NotUtf8,
    Nul,
}

impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> Self {
        ApiError::Core(err)
    }
}

impl ApiError {
    /// Seconds a client should wait before sending the request again, when waiting helps.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            ApiError::InjectedFault { status: 429 | 503 } => Some(1),
            ApiError::Core(CoreError::Unavailable(reason)) => Some(reason.retry_after_secs()),
            _ => None,
        }
    }

    /// Unexpected failures are logged with the request id; the client only gets a generic answer.
    pub fn log(&self, request_id: &RequestId) {
        if let ApiError::Core(CoreError::Internal(detail)) = self {
            log::error!("request {request_id} failed: {detail}");
        }
    }
}

/// A dialect's error shape: how it answers each [`ApiError`].
pub trait Dialect: 'static {
    /// The dialect's name as operators see it (`grow`, `pylon`, `workshop`): in rate-limit
    /// policies, metrics labels and log lines.
    const NAME: &'static str;

    fn render(error: &ApiError, request_id: &RequestId) -> HttpResponse;

    /// Renders and logs; what handlers and middleware call. An error a client should retry
    /// carries `Retry-After`, whichever dialect words it.
    fn respond(error: &ApiError, request_id: &RequestId) -> HttpResponse {
        error.log(request_id);
        let mut response = Self::render(error, request_id);
        if let Some(seconds) = error.retry_after_secs() {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
