//! The contact: the record all three dialects read and write, and the shapes of its writes.

use std::collections::BTreeMap;

use crate::account::{AccountKey, AccountSummary};
use crate::time::Timestamp;

/// A contact's status while it is live. Deleted contacts are tombstones no read ever returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactStatus {
    Active,
    Suspended,
}

impl ContactStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactStatus::Active => "active",
            ContactStatus::Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(ContactStatus::Active),
            "suspended" => Some(ContactStatus::Suspended),
            _ => None,
        }
    }
}

/// One attribute value. Workshop shows it back as given; Pylon shows scalars as `value`
/// (numbers and booleans as text) and lists as `values`.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    Text(String),
    /// Kept as the JSON number text it arrived as, so it is shown back unchanged.
    Number(serde_json::Number),
    Bool(bool),
    List(Vec<String>),
}

impl AttributeValue {
    /// The scalar as Pylon shows it, or `None` for a list.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            AttributeValue::Text(text) => Some(text.clone()),
            AttributeValue::Number(number) => Some(number.to_string()),
            AttributeValue::Bool(flag) => Some(flag.to_string()),
            AttributeValue::List(_) => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AttributeValue::Text(text) => serde_json::Value::String(text.clone()),
            AttributeValue::Number(number) => serde_json::Value::Number(number.clone()),
            AttributeValue::Bool(flag) => serde_json::Value::Bool(*flag),
            AttributeValue::List(items) => items
                .iter()
                .cloned()
                .map(serde_json::Value::String)
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalId {
    pub external_id: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Social {
    pub facebook: Option<String>,
    pub twitter: Option<String>,
    pub linkedin: Option<String>,
    pub github: Option<String>,
    pub dribbble: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Grow's numeric id.
    pub id: i64,
    /// Pylon's and Workshop's id (a UUID).
    pub uid: String,
    pub first_name: String,
    pub last_name: String,
    /// The primary email.
    pub email: Option<String>,
    /// Every email, the primary first.
    pub emails: Vec<String>,
    /// The primary phone.
    pub phone: Option<String>,
    /// Every phone in the order given, the primary among them.
    pub phones: Vec<String>,
    pub job_position: Option<String>,
    pub status: ContactStatus,
    pub account: Option<AccountSummary>,
    /// Whether this contact is its account's owner.
    pub account_owner: bool,
    pub role_id: i32,
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
    pub avatar_url: Option<String>,
    pub social: Social,
    pub attributes: BTreeMap<String, AttributeValue>,
    pub external_ids: Vec<ExternalId>,
    /// Who wrote the contact: `api` or the name of an import source.
    pub source: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Contact {
    /// First and last name joined by one space, trimmed: every dialect's full name.
    pub fn full_name(&self) -> String {
        crate::validate::join_name(&self.first_name, &self.last_name)
    }

    /// The external id Workshop shows: the first one.
    pub fn primary_external_id(&self) -> Option<&str> {
        self.external_ids.first().map(|id| id.external_id.as_str())
    }
}

/// An email of the outbox waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Deliveries tried so far.
    pub attempts: i32,
}

/// A welcome email to queue in the outbox in the same transaction as the write that asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// A contact to create, already validated by the dialect.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContact {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phones: Vec<String>,
    pub primary_phone: Option<String>,
    pub job_position: Option<String>,
    pub account: Option<AccountKey>,
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
    pub avatar_url: Option<String>,
    pub attributes: BTreeMap<String, AttributeValue>,
    pub external_ids: Vec<ExternalId>,
    pub source: String,
    pub password_hash: Option<String>,
    pub welcome_email: Option<OutgoingEmail>,
}

impl NewContact {
    /// A contact with just a name, written through the API; the dialect fills in the rest.
    pub fn named(first_name: impl Into<String>, last_name: impl Into<String>) -> Self {
        NewContact {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: None,
            phones: Vec::new(),
            primary_phone: None,
            job_position: None,
            account: None,
            portal_role: None,
            portal_role_id: None,
            avatar_url: None,
            attributes: BTreeMap::new(),
            external_ids: Vec::new(),
            source: "api".to_owned(),
            password_hash: None,
            welcome_email: None,
        }
    }
}

/// A partial update: `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Sets the primary email (`Some(None)` clears it); other emails stay.
    pub email: Option<Option<String>>,
    /// Replaces every email; the first is the primary.
    pub emails: Option<Vec<String>>,
    /// Sets the primary phone (`Some(None)` clears it), keeping the other phones.
    pub phone: Option<Option<String>>,
    /// Replaces every phone, with the primary (which must be one of them, else the first).
    pub phones: Option<(Vec<String>, Option<String>)>,
    pub job_position: Option<Option<String>>,
    pub account: Option<AccountKey>,
    /// Sets the portal role (`Some(None)` clears it).
    pub portal_role: Option<Option<String>>,
    /// Sets the portal role id (`Some(None)` clears it).
    pub portal_role_id: Option<Option<String>>,
    pub avatar_url: Option<String>,
    /// Merged key by key; `None` removes the key.
    pub attributes: BTreeMap<String, Option<AttributeValue>>,
    /// Replaces every external id.
    pub external_ids: Option<Vec<ExternalId>>,
    /// Sets the first external id, keeping the others.
    pub primary_external_id: Option<String>,
    pub source: Option<String>,
}

/// How a request names one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactKey {
    Id(i64),
    Uid(String),
    /// By external id; with `only_source`, only a contact written by that source matches.
    External {
        external_id: String,
        only_source: Option<String>,
    },
}
