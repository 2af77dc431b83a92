//! Pylon's error shape: `{"errors": [..], "request_id": ..}`, plus `exists_id` on duplicates.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::{Conflict, CoreError, Entity, ForbiddenReason, Unavailable};
use contacts_http::{
    idempotency_messages, ApiError, Dialect, RequestId, TextProblem, INJECTED_FAULT,
};

use crate::openapi::ErrorBody;

/// The Pylon dialect.
pub struct Pylon;

pub const NOT_SYNC_SOURCE: &str =
    "Contacts can only be changed through the API when the API is the sync source.";

#[derive(Debug)]
pub enum PylonError {
    Api(ApiError),
    /// Validation failures: one message per problem, answered 400.
    Invalid(Vec<String>),
}

impl From<ApiError> for PylonError {
    fn from(err: ApiError) -> Self {
        PylonError::Api(err)
    }
}

impl From<CoreError> for PylonError {
    fn from(err: CoreError) -> Self {
        PylonError::Api(ApiError::Core(err))
    }
}

impl PylonError {
    pub fn invalid(message: impl Into<String>) -> Self {
        PylonError::Invalid(vec![message.into()])
    }
}

fn errors(status: StatusCode, messages: &[&str], request_id: &RequestId) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        errors: messages.iter().map(|m| (*m).to_owned()).collect(),
        request_id: request_id.0.clone(),
        exists_id: None,
    })
}

fn duplicate(message: &str, existing: &str, request_id: &RequestId) -> HttpResponse {
    HttpResponse::build(StatusCode::CONFLICT).json(ErrorBody {
        errors: vec![message.to_owned()],
        request_id: request_id.0.clone(),
        exists_id: Some(existing.to_owned()),
    })
}

impl Dialect for Pylon {
    const NAME: &'static str = "pylon";

    fn render(error: &ApiError, request_id: &RequestId) -> HttpResponse {
        let rid = request_id;
        match error {
            ApiError::Core(core) => render_core(core, rid),
            ApiError::MalformedBody(_) => {
                errors(StatusCode::BAD_REQUEST, &["Invalid JSON body"], rid)
            }
            ApiError::UnsupportedMediaType(_) => errors(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &["Content-Type must be application/json"],
                rid,
            ),
            ApiError::PayloadTooLarge { .. } => errors(
                StatusCode::PAYLOAD_TOO_LARGE,
                &["Request body too large"],
                rid,
            ),
            ApiError::InvalidText { field, problem } => {
                let rule = match problem {
                    TextProblem::NotUtf8 => "must be valid UTF-8 text",
                    TextProblem::Nul => "must not contain NUL characters",
                };
                errors(StatusCode::BAD_REQUEST, &[&format!("{field} {rule}")], rid)
            }
            ApiError::BodyTimeout => errors(
                StatusCode::REQUEST_TIMEOUT,
                &["Request body not received in time"],
                rid,
            ),
            ApiError::RateLimited { .. } => {
                errors(StatusCode::TOO_MANY_REQUESTS, &["Too many requests"], rid)
            }
            ApiError::RouteNotFound { .. } => errors(StatusCode::NOT_FOUND, &["Not found"], rid),
            ApiError::MethodNotAllowed { .. } => {
                errors(StatusCode::METHOD_NOT_ALLOWED, &["Method not allowed"], rid)
            }
            ApiError::IdempotencyKeyInvalid => errors(
                StatusCode::BAD_REQUEST,
                &[idempotency_messages::INVALID],
                rid,
            ),
            ApiError::IdempotencyKeyReused => errors(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[idempotency_messages::REUSED],
                rid,
            ),
            ApiError::IdempotencyKeyInFlight => errors(
                StatusCode::CONFLICT,
                &[idempotency_messages::IN_FLIGHT],
                rid,
            ),
            ApiError::InjectedFault { status } => errors(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                &[INJECTED_FAULT],
                rid,
            ),
        }
    }
}

fn render_core(error: &CoreError, rid: &RequestId) -> HttpResponse {
    match error {
        CoreError::NotFound(Entity::Account) => {
            errors(StatusCode::NOT_FOUND, &["Account not found!"], rid)
        }
        CoreError::NotFound(_) => errors(StatusCode::NOT_FOUND, &["Contact not found!"], rid),
        CoreError::UnknownAccount => errors(StatusCode::NOT_FOUND, &["Account not found!"], rid),
        CoreError::Unauthorized => errors(StatusCode::UNAUTHORIZED, &["Unauthorized"], rid),
        CoreError::Forbidden(ForbiddenReason::ReadOnlyKey) => {
            errors(StatusCode::FORBIDDEN, &["This API key is read-only."], rid)
        }
        CoreError::Forbidden(ForbiddenReason::NotSyncSource) => {
            errors(StatusCode::FORBIDDEN, &[NOT_SYNC_SOURCE], rid)
        }
        CoreError::Conflict(Conflict::EmailTaken { existing_uid, .. }) => duplicate(
            "A contact with this email already exists.",
            existing_uid,
            rid,
        ),
        CoreError::Conflict(Conflict::ExternalIdTaken { existing_uid, .. }) => duplicate(
            "A contact with this external ID already exists.",
            existing_uid,
            rid,
        ),
        CoreError::Conflict(Conflict::AccountExternalIdTaken { existing_uid }) => duplicate(
            "An account with this external ID already exists.",
            existing_uid,
            rid,
        ),
        CoreError::Conflict(
            Conflict::ContactHasNoAccount | Conflict::KeyNameTaken | Conflict::OwnerNotInAccount,
        ) => errors(StatusCode::CONFLICT, &["Conflict"], rid),
        CoreError::InvalidCursor => errors(StatusCode::BAD_REQUEST, &["cursor is invalid"], rid),
        CoreError::Unavailable(Unavailable::WritersQueued | Unavailable::Contention) => errors(
            StatusCode::SERVICE_UNAVAILABLE,
            &["Server busy, nothing was changed; retry later"],
            rid,
        ),
        CoreError::Unavailable(Unavailable::StorageFull) => errors(
            StatusCode::INSUFFICIENT_STORAGE,
            &["Server out of storage space, nothing was changed; retry later"],
            rid,
        ),
        CoreError::Internal(_) => errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            &["Internal server error"],
            rid,
        ),
    }
}

/// Turns a handler's result into the response, rendering errors in Pylon's shape.
pub fn respond(request_id: &RequestId, result: Result<HttpResponse, PylonError>) -> HttpResponse {
    match result {
        Ok(response) => response,
        Err(PylonError::Api(error)) => Pylon::respond(&error, request_id),
        Err(PylonError::Invalid(messages)) => {
            let messages: Vec<&str> = messages.iter().map(String::as_str).collect();
            errors(StatusCode::BAD_REQUEST, &messages, request_id)
        }
    }
}
