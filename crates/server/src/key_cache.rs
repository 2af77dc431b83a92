//! A short-lived cache of authenticated keys, so a request does not pay a database round trip
//! just to learn who is calling. Only live keys are cached, for at most `KEY_CACHE_TTL`: a key
//! revoked from the command line stops working within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use contacts_core::Caller;

pub const KEY_CACHE_TTL: Duration = Duration::from_secs(1);
/// More distinct live keys than this in one second is not a real workload; start afresh.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Default)]
pub struct KeyCache {
    entries: Mutex<HashMap<String, (Caller, Instant)>>,
}

impl KeyCache {
    /// The caller for this key hash, if it was confirmed live less than `KEY_CACHE_TTL` ago.
    pub fn get(&self, key_hash: &str) -> Option<Caller> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key_hash)
            .filter(|(_, checked)| checked.elapsed() < KEY_CACHE_TTL)
            .map(|(caller, _)| caller.clone())
    }

    pub fn put(&self, key_hash: String, caller: Caller) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key_hash, (caller, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire() {
        let cache = KeyCache::default();
        let caller = Caller {
            key_name: "k".into(),
            read_only: false,
        };
        assert!(cache.get("h").is_none());
        cache.put("h".into(), caller.clone());
        assert_eq!(cache.get("h"), Some(caller.clone()));
        cache
            .entries
            .lock()
            .expect("lock")
            .insert("old".into(), (caller, Instant::now() - KEY_CACHE_TTL));
        assert!(cache.get("old").is_none());
    }
}
