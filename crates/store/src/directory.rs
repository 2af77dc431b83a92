//! The operations `contacts-core` declares, mapped onto the store's operations (src/ops) and
//! its engine's reads and writes. Written once and compiled for each engine (sqlite/, postgres/):
//! `Store` is that engine's store, `ops` its operations; the engine provides `reading`,
//! `writing`, `ready`, and the memories every engine keeps (`cache`, `positions`,
//! `revocations`, `observer`).
//!
//! A write's closure may run more than once (PostgreSQL retries a write that met another
//! node's), so each takes its input by cloning it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use contacts_core::{
    Account, AccountChanges, AccountKey, AccountQuery, Contact, ContactChanges, ContactKey,
    CoreError, Directory, ImportOutcome, ImportRow, KeyRecord, KeysetPage, NewAccount, NewContact,
    OffsetPage, RateLimit,
};

use contacts_core::events::{current_origin, with_origin};
use contacts_core::idempotency::{pending_write, Claim};
use contacts_core::{
    ChangeEvent, EventKind, FeedPosition, QueuedEmail, Timestamp, WebhookEndpoint,
};

use super::ops::contact_rows::AccountMemory;
use super::ops::{
    accounts, bulk, contacts, events, idempotency, import, keys, listing, outbox, reset, sql,
    webhooks, Conn,
};
use super::Store;
use crate::page_memory::PageKey;

impl Store {
    /// A write made by this thread's origin (a dialect, an import): the engine may run it on
    /// another thread (SQLite's writer), where the events it records must name the same maker.
    ///
    /// Under a claimed `Idempotency-Key` (`idempotency::pending_write`), the write's answer is
    /// rendered from its result and stored in the same transaction.
    fn write<T: Send + 'static>(
        &self,
        work: impl Fn(&mut Conn) -> Result<T, CoreError> + Send + 'static,
    ) -> Result<T, CoreError> {
        let origin = current_origin();
        let pending = pending_write();
        self.writing(move |conn| {
            let done = with_origin(&origin, || work(conn))?;
            if let Some(pending) = &pending {
                if let Some(response) = (pending.finisher)(&done) {
                    idempotency::complete(conn, &pending.api_key, &pending.key, &response)?;
                }
            }
            Ok(done)
        })
    }
}

impl Directory for Store {
    fn ping(&self) -> Result<(), CoreError> {
        self.ready()
    }

    fn create_key(
        &self,
        name: &str,
        key_hash: &str,
        read_only: bool,
        rate_limit: Option<RateLimit>,
    ) -> Result<KeyRecord, CoreError> {
        let (name, key_hash) = (name.to_owned(), key_hash.to_owned());
        self.writing(move |conn| keys::create(conn, &name, &key_hash, read_only, rate_limit))
    }

    fn list_keys(&self) -> Result<Vec<KeyRecord>, CoreError> {
        self.reading(keys::list)
    }

    fn revoke_key(&self, name: &str) -> Result<KeyRecord, CoreError> {
        let name = name.to_owned();
        self.writing(move |conn| keys::revoke(conn, &name))
    }

    fn find_key(&self, key_hash: &str) -> Result<Option<KeyRecord>, CoreError> {
        self.reading(|conn| keys::find_live(conn, key_hash))
    }

    fn count_keys(&self) -> Result<i64, CoreError> {
        self.reading(keys::count)
    }

    fn count_live_contacts(&self) -> Result<u64, CoreError> {
        self.reading(|conn| listing::list_state(conn).map(|state| state.live_count()))
    }

    fn key_revocations_seen(&self) -> Option<u64> {
        self.revocations.seen()
    }

    fn create_contact(&self, contact: NewContact) -> Result<Contact, CoreError> {
        self.write(move |conn| {
            let created = contacts::create(conn, contact.clone())?;
            events::contact(conn, EventKind::ContactCreated, &created)?;
            Ok(created)
        })
    }

    fn get_contact(&self, key: &ContactKey) -> Result<Contact, CoreError> {
        self.reading(|conn| contacts::get(conn, key, None))
    }

    fn remembered_contact(&self, key: &ContactKey) -> Option<Arc<Contact>> {
        let found = self.cache.find(key);
        self.observer.contact_cache(found.is_some());
        found
    }

    fn get_contact_to_remember(&self, key: &ContactKey) -> Result<Arc<Contact>, CoreError> {
        let seen = self.cache.epoch();
        let memory = AccountMemory {
            cache: &self.cache,
            seen,
        };
        let contact = Arc::new(self.reading(|conn| contacts::get(conn, key, Some(memory)))?);
        self.cache.remember(Arc::clone(&contact), seen);
        Ok(contact)
    }

    fn update_contact(
        &self,
        key: &ContactKey,
        changes: ContactChanges,
    ) -> Result<Contact, CoreError> {
        let key = key.clone();
        self.write(move |conn| {
            let updated = contacts::update(conn, &key, changes.clone())?;
            events::contact(conn, EventKind::ContactUpdated, &updated)?;
            Ok(updated)
        })
    }

    fn delete_contact(&self, key: &ContactKey) -> Result<Contact, CoreError> {
        let key = key.clone();
        self.write(move |conn| {
            let deleted = contacts::delete(conn, &key)?;
            events::contact(conn, EventKind::ContactDeleted, &deleted)?;
            Ok(deleted)
        })
    }

    fn set_account_owner(&self, key: &ContactKey) -> Result<Contact, CoreError> {
        let key = key.clone();
        self.write(move |conn| contacts::set_account_owner(conn, &key))
    }

    fn list_contacts_by_offset(
        &self,
        page: &OffsetPage,
    ) -> Result<(Vec<Arc<Contact>>, u64), CoreError> {
        if let Some(found) = self.cache.find_page(&PageKey::Offset(page.clone())) {
            return Ok(found);
        }
        let seen = self.cache.epoch();
        let memory = listing::Remembered {
            cache: &self.cache,
            seen,
            keep: page.offset == 0,
        };
        let (contacts, total) =
            self.reading(|conn| listing::by_offset(conn, page, &self.positions, &memory))?;
        let key = PageKey::Offset(page.clone());
        self.cache.remember_page(key, &contacts, total, seen);
        Ok((contacts, total))
    }

    fn list_contacts_after(&self, page: &KeysetPage) -> Result<Vec<Arc<Contact>>, CoreError> {
        if let Some((found, _)) = self.cache.find_page(&PageKey::After(page.clone())) {
            return Ok(found);
        }
        let seen = self.cache.epoch();
        let memory = listing::Remembered {
            cache: &self.cache,
            seen,
            keep: page.after.is_none(),
        };
        let contacts = self.reading(|conn| listing::after(conn, page, &memory))?;
        self.cache
            .remember_page(PageKey::After(page.clone()), &contacts, 0, seen);
        Ok(contacts)
    }

    fn remembered_page_by_offset(&self, page: &OffsetPage) -> Option<(Vec<Arc<Contact>>, u64)> {
        let found = self.cache.find_page(&PageKey::Offset(page.clone()));
        self.observer.page_memory(found.is_some());
        found
    }

    fn remembered_page_after(&self, page: &KeysetPage) -> Option<Vec<Arc<Contact>>> {
        let found = self.cache.find_page(&PageKey::After(page.clone()));
        self.observer.page_memory(found.is_some());
        found.map(|(contacts, _)| contacts)
    }

    fn create_account(
        &self,
        account: NewAccount,
        owner: Option<NewContact>,
    ) -> Result<(Account, Option<Contact>), CoreError> {
        self.write(move |conn| {
            let (created, owner) = accounts::create(conn, account.clone(), owner.clone())?;
            events::account(conn, EventKind::AccountCreated, &created)?;
            if let Some(owner) = &owner {
                events::contact(conn, EventKind::ContactCreated, owner)?;
            }
            Ok((created, owner))
        })
    }

    fn get_account(&self, key: &AccountKey) -> Result<Account, CoreError> {
        self.reading(|conn| accounts::get(conn, key))
    }

    fn update_account(
        &self,
        key: &AccountKey,
        changes: AccountChanges,
    ) -> Result<Account, CoreError> {
        let key = key.clone();
        self.write(move |conn| {
            let updated = accounts::update(conn, &key, changes.clone())?;
            events::account(conn, EventKind::AccountUpdated, &updated)?;
            Ok(updated)
        })
    }

    fn delete_account(&self, key: &AccountKey) -> Result<Account, CoreError> {
        let key = key.clone();
        self.write(move |conn| accounts::delete(conn, &key))
    }

    fn set_account_owner_of(
        &self,
        key: &AccountKey,
        owner: &ContactKey,
    ) -> Result<Account, CoreError> {
        let (key, owner) = (key.clone(), owner.clone());
        self.write(move |conn| accounts::set_owner(conn, &key, &owner))
    }

    fn list_accounts(&self, query: &AccountQuery) -> Result<(Vec<Account>, u64), CoreError> {
        self.reading(|conn| accounts::list(conn, query))
    }

    fn import(
        &self,
        source: &str,
        rows: Vec<ImportRow>,
        prune: bool,
        dry_run: bool,
    ) -> Result<ImportOutcome, CoreError> {
        let source = source.to_owned();
        let origin = format!("import:{source}");
        with_origin(&origin, || {
            self.write(move |conn| import::run(conn, &source, rows.clone(), prune, dry_run))
        })
    }

    fn claim_due_emails(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<QueuedEmail>, CoreError> {
        self.bookkeeping(move |conn| outbox::claim_due(conn, limit, &lease_until))
    }

    fn email_delivered(&self, id: i64) -> Result<(), CoreError> {
        self.bookkeeping(move |conn| outbox::delivered(conn, id))
    }

    fn email_failed(&self, id: i64, retry_at: Timestamp, error: &str) -> Result<(), CoreError> {
        let error = error.to_owned();
        self.bookkeeping(move |conn| outbox::failed(conn, id, &retry_at, &error))
    }

    fn add_webhook(&self, endpoint: WebhookEndpoint) -> Result<WebhookEndpoint, CoreError> {
        self.bookkeeping(move |conn| webhooks::add(conn, endpoint.clone()))
    }

    fn list_webhooks(&self) -> Result<Vec<WebhookEndpoint>, CoreError> {
        self.reading(webhooks::list)
    }

    fn remove_webhook(&self, id: &str) -> Result<bool, CoreError> {
        let id = id.to_owned();
        self.bookkeeping(move |conn| webhooks::remove(conn, &id))
    }

    fn claim_webhook_deliveries(
        &self,
        lease_until: Timestamp,
    ) -> Result<Vec<(WebhookEndpoint, ChangeEvent)>, CoreError> {
        self.bookkeeping(move |conn| webhooks::claim_due(conn, &lease_until))
    }

    fn webhook_delivered(&self, id: &str, position: FeedPosition) -> Result<(), CoreError> {
        let id = id.to_owned();
        self.bookkeeping(move |conn| webhooks::delivered(conn, &id, position))
    }

    fn webhook_failed(
        &self,
        id: &str,
        position: FeedPosition,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> Result<(), CoreError> {
        let (id, error) = (id.to_owned(), error.to_owned());
        self.bookkeeping(move |conn| {
            webhooks::failed(conn, &id, position, retry_at.as_ref(), &error)
        })
    }

    fn claim_idempotency_key(
        &self,
        api_key: &str,
        key: &str,
        fingerprint: &str,
        lease_until: Timestamp,
    ) -> Result<Claim, CoreError> {
        let (api_key, key, fingerprint) =
            (api_key.to_owned(), key.to_owned(), fingerprint.to_owned());
        self.bookkeeping(move |conn| {
            idempotency::claim(conn, &api_key, &key, &fingerprint, &lease_until)
        })
    }

    fn release_idempotency_key(&self, api_key: &str, key: &str) -> Result<(), CoreError> {
        let (api_key, key) = (api_key.to_owned(), key.to_owned());
        self.bookkeeping(move |conn| idempotency::release(conn, &api_key, &key))
    }

    fn prune_idempotency_keys(&self, before: Timestamp) -> Result<u64, CoreError> {
        self.bookkeeping(move |conn| idempotency::prune(conn, &before))
    }

    fn empty_directory(&self) -> Result<u64, CoreError> {
        self.writing(reset::empty_directory)
    }

    fn bulk_load(
        &self,
        accounts: Vec<String>,
        contacts: Vec<(NewContact, Option<usize>)>,
    ) -> Result<(), CoreError> {
        let ids = self.writing(move |conn| bulk::insert_accounts(conn, &accounts))?;
        // In batches, so that one write never holds the writer for long.
        for batch in contacts.chunks(10_000) {
            let resolved: Vec<(NewContact, Option<i64>)> = batch
                .iter()
                .map(|(contact, account)| {
                    (
                        contact.clone(),
                        account.and_then(|index| ids.get(index).copied()),
                    )
                })
                .collect();
            self.writing(move |conn| bulk::insert_contacts(conn, resolved.clone()))?;
        }
        self.writing(bulk::own_accounts_by_first_contact)?;
        Ok(())
    }

    fn list_events(
        &self,
        after: Option<FeedPosition>,
        limit: u32,
    ) -> Result<(Vec<ChangeEvent>, bool), CoreError> {
        // A page that ends before committed events whose place is not final yet (PostgreSQL:
        // an older transaction is still running) waits, up to FEED_SETTLE_WAIT, for the
        // transactions older than those to end, so a client that reads the feed after its own
        // write was answered finds it. Later commits never extend the wait.
        let deadline = Instant::now() + FEED_SETTLE_WAIT;
        let mut waiting_for: Option<i64> = None;
        loop {
            let (page, more, unsettled) = self.reading(|conn| {
                let (page, more) = events::list(conn, after, limit)?;
                let unsettled = match more || !sql::EVENTS_SETTLE_LATER {
                    true => None,
                    false => {
                        let listed_to = page.last().map(|event| event.position).or(after);
                        events::newest_unsettled_tx(conn, listed_to, waiting_for)?
                    }
                };
                Ok((page, more, unsettled))
            })?;
            match unsettled {
                Some(tx) if Instant::now() < deadline => {
                    waiting_for.get_or_insert(tx);
                    std::thread::sleep(Duration::from_millis(1));
                }
                _ => return Ok((page, more)),
            }
        }
    }

    fn prune_events(&self, before: Timestamp) -> Result<u64, CoreError> {
        self.bookkeeping(move |conn| events::prune(conn, before))
    }
}

/// How long a feed page waits for the transactions older than committed events to end.
const FEED_SETTLE_WAIT: Duration = Duration::from_secs(1);

/// What tests and tools read besides the operations.
impl Store {
    /// Emails waiting in the outbox, oldest first: (recipient, subject, body).
    pub fn outbox(&self) -> Result<Vec<(String, String, String)>, CoreError> {
        use crate::schema::outbox::dsl;
        use diesel::prelude::*;
        self.reading(|conn| {
            dsl::outbox
                .order(dsl::id.asc())
                .select((dsl::recipient, dsl::subject, dsl::body))
                .load(conn)
                .map_err(CoreError::internal)
        })
    }

    /// The stored password hash of a contact (tests check it is a hash, never the password).
    pub fn password_hash(&self, contact_id: i64) -> Result<Option<String>, CoreError> {
        use crate::schema::contacts::dsl;
        use diesel::prelude::*;
        self.reading(|conn| {
            dsl::contacts
                .find(contact_id)
                .select(dsl::password_hash)
                .first(conn)
                .map_err(CoreError::internal)
        })
    }
}
