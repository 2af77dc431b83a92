//! Webhook endpoints: where the change feed's events are POSTed, signed per the Standard
//! Webhooks specification, at least once, in commit order per endpoint.

use crate::events::FeedPosition;
use crate::time::Timestamp;

/// One endpoint and where its delivery stands.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEndpoint {
    /// `ep_` + random hex.
    pub id: String,
    pub url: String,
    /// `whsec_` + base64 of the signing key.
    pub secret: String,
    /// The event types it wants; empty means every type.
    pub event_types: Vec<String>,
    pub created_at: Timestamp,
    /// The last event delivered or given up on: delivery continues after it.
    pub last_position: FeedPosition,
    /// Tries of the event being delivered.
    pub attempts: i32,
    /// Events given up on after every retry failed.
    pub failed: i64,
    pub last_error: Option<String>,
    /// Events waiting for it (listed endpoints only).
    pub backlog: u64,
}

/// The event types an endpoint can ask for.
pub const EVENT_TYPES: [&str; 6] = [
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "account.created",
    "account.updated",
    "account.deleted",
];
