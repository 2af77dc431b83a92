//! The accounts this process read lately, as the summaries its contacts carry (with each
//! account's owner), so that a page of contacts not in memory, or a get of one, loads their
//! rows but not their accounts again. A directory has few accounts beside its contacts (the benchmark: 50 000 for
//! 1 000 000), and a page of 100 contacts names about 100 of them: on PostgreSQL their
//! statement was a third of a walk page's own work (pgbench at 1 000 000 contacts, a walk
//! page's statements: 1 030–1 530 pages/s with it, 1 620–2 160 without).
//! Kept inside the contact memory (contact_cache.rs), under its lock and its rules: forgotten
//! whole on every write, and a read remembers an account only if nothing was forgotten since
//! before its transaction began.

use std::collections::HashMap;
use std::sync::Arc;

use contacts_core::AccountSummary;

/// Accounts per generation; two generations are kept, as for contacts.
const ACCOUNTS_PER_GENERATION: usize = 32 * 1024;

/// Bytes of account data per generation, roughly counted: an account's external ids are
/// bounded only by a request body.
const BYTES_PER_GENERATION: usize = 8 * 1024 * 1024;

/// An account bigger than this is not remembered: it would push out hundreds of others.
const LARGEST_REMEMBERED: usize = 16 * 1024;

/// An account as a contact shows it, and the id of the contact that owns it.
pub type AccountEntry = (AccountSummary, Option<i64>);

#[derive(Default)]
pub struct Accounts {
    current: Generation,
    /// The generation before: a hit here moves the account back into `current`.
    previous: Generation,
}

#[derive(Default)]
struct Generation {
    /// Shared, so a map's slot is a pointer: a map of 32 768 entries reserves room for 65 536.
    by_id: HashMap<i64, Arc<AccountEntry>>,
    bytes: usize,
}

impl Generation {
    fn is_full(&self) -> bool {
        self.by_id.len() >= ACCOUNTS_PER_GENERATION || self.bytes >= BYTES_PER_GENERATION
    }
}

/// The heap an account holds, give or take: its strings and the entries that hold them.
fn approximate_size(account: &AccountSummary) -> usize {
    /// What an entry of a list or map costs besides its text.
    const ENTRY: usize = 48;
    std::mem::size_of::<AccountEntry>()
        + ENTRY
        + account.uid.len()
        + account.name.len()
        + account
            .external_ids
            .iter()
            .map(|id| id.external_id.len() + id.label.len() + ENTRY)
            .sum::<usize>()
}

impl Accounts {
    /// The remembered account with this id.
    pub fn find(&mut self, id: i64) -> Option<Arc<AccountEntry>> {
        if let Some(found) = self.current.by_id.get(&id) {
            return Some(Arc::clone(found));
        }
        let found = self.previous.by_id.remove(&id)?;
        self.insert(Arc::clone(&found));
        Some(found)
    }

    pub fn insert(&mut self, entry: Arc<AccountEntry>) {
        let bytes = approximate_size(&entry.0);
        if bytes > LARGEST_REMEMBERED {
            return;
        }
        if self.current.is_full() {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.bytes += bytes;
        if let Some(replaced) = self.current.by_id.insert(entry.0.id, entry) {
            self.current.bytes = self
                .current
                .bytes
                .saturating_sub(approximate_size(&replaced.0));
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.current.by_id.len() + self.previous.by_id.len()
    }
}

#[cfg(test)]
mod tests {
    use contacts_core::ExternalId;

    use super::*;

    fn account(id: i64, external_ids: usize) -> Arc<AccountEntry> {
        let summary = AccountSummary {
            id,
            uid: format!("uid-{id}"),
            name: "Acme".into(),
            external_ids: (0..external_ids)
                .map(|n| ExternalId {
                    external_id: format!("ext-{id}-{n}"),
                    label: "crm".into(),
                })
                .collect(),
        };
        Arc::new((summary, Some(id * 10)))
    }

    #[test]
    fn a_remembered_account_is_found_with_its_owner() {
        let mut accounts = Accounts::default();
        accounts.insert(account(3, 1));
        let found = accounts.find(3).expect("remembered");
        let (summary, owner) = found.as_ref();
        assert_eq!(summary.uid, "uid-3");
        assert_eq!(summary.external_ids.len(), 1);
        assert_eq!(*owner, Some(30));
        assert!(accounts.find(4).is_none());
    }

    #[test]
    fn at_most_two_generations_are_kept_and_a_hit_in_the_older_one_survives() {
        let mut accounts = Accounts::default();
        let total = 2 * ACCOUNTS_PER_GENERATION as i64 + 10;
        accounts.insert(account(0, 0));
        for id in 1..ACCOUNTS_PER_GENERATION as i64 + 5 {
            accounts.insert(account(id, 0));
        }
        // Account 0 is in the older generation now; finding it brings it back.
        assert!(accounts.find(0).is_some());
        for id in ACCOUNTS_PER_GENERATION as i64 + 5..total {
            accounts.insert(account(id, 0));
        }
        assert!(accounts.len() <= 2 * ACCOUNTS_PER_GENERATION);
        assert!(accounts.find(1).is_none());
        assert!(accounts.find(0).is_some());
        assert!(accounts.find(total - 1).is_some());
    }

    #[test]
    fn an_account_with_very_many_external_ids_is_not_remembered() {
        let mut accounts = Accounts::default();
        accounts.insert(account(1, 1000));
        assert!(accounts.find(1).is_none());
    }
}
