//! The per-request context handlers extract: the request id, the calling key and the gateway.

use std::future::{ready, Ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::any::Any;

use contacts_core::events::with_origin;
use contacts_core::idempotency::{with_idempotent_write, IdempotentWrite};
use contacts_core::{
    Caller, Contact, ContactKey, CoreError, Directory, Gateway, KeysetPage, OffsetPage,
};

use crate::answer::Rendered;
use crate::error::ApiError;

/// The id of one request, sent back as `X-Request-Id` (and by Pylon in bodies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    pub fn new() -> Self {
        RequestId(uuid_v4())
    }

    /// The id the server's middleware gave this request (a fresh one outside it).
    pub fn of(req: &HttpRequest) -> Self {
        req.extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_default()
    }
}

impl Default for RequestId {
    fn default() -> Self {
        RequestId::new()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn uuid_v4() -> String {
    contacts_core::auth::random_uuid()
}

/// The dialect a request was routed to (`grow`, `pylon`, `workshop`), set by the server's
/// middleware: for log lines and metrics, and as the maker of the changes the request writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialectName(pub &'static str);

/// A claimed `Idempotency-Key` of the request's API key, set by the server's middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    pub api_key: String,
    pub key: String,
}

/// What every dialect handler starts from.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub request_id: RequestId,
    pub caller: Option<Caller>,
    pub gateway: Gateway,
    /// The dialect serving the request: the origin of the changes it makes.
    pub dialect: Option<&'static str>,
    /// The request's claimed `Idempotency-Key`, if it sent one.
    pub idempotency: Option<IdempotencyClaim>,
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let gateway = match req.app_data::<web::Data<Gateway>>() {
            Some(gateway) => gateway.get_ref().clone(),
            None => {
                return ready(Err(actix_web::error::ErrorInternalServerError(
                    "the gateway is not configured",
                )))
            }
        };
        ready(Ok(Ctx {
            request_id: RequestId::of(req),
            caller: req.extensions().get::<Caller>().cloned(),
            gateway,
            dialect: req.extensions().get::<DialectName>().map(|name| name.0),
            idempotency: req.extensions().get::<IdempotencyClaim>().cloned(),
        }))
    }
}

impl Ctx {
    pub fn caller(&self) -> Result<&Caller, ApiError> {
        self.caller
            .as_ref()
            .ok_or(ApiError::Core(CoreError::Unauthorized))
    }

    /// Checks the rules every contact write obeys: a writing key, and the API as sync source.
    pub fn authorize_contact_write(&self) -> Result<(), ApiError> {
        let caller = self.caller()?;
        self.gateway
            .authorize_contact_write(caller)
            .map_err(ApiError::Core)
    }

    /// Checks that the key may write (for writes that are not contact writes, such as accounts).
    pub fn authorize_write(&self) -> Result<(), ApiError> {
        self.caller()?.require_write().map_err(ApiError::Core)
    }

    /// One contact: from the store's memory when it has it, else read on the blocking pool.
    pub async fn contact(&self, key: ContactKey) -> Result<Arc<Contact>, ApiError> {
        if let Some(contact) = self.gateway.directory_ref().remembered_contact(&key) {
            return Ok(contact);
        }
        self.run(move |directory| directory.get_contact_to_remember(&key))
            .await
    }

    /// A keyset page: from the store's memory when it holds the page and its contacts, else
    /// read on the blocking pool.
    pub async fn page_after(&self, page: KeysetPage) -> Result<Vec<Arc<Contact>>, ApiError> {
        if let Some(found) = self.gateway.directory_ref().remembered_page_after(&page) {
            return Ok(found);
        }
        self.run(move |directory| directory.list_contacts_after(&page))
            .await
    }

    /// A page by offset and its total, as `page_after`.
    pub async fn page_by_offset(
        &self,
        page: OffsetPage,
    ) -> Result<(Vec<Arc<Contact>>, u64), ApiError> {
        if let Some(found) = self
            .gateway
            .directory_ref()
            .remembered_page_by_offset(&page)
        {
            return Ok(found);
        }
        self.run(move |directory| directory.list_contacts_by_offset(&page))
            .await
    }

    /// `run` for a write whose answer `answer` renders from the store's result `R`: under a
    /// claimed `Idempotency-Key` the store keeps that answer in the write's own transaction.
    pub async fn run_answered<T, R, F, A>(&self, answer: A, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        R: 'static,
        F: FnOnce(&dyn Directory) -> Result<T, CoreError> + Send + 'static,
        A: Fn(&R) -> Rendered + Send + Sync + 'static,
    {
        let Some(claim) = self.idempotency.clone() else {
            return self.run(work).await;
        };
        let write = Arc::new(IdempotentWrite {
            api_key: claim.api_key,
            key: claim.key,
            finisher: Box::new(move |result: &dyn Any| {
                result
                    .downcast_ref::<R>()
                    .map(|result| answer(result).stored())
            }),
        });
        self.run(move |directory| with_idempotent_write(write, || work(directory)))
            .await
    }

    /// Runs a store operation on the blocking pool, never on the actix worker.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Directory) -> Result<T, CoreError> + Send + 'static,
    {
        let directory = self.gateway.directory();
        let origin = self.dialect.unwrap_or("api");
        let work = move || with_origin(origin, || work(directory.as_ref()));
        match web::block(work).await {
            Ok(result) => result.map_err(ApiError::Core),
            Err(blocking) => Err(ApiError::Core(CoreError::internal(blocking))),
        }
    }
}
