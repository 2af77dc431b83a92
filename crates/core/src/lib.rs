//! contacts-core: the domain of the gateway (accounts, contacts, attributes), the query model,
//! keyset cursors, API keys and the one error enum every layer above speaks. No actix, no Diesel.

pub mod account;
pub mod auth;
pub mod contact;
pub mod cursor;
pub mod directory;
pub mod error;
pub mod events;
pub mod gateway;
pub mod idempotency;
pub mod observe;
pub mod phone;
pub mod query;
pub mod time;
pub mod validate;
pub mod webhooks;

pub use account::{Account, AccountChanges, AccountKey, AccountSummary, NewAccount};
pub use auth::{ApiKey, Caller, KeyRecord, RateLimit};
pub use contact::{
    AttributeValue, Contact, ContactChanges, ContactKey, ContactStatus, ExternalId, NewContact,
    OutgoingEmail, QueuedEmail, Social,
};
pub use cursor::{Cursor, CursorError, SortValue};
pub use directory::{Directory, ImportOutcome, ImportRow, ImportRowError, ImportSummary};
pub use error::{Conflict, CoreError, Entity, ForbiddenReason, Unavailable};
pub use events::{ChangeEvent, EventKind, FeedPosition};
pub use gateway::{Gateway, SyncSource};
pub use observe::{StoreObserver, Unobserved};
pub use query::{
    AccountQuery, AccountSort, Condition, FilterField, FilterNode, KeysetPage, OffsetPage,
    Operator, Order, SortKey, MAX_SEARCH_TERM_CHARS,
};
pub use time::Timestamp;
pub use webhooks::WebhookEndpoint;
