//! Grow's error shape: `{"message": ...}`, plus `errors` on 422, with Laravel's wording.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use contacts_core::{Conflict, CoreError, Entity, ForbiddenReason, Unavailable};
use contacts_http::{
    idempotency_messages, ApiError, Dialect, RequestId, TextProblem, INJECTED_FAULT,
};

use crate::input::selected_invalid_message;
use crate::openapi::{MessageBody, ValidationBody};

/// The Grow dialect.
pub struct Grow;

pub const INVALID_DATA: &str = "The given data was invalid.";
pub const NOT_SYNC_SOURCE: &str =
    "Contacts can only be changed through the API when the API is the sync source.";

/// Failing fields and their messages, one per failed rule.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: String) {
        self.0.entry(field.to_owned()).or_default().push(message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(field: &str, message: String) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    }
}

#[derive(Debug)]
pub enum GrowError {
    Api(ApiError),
    Invalid(FieldErrors),
}

impl From<ApiError> for GrowError {
    fn from(err: ApiError) -> Self {
        GrowError::Api(err)
    }
}

impl From<CoreError> for GrowError {
    fn from(err: CoreError) -> Self {
        GrowError::Api(ApiError::Core(err))
    }
}

fn message(status: StatusCode, text: &str) -> HttpResponse {
    HttpResponse::build(status).json(MessageBody {
        message: text.to_owned(),
    })
}

fn invalid(errors: &FieldErrors) -> HttpResponse {
    HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY).json(ValidationBody {
        message: INVALID_DATA.to_owned(),
        errors: errors.0.clone(),
    })
}

/// Laravel names a route without its leading slash.
fn route_name(path: &str) -> &str {
    path.trim_start_matches('/')
}

impl Dialect for Grow {
    const NAME: &'static str = "grow";

    fn render(error: &ApiError, _request_id: &RequestId) -> HttpResponse {
        match error {
            ApiError::Core(core) => render_core(core),
            ApiError::MalformedBody(_) => message(
                StatusCode::BAD_REQUEST,
                "The request body is not valid JSON or form data.",
            ),
            ApiError::UnsupportedMediaType(_) => message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The request body must be application/json, application/x-www-form-urlencoded or multipart/form-data.",
            ),
            ApiError::PayloadTooLarge { .. } => message(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            ),
            ApiError::InvalidText { field, problem } => {
                let attribute = field.replace('_', " ");
                let rule = match problem {
                    TextProblem::NotUtf8 => "must be valid UTF-8 text",
                    TextProblem::Nul => "must not contain NUL characters",
                };
                invalid(&FieldErrors::single(
                    field,
                    format!("The {attribute} field {rule}."),
                ))
            }
            ApiError::BodyTimeout => message(
                StatusCode::REQUEST_TIMEOUT,
                "The request body did not arrive in time.",
            ),
            // Laravel's throttle middleware wording.
            ApiError::RateLimited { .. } => {
                message(StatusCode::TOO_MANY_REQUESTS, "Too Many Attempts.")
            }
            ApiError::RouteNotFound { path, .. } => message(
                StatusCode::NOT_FOUND,
                &format!("The route {} could not be found.", route_name(path)),
            ),
            ApiError::IdempotencyKeyInvalid => {
                message(StatusCode::BAD_REQUEST, idempotency_messages::INVALID)
            }
            ApiError::IdempotencyKeyReused => {
                message(StatusCode::UNPROCESSABLE_ENTITY, idempotency_messages::REUSED)
            }
            ApiError::IdempotencyKeyInFlight => {
                message(StatusCode::CONFLICT, idempotency_messages::IN_FLIGHT)
            }
            ApiError::InjectedFault { status } => message(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                INJECTED_FAULT,
            ),
            ApiError::MethodNotAllowed {
                method,
                path,
                allowed,
            } => message(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!(
                    "The {method} method is not supported for route {}. Supported methods: {}.",
                    route_name(path),
                    allowed.join(", ")
                ),
            ),
        }
    }
}

fn render_core(error: &CoreError) -> HttpResponse {
    match error {
        CoreError::NotFound(Entity::Account) => message(StatusCode::NOT_FOUND, "Client not found."),
        CoreError::NotFound(_) => message(StatusCode::NOT_FOUND, "Contact not found."),
        CoreError::Unauthorized => message(
            StatusCode::UNAUTHORIZED,
            "Unauthorized. A valid API key is required.",
        ),
        CoreError::Forbidden(ForbiddenReason::ReadOnlyKey) => {
            message(StatusCode::FORBIDDEN, "This API key is read-only.")
        }
        CoreError::Forbidden(ForbiddenReason::NotSyncSource) => {
            message(StatusCode::FORBIDDEN, NOT_SYNC_SOURCE)
        }
        CoreError::Conflict(Conflict::ContactHasNoAccount) => message(
            StatusCode::CONFLICT,
            "The contact does not belong to a client account.",
        ),
        CoreError::Conflict(Conflict::EmailTaken { .. }) => invalid(&FieldErrors::single(
            "email",
            "The email has already been taken.".into(),
        )),
        // Grow's rule for a client's owner: a user that already belongs to the client.
        CoreError::Conflict(Conflict::OwnerNotInAccount) => invalid(&FieldErrors::single(
            "owner",
            selected_invalid_message("owner"),
        )),
        CoreError::UnknownAccount => invalid(&FieldErrors::single(
            "clientid",
            "The selected clientid is invalid.".into(),
        )),
        CoreError::Conflict(_) => message(StatusCode::CONFLICT, "The resource already exists."),
        CoreError::Unavailable(Unavailable::WritersQueued | Unavailable::Contention) => message(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is busy. Nothing was changed; try again shortly.",
        ),
        CoreError::Unavailable(Unavailable::StorageFull) => message(
            StatusCode::INSUFFICIENT_STORAGE,
            "The server is out of storage space. Nothing was changed; try again later.",
        ),
        CoreError::InvalidCursor | CoreError::Internal(_) => {
            message(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
        }
    }
}

/// Turns a handler's result into the response, rendering errors in Grow's shape.
pub fn respond(request_id: &RequestId, result: Result<HttpResponse, GrowError>) -> HttpResponse {
    match result {
        Ok(response) => response,
        Err(GrowError::Api(error)) => Grow::respond(&error, request_id),
        Err(GrowError::Invalid(errors)) => invalid(&errors),
    }
}
