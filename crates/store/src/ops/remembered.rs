//! A page's contacts: those the store remembers come from memory, the rest are loaded (from
//! their ids, or from the rows the page's statement selected) and remembered as the page says.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use contacts_core::{Contact, ContactKey, CoreError};

use super::contact_rows::{contacts_from_rows, load_contacts, AccountMemory, ContactRow};
use super::Conn;
use crate::contact_cache::{ContactCache, Epoch};

/// The contacts the store remembers, and the epoch taken before this read's transaction
/// began (contact_cache.rs). A page takes its contacts from memory where it can and loads only
/// the rest: a page whose contacts are all remembered costs its own statement alone, where
/// loading them is two to three more (each a round trip on PostgreSQL). A remembered
/// contact is never older than the page's snapshot: every write forgets them all before it is
/// answered. Pages share the remembered contacts (`Arc`) rather than copy them.
///
/// A list's first page remembers what it loads (`keep`): first pages are what clients poll.
/// A deeper page remembers a contact only on its second load (`remember_if_loaded_before`):
/// a sync walks the deeper pages once, and remembering each of those churned the memory for
/// nothing (Pylon's walk of random cursors, 100 contacts a page: 2 400–2 600 against
/// 2 860–3 390 pages/s when they remember nothing), while a deep page read again and again
/// loaded the same rows each time.
pub struct Remembered<'a> {
    pub cache: &'a ContactCache,
    pub seen: Epoch,
    pub keep: bool,
}

impl Remembered<'_> {
    /// The contacts with these ids, in their order: remembered ones from memory, the rest
    /// loaded.
    pub(crate) fn load(
        &self,
        conn: &mut Conn,
        ids: &[i64],
    ) -> Result<Vec<Arc<Contact>>, CoreError> {
        self.fill(ids, |missing| {
            Ok(load_contacts(conn, missing, Some(self.accounts()))?
                .into_iter()
                .map(|contact| (contact.id, contact))
                .collect())
        })
    }

    /// The contacts of rows a page's statement selected, in their order: remembered ones from
    /// memory, the rest made from their rows.
    pub(crate) fn load_rows(
        &self,
        conn: &mut Conn,
        rows: Vec<ContactRow>,
    ) -> Result<Vec<Arc<Contact>>, CoreError> {
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        self.fill(&ids, |missing| {
            let missing: HashSet<i64> = missing.iter().copied().collect();
            let rows = rows
                .into_iter()
                .filter(|row| missing.contains(&row.id))
                .collect();
            Ok(contacts_from_rows(conn, rows, Some(self.accounts()))?
                .into_iter()
                .map(|contact| (contact.id, contact))
                .collect())
        })
    }

    /// Where the contacts it loads find their accounts: every read remembers those, deep
    /// pages too, as there are far fewer of them than contacts.
    fn accounts(&self) -> AccountMemory<'_> {
        AccountMemory {
            cache: self.cache,
            seen: self.seen,
        }
    }

    /// The contacts with these ids, taking remembered ones and asking `load` for the rest
    /// (none when all are remembered); those loaded are remembered as `keep` says.
    fn fill(
        &self,
        ids: &[i64],
        load: impl FnOnce(&[i64]) -> Result<HashMap<i64, Contact>, CoreError>,
    ) -> Result<Vec<Arc<Contact>>, CoreError> {
        let mut found: Vec<Option<Arc<Contact>>> = ids
            .iter()
            .map(|id| self.cache.find(&ContactKey::Id(*id)))
            .collect();
        let missing: Vec<i64> = ids
            .iter()
            .zip(&found)
            .filter(|(_, remembered)| remembered.is_none())
            .map(|(id, _)| *id)
            .collect();
        if !missing.is_empty() {
            let mut loaded = load(&missing)?;
            for (id, slot) in ids.iter().zip(found.iter_mut()) {
                if slot.is_none() {
                    if let Some(contact) = loaded.remove(id).map(Arc::new) {
                        if self.keep {
                            self.cache.remember(Arc::clone(&contact), self.seen);
                        } else {
                            self.cache
                                .remember_if_loaded_before(Arc::clone(&contact), self.seen);
                        }
                        *slot = Some(contact);
                    }
                }
            }
        }
        Ok(found.into_iter().flatten().collect())
    }
}
