//! The gateway service every dialect holds: the store plus the rules that span dialects
//! (who may write, and whether the API is the sync source).

use std::sync::Arc;

use crate::auth::Caller;
use crate::directory::Directory;
use crate::error::{CoreError, ForbiddenReason};

/// Where contact data comes from: `api`, or the name of an outside system fed by imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSource(String);

impl SyncSource {
    pub const API: &'static str = "api";

    pub fn new(name: impl Into<String>) -> Self {
        SyncSource(name.into())
    }

    pub fn is_api(&self) -> bool {
        self.0 == Self::API
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

#[derive(Clone)]
pub struct Gateway {
    directory: Arc<dyn Directory>,
    sync_source: SyncSource,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("sync_source", &self.sync_source)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    pub fn new(directory: Arc<dyn Directory>, sync_source: SyncSource) -> Self {
        Gateway {
            directory,
            sync_source,
        }
    }

    /// A handle to the store, to move into a blocking task.
    pub fn directory(&self) -> Arc<dyn Directory> {
        Arc::clone(&self.directory)
    }

    /// The store, for calls that never block (such as `remembered_contact`).
    pub fn directory_ref(&self) -> &dyn Directory {
        self.directory.as_ref()
    }

    pub fn sync_source(&self) -> &SyncSource {
        &self.sync_source
    }

    /// Checked first by every contact write, in every dialect, before the body is even read.
    pub fn authorize_contact_write(&self, caller: &Caller) -> Result<(), CoreError> {
        caller.require_write()?;
        if self.sync_source.is_api() {
            Ok(())
        } else {
            Err(CoreError::Forbidden(ForbiddenReason::NotSyncSource))
        }
    }
}
