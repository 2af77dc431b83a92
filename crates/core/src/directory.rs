//! The operations the dialects call, declared here and implemented by the store. Every write is
//! one transaction: it happens whole or not at all.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::account::{Account, AccountChanges, AccountKey, NewAccount};
use crate::auth::{KeyRecord, RateLimit};
use crate::contact::{
    AttributeValue, Contact, ContactChanges, ContactKey, NewContact, QueuedEmail,
};
use crate::error::CoreError;
use crate::events::{ChangeEvent, FeedPosition};
use crate::idempotency::Claim;
use crate::query::{AccountQuery, KeysetPage, OffsetPage};
use crate::time::Timestamp;
use crate::webhooks::WebhookEndpoint;

pub trait Directory: Send + Sync + 'static {
    /// Answers when the database does.
    fn ping(&self) -> Result<(), CoreError>;

    // --- keys
    fn create_key(
        &self,
        name: &str,
        key_hash: &str,
        read_only: bool,
        rate_limit: Option<RateLimit>,
    ) -> Result<KeyRecord, CoreError>;
    fn list_keys(&self) -> Result<Vec<KeyRecord>, CoreError>;
    fn revoke_key(&self, name: &str) -> Result<KeyRecord, CoreError>;
    /// The live (unrevoked) key with this hash.
    fn find_key(&self, key_hash: &str) -> Result<Option<KeyRecord>, CoreError>;
    fn count_keys(&self) -> Result<i64, CoreError>;
    /// Live (not deleted) contacts.
    fn count_live_contacts(&self) -> Result<u64, CoreError>;
    /// A count that moves whenever a key is revoked, by any process (`keys revoke` runs in
    /// another), as far as the store has seen; `None` while it cannot see. Whoever remembers
    /// keys forgets them when it moves; a store that cannot tell answers `None`, and then
    /// nothing may be remembered. Never touches the database.
    fn key_revocations_seen(&self) -> Option<u64> {
        None
    }

    // --- contacts
    fn create_contact(&self, contact: NewContact) -> Result<Contact, CoreError>;
    fn get_contact(&self, key: &ContactKey) -> Result<Contact, CoreError>;
    /// The contact if the store holds it in memory and no write has changed it since; never
    /// touches the database, so it may be called on an async worker thread.
    fn remembered_contact(&self, key: &ContactKey) -> Option<Arc<Contact>> {
        let _ = key;
        None
    }
    /// `get_contact`, after `remembered_contact` found nothing: a store that keeps contacts in
    /// memory remembers what it read (and shares it rather than copying it).
    fn get_contact_to_remember(&self, key: &ContactKey) -> Result<Arc<Contact>, CoreError> {
        self.get_contact(key).map(Arc::new)
    }
    fn update_contact(
        &self,
        key: &ContactKey,
        changes: ContactChanges,
    ) -> Result<Contact, CoreError>;
    /// Tombstones the contact and frees its email and external ids; answers what it was.
    fn delete_contact(&self, key: &ContactKey) -> Result<Contact, CoreError>;
    /// Makes the contact its account's only owner.
    fn set_account_owner(&self, key: &ContactKey) -> Result<Contact, CoreError>;
    /// A page by offset and the total number of matches.
    fn list_contacts_by_offset(
        &self,
        page: &OffsetPage,
    ) -> Result<(Vec<Arc<Contact>>, u64), CoreError>;
    /// Up to `page.limit` contacts after the page's position.
    fn list_contacts_after(&self, page: &KeysetPage) -> Result<Vec<Arc<Contact>>, CoreError>;
    /// `list_contacts_by_offset`'s answer if the store holds the page and every contact on it
    /// in memory, and no write has changed them since; never touches the database, so it may be
    /// called on an async worker thread.
    fn remembered_page_by_offset(&self, page: &OffsetPage) -> Option<(Vec<Arc<Contact>>, u64)> {
        let _ = page;
        None
    }
    /// `list_contacts_after`'s answer, as `remembered_page_by_offset`.
    fn remembered_page_after(&self, page: &KeysetPage) -> Option<Vec<Arc<Contact>>> {
        let _ = page;
        None
    }

    // --- accounts
    /// Creates the account and, when given, its owner contact, in one transaction.
    fn create_account(
        &self,
        account: NewAccount,
        owner: Option<NewContact>,
    ) -> Result<(Account, Option<Contact>), CoreError>;
    fn get_account(&self, key: &AccountKey) -> Result<Account, CoreError>;
    fn update_account(
        &self,
        key: &AccountKey,
        changes: AccountChanges,
    ) -> Result<Account, CoreError>;
    /// Tombstones the account and every live contact of it in one transaction (Grow's client
    /// delete and Pylon's account delete are this one operation); answers what it was.
    fn delete_account(&self, key: &AccountKey) -> Result<Account, CoreError>;
    /// Makes `owner`, which must be a live contact of the account, its only owner.
    fn set_account_owner_of(
        &self,
        key: &AccountKey,
        owner: &ContactKey,
    ) -> Result<Account, CoreError>;
    /// A page of accounts and the total number of matches.
    fn list_accounts(&self, query: &AccountQuery) -> Result<(Vec<Account>, u64), CoreError>;

    // --- the outbox (welcome emails)
    /// Claims up to `limit` undelivered emails whose next try is due, each until `lease_until`
    /// (another sender, on this node or another, leaves a claimed email alone until then).
    fn claim_due_emails(
        &self,
        limit: u32,
        lease_until: Timestamp,
    ) -> Result<Vec<QueuedEmail>, CoreError>;
    /// Marks the email delivered and removes its body (which holds a password).
    fn email_delivered(&self, id: i64) -> Result<(), CoreError>;
    /// Records a failed try; the next may start at `retry_at`.
    fn email_failed(&self, id: i64, retry_at: Timestamp, error: &str) -> Result<(), CoreError>;

    // --- webhooks
    /// Adds an endpoint that receives the events committed from now on.
    fn add_webhook(&self, endpoint: WebhookEndpoint) -> Result<WebhookEndpoint, CoreError>;
    /// Every endpoint, with its backlog.
    fn list_webhooks(&self) -> Result<Vec<WebhookEndpoint>, CoreError>;
    /// Removes an endpoint; answers whether it existed.
    fn remove_webhook(&self, id: &str) -> Result<bool, CoreError>;
    /// Claims, until `lease_until`, each endpoint whose next try is due and that has an event
    /// waiting, with that event (the next one after its cursor of a type it wants).
    fn claim_webhook_deliveries(
        &self,
        lease_until: Timestamp,
    ) -> Result<Vec<(WebhookEndpoint, ChangeEvent)>, CoreError>;
    /// The endpoint took the event: its cursor moves past it.
    fn webhook_delivered(&self, id: &str, position: FeedPosition) -> Result<(), CoreError>;
    /// A try failed: retried at `retry_at`, or, with `None`, given up on (the cursor moves past
    /// it and the endpoint counts one failure).
    fn webhook_failed(
        &self,
        id: &str,
        position: FeedPosition,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> Result<(), CoreError>;

    // --- Idempotency-Key
    /// Claims `key` of `api_key` for a request with this fingerprint, until `lease_until`; a
    /// claim whose lease ran out (its request never committed) is taken over.
    fn claim_idempotency_key(
        &self,
        api_key: &str,
        key: &str,
        fingerprint: &str,
        lease_until: Timestamp,
    ) -> Result<Claim, CoreError>;
    /// Forgets a claim whose request changed nothing (it stores nothing).
    fn release_idempotency_key(&self, api_key: &str, key: &str) -> Result<(), CoreError>;
    /// Forgets keys claimed before `before`; answers how many.
    fn prune_idempotency_keys(&self, before: Timestamp) -> Result<u64, CoreError>;

    // --- the sandbox
    /// Empties the directory in one transaction (contacts, accounts, events, `Idempotency-Key`
    /// records, the outbox, import runs); keys and webhook endpoints stay. Answers how many
    /// contacts it held.
    fn empty_directory(&self) -> Result<u64, CoreError>;
    /// Loads accounts (by name) and contacts (each with the index of its account) through the
    /// bulk path; each account is then owned by its first contact. No events are written.
    fn bulk_load(
        &self,
        accounts: Vec<String>,
        contacts: Vec<(NewContact, Option<usize>)>,
    ) -> Result<(), CoreError>;

    // --- the change feed
    /// Up to `limit` events after the position `after` (from the start without it), in commit
    /// order, and whether more follow.
    fn list_events(
        &self,
        after: Option<FeedPosition>,
        limit: u32,
    ) -> Result<(Vec<ChangeEvent>, bool), CoreError>;
    /// Forgets events that occurred before `before`; answers how many.
    fn prune_events(&self, before: Timestamp) -> Result<u64, CoreError>;

    // --- import (the write path of a sync source other than the API)
    fn import(
        &self,
        source: &str,
        rows: Vec<ImportRow>,
        prune: bool,
        dry_run: bool,
    ) -> Result<ImportOutcome, CoreError>;
}

/// One data row of an import file, already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The line in the file, for error reports.
    pub line: u64,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub attributes: BTreeMap<String, AttributeValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRowError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    pub rejected_rows: Vec<ImportRowError>,
    /// Whether the changes were written (false for a dry run or when any row was rejected).
    pub applied: bool,
}
