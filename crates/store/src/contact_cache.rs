//! The contacts this process read lately, kept in memory so that a repeated get by id answers
//! without SQLite; forgotten whole on every write this process or another one commits.
//!
//! Correctness rests on two rules. Every write forgets everything (a write can change contacts
//! beyond the one it names: an account's new name shows in each of its contacts). A read may
//! remember what it loaded only if nothing was forgotten since before its transaction began,
//! which the epoch tells: without that, a read that began before a write and finished after
//! it would put back what the write just made stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use contacts_core::{Contact, ContactKey};

/// Contacts per generation. Two generations are kept, so at most twice this many live here;
/// at about 1 KiB a contact that stays well under the memory the server is allowed.
const PER_GENERATION: usize = 8192;

/// What a read notes before its transaction, to hand back with what it loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(u64);

#[derive(Default)]
pub struct ContactCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    epoch: u64,
    /// Set while writes by other processes cannot be watched: nothing is remembered then.
    blind: bool,
    current: Generation,
    /// The generation before: a hit here moves the contact back into `current`. Dropping a
    /// whole generation when `current` fills keeps what is read often, without an LRU list.
    previous: Generation,
}

#[derive(Default)]
struct Generation {
    by_id: HashMap<i64, Arc<Contact>>,
    by_uid: HashMap<String, Arc<Contact>>,
}

impl Generation {
    fn find(&self, key: &ContactKey) -> Option<&Arc<Contact>> {
        match key {
            ContactKey::Id(id) => self.by_id.get(id),
            ContactKey::Uid(uid) => self.by_uid.get(uid.as_str()),
            // Whether an external id matches depends on the sync source: always asked of SQLite.
            ContactKey::External { .. } => None,
        }
    }

    fn insert(&mut self, contact: Arc<Contact>) {
        self.by_uid
            .insert(contact.uid.clone(), Arc::clone(&contact));
        self.by_id.insert(contact.id, contact);
    }
}

impl ContactCache {
    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing here panics while holding the lock; if it ever did, the maps are still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The contact, if it is remembered. Never touches the database.
    pub fn find(&self, key: &ContactKey) -> Option<Arc<Contact>> {
        let mut state = self.state();
        if let Some(found) = state.current.find(key) {
            return Some(Arc::clone(found));
        }
        let found = Arc::clone(state.previous.find(key)?);
        state.remember_in_current(Arc::clone(&found));
        Some(found)
    }

    /// To be taken before the read transaction whose result will be remembered.
    pub fn epoch(&self) -> Epoch {
        Epoch(self.state().epoch)
    }

    /// Remembers a contact read in a transaction that began after `seen` was taken, unless
    /// something was forgotten since.
    pub fn remember(&self, contact: Arc<Contact>, seen: Epoch) {
        let mut state = self.state();
        if state.epoch == seen.0 && !state.blind {
            state.remember_in_current(contact);
        }
    }

    /// Forgets every contact: called after every committed write.
    pub fn forget_all(&self) {
        self.state().forget_all();
    }

    /// While blind, nothing is remembered (used when other processes' writes cannot be seen).
    pub fn set_blind(&self, blind: bool) {
        let mut state = self.state();
        if blind {
            state.forget_all();
        }
        state.blind = blind;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let state = self.state();
        state.current.by_id.len() + state.previous.by_id.len()
    }
}

impl State {
    fn forget_all(&mut self) {
        self.epoch += 1;
        self.current = Generation::default();
        self.previous = Generation::default();
    }

    fn remember_in_current(&mut self, contact: Arc<Contact>) {
        if self.current.by_id.len() >= PER_GENERATION {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(contact);
    }
}

#[cfg(test)]
mod tests {
    use contacts_core::{ContactStatus, Social, Timestamp};

    use super::*;

    fn contact(id: i64) -> Arc<Contact> {
        Arc::new(Contact {
            id,
            uid: format!("uid-{id}"),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: None,
            emails: Vec::new(),
            phone: None,
            phones: Vec::new(),
            job_position: None,
            status: ContactStatus::Active,
            account: None,
            account_owner: false,
            role_id: 2,
            portal_role: None,
            portal_role_id: None,
            avatar_url: None,
            social: Social::default(),
            attributes: Default::default(),
            external_ids: Vec::new(),
            source: "api".into(),
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        })
    }

    #[test]
    fn a_remembered_contact_is_found_by_id_and_by_uid_but_never_by_external_id() {
        let cache = ContactCache::default();
        cache.remember(contact(7), cache.epoch());
        assert_eq!(cache.find(&ContactKey::Id(7)).map(|c| c.id), Some(7));
        assert_eq!(
            cache.find(&ContactKey::Uid("uid-7".into())).map(|c| c.id),
            Some(7)
        );
        assert!(cache.find(&ContactKey::Id(8)).is_none());
        let external = ContactKey::External {
            external_id: "uid-7".into(),
            only_source: None,
        };
        assert!(cache.find(&external).is_none());
    }

    #[test]
    fn a_read_that_began_before_a_write_is_not_remembered() {
        let cache = ContactCache::default();
        let seen = cache.epoch();
        cache.forget_all();
        cache.remember(contact(1), seen);
        assert!(cache.find(&ContactKey::Id(1)).is_none());
        cache.remember(contact(1), cache.epoch());
        assert!(cache.find(&ContactKey::Id(1)).is_some());
    }

    #[test]
    fn forgetting_drops_every_contact() {
        let cache = ContactCache::default();
        cache.remember(contact(1), cache.epoch());
        cache.remember(contact(2), cache.epoch());
        cache.forget_all();
        assert!(cache.find(&ContactKey::Id(1)).is_none());
        assert!(cache.find(&ContactKey::Uid("uid-2".into())).is_none());
    }

    #[test]
    fn nothing_is_remembered_while_blind() {
        let cache = ContactCache::default();
        cache.remember(contact(1), cache.epoch());
        cache.set_blind(true);
        assert!(cache.find(&ContactKey::Id(1)).is_none());
        cache.remember(contact(2), cache.epoch());
        assert!(cache.find(&ContactKey::Id(2)).is_none());
        cache.set_blind(false);
        cache.remember(contact(2), cache.epoch());
        assert!(cache.find(&ContactKey::Id(2)).is_some());
    }

    #[test]
    fn memory_is_bounded_and_what_is_read_again_survives() {
        let cache = ContactCache::default();
        let total = PER_GENERATION as i64 * 3;
        for id in 1..=total {
            cache.remember(contact(id), cache.epoch());
            // Contact 1 is read all along, so it keeps moving back into the current generation.
            assert!(cache.find(&ContactKey::Id(1)).is_some(), "lost at {id}");
        }
        assert!(cache.len() <= 2 * PER_GENERATION);
        assert!(cache.find(&ContactKey::Id(2)).is_none());
        assert!(cache.find(&ContactKey::Id(total)).is_some());
    }
}
