//! The contacts this process read lately, kept in memory so that a repeated get by id answers
//! without the database, and the pages it answered (page_memory.rs); forgotten whole on every
//! write this process or another one commits.
//!
//! Correctness rests on two rules. Every write forgets everything (a write can change contacts
//! beyond the one it names: an account's new name shows in each of its contacts). A read may
//! remember what it loaded only if nothing was forgotten since before its transaction began,
//! which the epoch tells: without that, a read that began before a write and finished after
//! it would put back what the write just made stale.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use contacts_core::{AttributeValue, Contact, ContactKey};

use crate::account_memory::{AccountEntry, Accounts};
use crate::page_memory::{PageKey, Pages, RememberedPage};

/// Contacts per generation. Two generations are kept, so at most twice this many live here.
const PER_GENERATION: usize = 8192;

/// Bytes of contact data per generation, roughly counted. A contact can carry up to a request
/// body of attributes (1 MiB by default), so a bound on the count alone would not bound memory.
const BYTES_PER_GENERATION: usize = 16 * 1024 * 1024;

/// A contact bigger than this is not remembered: it would push out hundreds of others.
const LARGEST_REMEMBERED: usize = 64 * 1024;

/// Ids of contacts deep pages loaded once, per generation of notes (two are kept): about ten
/// pages of 100. A deep page loaded again within them is remembered; the pages of a walk
/// over random cursors (500 of them in the benchmark) mostly come back later than that, and
/// remembering them churned the memory (the walk's peak RSS at 1 000 000 contacts: 118 MiB
/// with notes of 8 192 ids, 101 MiB with these).
const LOADED_ONCE_PER_GENERATION: usize = 512;

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
    /// Ids that deep pages loaded once and did not remember, in two generations as above:
    /// the second load of one within them remembers it. Ids only, so no write makes them stale.
    loaded_once: [HashSet<i64>; 2],
    /// Which contacts the pages answered since the last write held (page_memory.rs).
    pages: Pages,
    /// The accounts contacts loaded lately showed (account_memory.rs).
    accounts: Accounts,
}

#[derive(Default)]
struct Generation {
    by_id: HashMap<i64, Arc<Contact>>,
    by_uid: HashMap<String, Arc<Contact>>,
    /// The `approximate_size` of the contacts held.
    bytes: usize,
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

    fn insert(&mut self, contact: Arc<Contact>, bytes: usize) {
        self.bytes += bytes;
        self.by_uid
            .insert(contact.uid.clone(), Arc::clone(&contact));
        if let Some(replaced) = self.by_id.insert(contact.id, contact) {
            self.bytes = self.bytes.saturating_sub(approximate_size(&replaced));
        }
    }

    fn is_full(&self) -> bool {
        self.by_id.len() >= PER_GENERATION || self.bytes >= BYTES_PER_GENERATION
    }
}

/// The heap a contact holds, give or take: its strings and the entries that hold them.
fn approximate_size(contact: &Contact) -> usize {
    /// What an entry of a list or map costs besides its text.
    const ENTRY: usize = 48;
    let text = |value: &Option<String>| value.as_ref().map_or(0, String::len);
    let social = &contact.social;
    let fields = [
        &contact.email,
        &contact.phone,
        &contact.job_position,
        &contact.portal_role,
        &contact.portal_role_id,
        &contact.avatar_url,
        &social.facebook,
        &social.twitter,
        &social.linkedin,
        &social.github,
        &social.dribbble,
    ]
    .into_iter()
    .map(text)
    .sum::<usize>()
        + contact.uid.len()
        + contact.first_name.len()
        + contact.last_name.len()
        + contact.source.len();
    let lists = contact
        .emails
        .iter()
        .chain(&contact.phones)
        .map(|item| item.len() + ENTRY)
        .sum::<usize>()
        + contact
            .external_ids
            .iter()
            .map(|id| id.external_id.len() + id.label.len() + ENTRY)
            .sum::<usize>();
    let account = contact.account.as_ref().map_or(0, |account| {
        account.uid.len() + account.name.len() + account.external_ids.len() * ENTRY
    });
    let attributes = contact
        .attributes
        .iter()
        .map(|(key, value)| {
            let value = match value {
                AttributeValue::Text(text) => text.len(),
                AttributeValue::List(items) => items.iter().map(|item| item.len() + ENTRY).sum(),
                AttributeValue::Number(_) | AttributeValue::Bool(_) => 0,
            };
            key.len() + value + ENTRY
        })
        .sum::<usize>();
    std::mem::size_of::<Contact>() + fields + lists + account + attributes
}

impl ContactCache {
    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing here panics while holding the lock; if it ever did, the maps are still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The contact, if it is remembered. Never touches the database.
    pub fn find(&self, key: &ContactKey) -> Option<Arc<Contact>> {
        self.state().find(key)
    }

    /// A page answered since the last write, with every contact on it, in order, and its
    /// total, if all of them are remembered. Never touches the database.
    pub fn find_page(&self, key: &PageKey) -> Option<(Vec<Arc<Contact>>, u64)> {
        let mut state = self.state();
        let page = state.pages.find(key)?;
        let contacts = page
            .ids
            .iter()
            .map(|id| state.find(&ContactKey::Id(*id)))
            .collect::<Option<Vec<_>>>()?;
        Some((contacts, page.total))
    }

    /// Remembers which contacts a page read in a transaction that began after `seen` held,
    /// unless something was forgotten since. The contacts themselves are remembered (or not)
    /// by the rules above, so a page is answered from memory only once they are too.
    pub fn remember_page(&self, key: PageKey, contacts: &[Arc<Contact>], total: u64, seen: Epoch) {
        let mut state = self.state();
        if state.epoch == seen.0 && !state.blind {
            let ids = contacts.iter().map(|contact| contact.id).collect();
            state.pages.insert(key, RememberedPage { ids, total });
        }
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

    /// Remembers a contact that a page beyond the first loaded, if such a page loaded it not
    /// long ago too; else only notes its id. A page read twice is likely read again (a page
    /// clients poll, a page several clients read), while a walk that reads each page once
    /// pushes nothing out of memory: each of its contacts costs a set insertion instead.
    pub fn remember_if_loaded_before(&self, contact: Arc<Contact>, seen: Epoch) {
        let mut state = self.state();
        if state.epoch != seen.0 || state.blind {
            return;
        }
        let id = contact.id;
        let [current, previous] = &mut state.loaded_once;
        if current.remove(&id) || previous.remove(&id) {
            state.remember_in_current(contact);
            return;
        }
        if current.len() >= LOADED_ONCE_PER_GENERATION {
            *previous = std::mem::take(current);
        }
        current.insert(id);
    }

    /// The remembered accounts among these ids, and the ids of those not remembered. Never
    /// touches the database.
    pub fn find_accounts(&self, ids: &[i64]) -> (HashMap<i64, Arc<AccountEntry>>, Vec<i64>) {
        let mut state = self.state();
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        let mut asked = HashSet::with_capacity(ids.len());
        for &id in ids {
            if !asked.insert(id) {
                continue;
            }
            match state.accounts.find(id) {
                Some(entry) => {
                    found.insert(id, entry);
                }
                None => missing.push(id),
            }
        }
        (found, missing)
    }

    /// Remembers accounts read in a transaction that began after `seen` was taken, unless
    /// something was forgotten since.
    pub fn remember_accounts<'a>(
        &self,
        accounts: impl IntoIterator<Item = &'a Arc<AccountEntry>>,
        seen: Epoch,
    ) {
        let mut state = self.state();
        if state.epoch == seen.0 && !state.blind {
            for entry in accounts {
                state.accounts.insert(Arc::clone(entry));
            }
        }
    }

    /// Forgets every contact, page and account: called after every committed write.
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
    fn find(&mut self, key: &ContactKey) -> Option<Arc<Contact>> {
        if let Some(found) = self.current.find(key) {
            return Some(Arc::clone(found));
        }
        let found = Arc::clone(self.previous.find(key)?);
        self.remember_in_current(Arc::clone(&found));
        Some(found)
    }

    fn forget_all(&mut self) {
        self.epoch += 1;
        self.current = Generation::default();
        self.previous = Generation::default();
        self.pages = Pages::default();
        self.accounts = Accounts::default();
    }

    fn remember_in_current(&mut self, contact: Arc<Contact>) {
        let bytes = approximate_size(&contact);
        if bytes > LARGEST_REMEMBERED {
            return;
        }
        if self.current.is_full() {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(contact, bytes);
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
    fn accounts_are_remembered_by_the_same_rules_and_forgotten_with_the_contacts() {
        use contacts_core::AccountSummary;

        let entry = |id: i64, name: &str| {
            let summary = AccountSummary {
                id,
                uid: format!("account-{id}"),
                name: name.into(),
                external_ids: Vec::new(),
            };
            (summary, Some(7))
        };
        let cache = ContactCache::default();
        let seen = cache.epoch();
        cache.forget_all();
        cache.remember_accounts(&[Arc::new(entry(1, "Stale"))], seen);
        assert_eq!(cache.find_accounts(&[1]).1, [1], "read before a write");

        let both = [Arc::new(entry(1, "Acme")), Arc::new(entry(2, "Globex"))];
        cache.remember_accounts(&both, cache.epoch());
        let (found, missing) = cache.find_accounts(&[2, 1, 2, 3, 3]);
        assert_eq!(missing, [3], "each id asked once");
        assert_eq!(found.len(), 2);
        assert_eq!(found[&1].0.name, "Acme");
        assert_eq!(found[&2].1, Some(7));

        cache.forget_all();
        assert_eq!(cache.find_accounts(&[1, 2]).1, [1, 2]);
        cache.set_blind(true);
        cache.remember_accounts(&[Arc::new(entry(1, "Acme"))], cache.epoch());
        assert_eq!(
            cache.find_accounts(&[1]).1,
            [1],
            "nothing is remembered while blind"
        );
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
    fn a_page_answers_only_with_all_its_contacts_and_never_from_a_read_begun_before_a_write() {
        use contacts_core::{KeysetPage, Order, SortKey};

        let cache = ContactCache::default();
        let key = PageKey::After(KeysetPage {
            filter: None,
            sort: SortKey::Id,
            order: Order::Asc,
            limit: 10,
            after: None,
        });
        let page = [contact(1), contact(2)];
        for contact in &page {
            cache.remember(Arc::clone(contact), cache.epoch());
        }
        let seen = cache.epoch();
        cache.forget_all();
        for contact in &page {
            cache.remember(Arc::clone(contact), cache.epoch());
        }
        cache.remember_page(key.clone(), &page, 0, seen);
        assert!(cache.find_page(&key).is_none());

        cache.remember_page(key.clone(), &page, 7, cache.epoch());
        let (found, total) = cache.find_page(&key).expect("remembered");
        assert_eq!((found, total), (page.to_vec(), 7));

        // A page with a contact the memory does not hold is not answered.
        cache.remember_page(key.clone(), &[contact(1), contact(3)], 0, cache.epoch());
        assert!(cache.find_page(&key).is_none());

        cache.remember_page(key.clone(), &page, 0, cache.epoch());
        cache.forget_all();
        assert!(cache.find_page(&key).is_none());
        cache.set_blind(true);
        cache.remember_page(key.clone(), &page, 0, cache.epoch());
        assert!(cache.find_page(&key).is_none());
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

    fn with_note(id: i64, bytes: usize) -> Arc<Contact> {
        let mut contact = Arc::unwrap_or_clone(contact(id));
        contact
            .attributes
            .insert("note".into(), AttributeValue::Text("x".repeat(bytes)));
        Arc::new(contact)
    }

    #[test]
    fn big_contacts_are_bounded_by_their_bytes_and_huge_ones_never_kept() {
        let cache = ContactCache::default();
        cache.remember(with_note(1, LARGEST_REMEMBERED), cache.epoch());
        assert!(cache.find(&ContactKey::Id(1)).is_none());

        let big = LARGEST_REMEMBERED / 2;
        let count = (3 * BYTES_PER_GENERATION / big) as i64;
        for id in 1..=count {
            cache.remember(with_note(id, big), cache.epoch());
        }
        let held = (1..=count)
            .filter(|id| cache.find(&ContactKey::Id(*id)).is_some())
            .count();
        assert!(held > 0);
        assert!(
            held * big <= 2 * BYTES_PER_GENERATION + 2 * big,
            "{held} held"
        );
    }

    #[test]
    fn a_deep_page_remembers_what_it_loads_a_second_time_only() {
        let cache = ContactCache::default();
        cache.remember_if_loaded_before(contact(1), cache.epoch());
        assert!(cache.find(&ContactKey::Id(1)).is_none());
        cache.remember_if_loaded_before(contact(1), cache.epoch());
        assert!(cache.find(&ContactKey::Id(1)).is_some());

        // A second load after a write counts (ids do not go stale), a load begun before it not.
        cache.remember_if_loaded_before(contact(2), cache.epoch());
        let seen = cache.epoch();
        cache.forget_all();
        cache.remember_if_loaded_before(contact(2), seen);
        assert!(cache.find(&ContactKey::Id(2)).is_none());
        cache.remember_if_loaded_before(contact(2), cache.epoch());
        assert!(cache.find(&ContactKey::Id(2)).is_some());
    }

    #[test]
    fn a_walk_that_loads_each_contact_once_remembers_none() {
        let cache = ContactCache::default();
        let total = LOADED_ONCE_PER_GENERATION as i64 * 3;
        for id in 1..=total {
            cache.remember_if_loaded_before(contact(id), cache.epoch());
        }
        assert_eq!(cache.len(), 0);
        // The notes are bounded too: the first ids were dropped, so loading them again is a
        // first load once more.
        cache.remember_if_loaded_before(contact(1), cache.epoch());
        assert!(cache.find(&ContactKey::Id(1)).is_none());
        let state = cache.state();
        let noted = state.loaded_once.iter().map(HashSet::len).sum::<usize>();
        assert!(noted <= 2 * LOADED_ONCE_PER_GENERATION, "{noted} noted");
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
