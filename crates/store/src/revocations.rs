//! Revoked keys as an engine's watcher last counted them, for the server's cache of keys: the
//! count moves with each revocation (keys are never un-revoked) and with nothing else.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// How many keys are revoked, as the watcher last counted them, and whether it can look at
/// all. Keys are only ever revoked (never un-revoked), so the count moves with each revocation
/// and with nothing else: contact writes leave remembered keys alone.
#[derive(Debug, Default)]
pub struct KeyRevocations {
    revoked: AtomicU64,
    blind: AtomicBool,
}

impl KeyRevocations {
    /// The count of revoked keys, or `None` while the watcher cannot look.
    pub fn seen(&self) -> Option<u64> {
        (!self.blind.load(Ordering::Acquire)).then(|| self.revoked.load(Ordering::Acquire))
    }

    pub(crate) fn set(&self, revoked: u64) {
        self.revoked.store(revoked, Ordering::Release);
    }

    pub(crate) fn set_blind(&self, blind: bool) {
        self.blind.store(blind, Ordering::Release);
    }
}
