//! Workshop's error shape: `{"error": "..."}`, or `{"error": {field: [messages]}}` on 422.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::{Conflict, CoreError, ForbiddenReason, Unavailable};
use contacts_http::{
    idempotency_messages, ApiError, Dialect, RequestId, TextProblem, INJECTED_FAULT,
};

use crate::openapi::{ErrorBody, FieldErrorBody};

/// The Workshop dialect.
pub struct Workshop;

pub const NOT_FOUND: &str = "Contact with the given ID was not found.";
pub const NOT_SYNC_SOURCE: &str =
    "Contacts can only be changed through the API when the API is the sync source.";

/// Failing fields and their messages.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug)]
pub enum WorkshopError {
    Api(ApiError),
    Invalid(FieldErrors),
    /// A `Workshop-Version` the gateway does not speak.
    UnknownVersion(String),
}

impl From<ApiError> for WorkshopError {
    fn from(err: ApiError) -> Self {
        WorkshopError::Api(err)
    }
}

impl From<CoreError> for WorkshopError {
    fn from(err: CoreError) -> Self {
        WorkshopError::Api(ApiError::Core(err))
    }
}

impl WorkshopError {
    pub fn field(field: &str, message: &str) -> Self {
        WorkshopError::Invalid(FieldErrors::from([(
            field.to_owned(),
            vec![message.to_owned()],
        )]))
    }
}

fn error(status: StatusCode, text: &str) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        error: text.to_owned(),
    })
}

fn invalid(errors: &FieldErrors) -> HttpResponse {
    HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).json(FieldErrorBody {
        error: errors.clone(),
    })
}

impl Dialect for Workshop {
    const NAME: &'static str = "workshop";

    fn render(err: &ApiError, _request_id: &RequestId) -> HttpResponse {
        match err {
            ApiError::Core(core) => render_core(core),
            ApiError::MalformedBody(_) => error(
                StatusCode::BAD_REQUEST,
                "The request body is not valid JSON.",
            ),
            ApiError::UnsupportedMediaType(_) => error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json.",
            ),
            ApiError::PayloadTooLarge { .. } => error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            ),
            ApiError::InvalidText { field, problem } => {
                let rule = match problem {
                    TextProblem::NotUtf8 => "must be valid UTF-8 text",
                    TextProblem::Nul => "must not contain NUL characters",
                };
                invalid(&FieldErrors::from([(field.clone(), vec![rule.to_owned()])]))
            }
            ApiError::BodyTimeout => error(
                StatusCode::REQUEST_TIMEOUT,
                "The request body did not arrive in time.",
            ),
            ApiError::RateLimited { .. } => {
                error(StatusCode::TOO_MANY_REQUESTS, "Too many requests.")
            }
            ApiError::RouteNotFound { .. } => error(StatusCode::NOT_FOUND, "Not found."),
            ApiError::MethodNotAllowed { .. } => {
                error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
            }
            ApiError::IdempotencyKeyInvalid => {
                error(StatusCode::BAD_REQUEST, idempotency_messages::INVALID)
            }
            ApiError::IdempotencyKeyReused => error(
                StatusCode::UNPROCESSABLE_ENTITY,
                idempotency_messages::REUSED,
            ),
            ApiError::IdempotencyKeyInFlight => {
                error(StatusCode::CONFLICT, idempotency_messages::IN_FLIGHT)
            }
            ApiError::InjectedFault { status } => error(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                INJECTED_FAULT,
            ),
        }
    }
}

fn render_core(err: &CoreError) -> HttpResponse {
    match err {
        CoreError::NotFound(_) => error(StatusCode::NOT_FOUND, NOT_FOUND),
        CoreError::Unauthorized => error(StatusCode::UNAUTHORIZED, "Unauthorized"),
        CoreError::Forbidden(ForbiddenReason::ReadOnlyKey) => {
            error(StatusCode::FORBIDDEN, "This API key is read-only.")
        }
        CoreError::Forbidden(ForbiddenReason::NotSyncSource) => {
            error(StatusCode::FORBIDDEN, NOT_SYNC_SOURCE)
        }
        CoreError::Conflict(Conflict::ExternalIdTaken { .. }) => error(
            StatusCode::CONFLICT,
            "Contact with the same external_id already exists",
        ),
        CoreError::Conflict(Conflict::EmailTaken { .. }) => invalid(&FieldErrors::from([(
            "email".to_owned(),
            vec!["has already been taken".to_owned()],
        )])),
        CoreError::Conflict(_) => error(StatusCode::CONFLICT, "Conflict"),
        CoreError::InvalidCursor => invalid(&FieldErrors::from([(
            "cursor".to_owned(),
            vec!["is invalid".to_owned()],
        )])),
        CoreError::Unavailable(Unavailable::WritersQueued | Unavailable::Contention) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is busy. Nothing was changed; try again shortly.",
        ),
        CoreError::Unavailable(Unavailable::StorageFull) => error(
            StatusCode::INSUFFICIENT_STORAGE,
            "The server is out of storage space. Nothing was changed; try again later.",
        ),
        CoreError::UnknownAccount | CoreError::Internal(_) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
        }
    }
}

/// Turns a handler's result into the response, rendering errors in Workshop's shape.
pub fn respond(
    request_id: &RequestId,
    result: Result<HttpResponse, WorkshopError>,
) -> HttpResponse {
    match result {
        Ok(response) => response,
        Err(WorkshopError::Api(err)) => Workshop::respond(&err, request_id),
        Err(WorkshopError::Invalid(errors)) => invalid(&errors),
        Err(WorkshopError::UnknownVersion(version)) => error(
            StatusCode::BAD_REQUEST,
            &format!(
                "Unsupported Workshop-Version \"{version}\". Supported versions: 1.0, 1.1, 1.2."
            ),
        ),
    }
}
