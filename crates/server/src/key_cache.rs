//! A cache of authenticated keys, so a request does not pay a database round trip just to learn
//! who is calling. Two rules keep it true:
//! - an entry holds only while the store has seen no key revoked since the key was looked up
//!   (`keys revoke` runs in another process), so a revoked key is refused as soon as the
//!   store's watcher sees the revocation (within about 10 ms on SQLite); while the store cannot
//!   see revocations, nothing is remembered;
//! - an entry lives at most `KEY_CACHE_TTL` in any case.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use contacts_core::Caller;

pub const KEY_CACHE_TTL: Duration = Duration::from_secs(60);
/// More distinct live keys than this is not a real workload; start afresh.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
struct Entry {
    caller: Caller,
    checked: Instant,
    /// The store's count of revoked keys when the key was looked up.
    revocations: u64,
}

#[derive(Debug, Default)]
pub struct KeyCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl KeyCache {
    /// The caller for this key hash, if it was confirmed live with no key revoked since.
    /// `revocations` is the store's count now (`None`: unknown, so nothing holds).
    pub fn get(&self, key_hash: &str, revocations: Option<u64>) -> Option<Caller> {
        let now = revocations?;
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key_hash)
            .filter(|entry| entry.revocations == now && entry.checked.elapsed() < KEY_CACHE_TTL)
            .map(|entry| entry.caller.clone())
    }

    /// Remembers a caller looked up when the store's count of revoked keys was `revocations`
    /// (read before the look-up began).
    pub fn put(&self, key_hash: String, caller: Caller, revocations: Option<u64>) {
        let Some(revocations) = revocations else {
            return;
        };
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key_hash,
            Entry {
                caller,
                checked: Instant::now(),
                revocations,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> Caller {
        Caller {
            key_name: "k".into(),
            read_only: false,
            rate_limit: None,
        }
    }

    #[test]
    fn a_revocation_forgets_every_key() {
        let cache = KeyCache::default();
        assert!(cache.get("h", Some(3)).is_none());
        cache.put("h".into(), caller(), Some(3));
        assert_eq!(cache.get("h", Some(3)), Some(caller()));
        assert!(cache.get("h", Some(4)).is_none(), "a key was revoked since");
        assert!(
            cache.get("h", None).is_none(),
            "the store cannot see revocations"
        );
    }

    #[test]
    fn nothing_is_remembered_while_revocations_cannot_be_seen() {
        let cache = KeyCache::default();
        cache.put("h".into(), caller(), None);
        assert!(cache.get("h", Some(0)).is_none());
    }

    #[test]
    fn entries_expire() {
        let cache = KeyCache::default();
        cache.entries.lock().expect("lock").insert(
            "old".into(),
            Entry {
                caller: caller(),
                checked: Instant::now() - KEY_CACHE_TTL,
                revocations: 1,
            },
        );
        assert!(cache.get("old", Some(1)).is_none());
    }
}
