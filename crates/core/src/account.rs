//! The account (Grow's client, Pylon's account): the company contacts belong to.

use crate::contact::ExternalId;
use crate::time::Timestamp;

/// What a contact shows of its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub external_ids: Vec<ExternalId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat: Option<String>,
    pub category_id: i64,
    pub billing: Address,
    pub invoice_due_days: Option<i64>,
    pub tags: Vec<String>,
    pub domains: Vec<String>,
    pub external_ids: Vec<ExternalId>,
    /// The owner contact's id and full name.
    pub owner: Option<(i64, String)>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewAccount {
    pub name: String,
    pub description: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat: Option<String>,
    pub category_id: Option<i64>,
    pub billing: Address,
    pub invoice_due_days: Option<i64>,
    pub tags: Vec<String>,
    pub domains: Vec<String>,
    pub external_ids: Vec<ExternalId>,
}

/// A partial update of an account: `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub vat: Option<Option<String>>,
    pub category_id: Option<i64>,
    pub billing: Option<Address>,
    pub invoice_due_days: Option<Option<i64>>,
    pub tags: Option<Vec<String>>,
    /// `active` or `suspended` (the dialect checks which).
    pub status: Option<String>,
    pub domains: Option<Vec<String>>,
    /// Replaces every external id; one another account holds is a conflict.
    pub external_ids: Option<Vec<ExternalId>>,
}

/// How a request names one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountKey {
    Id(i64),
    Uid(String),
    ExternalId(String),
    /// Pylon's `/accounts/{id}`: the uid, or else an external id.
    UidOrExternalId(String),
}
