//! The one error enum of the domain. Dialects decide the status code and body for each variant.

use thiserror::Error;

/// What kind of record a [`CoreError::NotFound`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Contact,
    Account,
    ApiKey,
}

/// A uniqueness rule a write would have broken, with the live record that already holds the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// A live contact already has this email (compared case-insensitively).
    EmailTaken {
        existing_id: i64,
        existing_uid: String,
    },
    /// A live contact already has this external id.
    ExternalIdTaken {
        existing_id: i64,
        existing_uid: String,
    },
    /// An account already has this external id.
    AccountExternalIdTaken { existing_uid: String },
    /// An API key with this name exists.
    KeyNameTaken,
    /// The contact belongs to no account, so it cannot be an account owner.
    ContactHasNoAccount,
    /// The contact named as an account's owner is not a live contact of that account.
    OwnerNotInAccount,
}

/// Why an authenticated caller may not do what it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbiddenReason {
    /// The key is read-only and the request writes.
    ReadOnlyKey,
    /// The configured sync source is not the API, so contacts are changed only by imports.
    NotSyncSource,
}

/// Why the store cannot take a request now, though the request itself is fine: the client
/// should send it again later, and nothing of it was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// More writes are waiting than the configured bound (load shedding).
    WritersQueued,
    /// A write met another one at the same moment on another node (a uniqueness race, a
    /// serialization failure) and was retried as often as it may be.
    Contention,
    /// The disk is full: writes fail until space returns.
    StorageFull,
}

impl Unavailable {
    /// How long a client should wait before trying again, in seconds.
    pub fn retry_after_secs(self) -> u64 {
        match self {
            Unavailable::WritersQueued | Unavailable::Contention => 1,
            Unavailable::StorageFull => 30,
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum CoreError {
    #[error("{0:?} not found")]
    NotFound(Entity),
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A write names an account that does not exist.
    #[error("the referenced account does not exist")]
    UnknownAccount,
    #[error("forbidden: {0:?}")]
    Forbidden(ForbiddenReason),
    #[error("unauthorized")]
    Unauthorized,
    #[error("invalid cursor")]
    InvalidCursor,
    #[error("unavailable: {0:?}")]
    Unavailable(Unavailable),
    /// Something the client cannot fix: a database failure, a bug. The text is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn internal(err: impl std::fmt::Display) -> Self {
        CoreError::Internal(err.to_string())
    }
}
