//! Webhook endpoints and where each one's delivery stands: one event at a time from its own
//! cursor, so events reach it in commit order; a claim (a conditional update of the next try's
//! time) keeps two senders, on one node or many, from sending to it at once.

use contacts_core::{ChangeEvent, CoreError, FeedPosition, Timestamp, WebhookEndpoint};
use diesel::prelude::*;

use super::events::{event, event_columns, feed_order, newest_settled, settled_after, EventRow};
use super::Conn;
use crate::error::db;
use crate::schema::{events, webhook_endpoints};

type EndpointRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i32,
    Option<String>,
    i64,
    Option<String>,
    i64,
);

fn endpoint(row: EndpointRow) -> WebhookEndpoint {
    let (
        id,
        url,
        secret,
        event_types,
        created_at,
        last_seq,
        attempts,
        _,
        failed,
        last_error,
        last_tx,
    ) = row;
    WebhookEndpoint {
        id,
        url,
        secret,
        event_types: serde_json::from_str(&event_types).unwrap_or_default(),
        created_at: Timestamp::parse(&created_at).unwrap_or_else(Timestamp::now),
        last_position: FeedPosition {
            tx: last_tx,
            seq: last_seq,
        },
        attempts,
        failed,
        last_error,
        backlog: 0,
    }
}

fn columns() -> (
    webhook_endpoints::id,
    webhook_endpoints::url,
    webhook_endpoints::secret,
    webhook_endpoints::event_types,
    webhook_endpoints::created_at,
    webhook_endpoints::last_position,
    webhook_endpoints::attempts,
    webhook_endpoints::next_attempt_at,
    webhook_endpoints::failed,
    webhook_endpoints::last_error,
    webhook_endpoints::last_tx,
) {
    (
        webhook_endpoints::id,
        webhook_endpoints::url,
        webhook_endpoints::secret,
        webhook_endpoints::event_types,
        webhook_endpoints::created_at,
        webhook_endpoints::last_position,
        webhook_endpoints::attempts,
        webhook_endpoints::next_attempt_at,
        webhook_endpoints::failed,
        webhook_endpoints::last_error,
        webhook_endpoints::last_tx,
    )
}

pub fn add(conn: &mut Conn, new: WebhookEndpoint) -> Result<WebhookEndpoint, CoreError> {
    let start = newest_settled(conn)?;
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::id.eq(&new.id),
            webhook_endpoints::url.eq(&new.url),
            webhook_endpoints::secret.eq(&new.secret),
            webhook_endpoints::event_types
                .eq(serde_json::Value::from(new.event_types.clone()).to_string()),
            webhook_endpoints::created_at.eq(new.created_at.to_text()),
            webhook_endpoints::last_position.eq(start.seq),
            webhook_endpoints::last_tx.eq(start.tx),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(WebhookEndpoint {
        last_position: start,
        ..new
    })
}

/// The next event after the endpoint's cursor of a type it wants.
fn next_event(
    conn: &mut Conn,
    endpoint: &WebhookEndpoint,
) -> Result<Option<ChangeEvent>, CoreError> {
    let mut query = settled_after(endpoint.last_position);
    if !endpoint.event_types.is_empty() {
        query = query.filter(events::kind.eq_any(endpoint.event_types.clone()));
    }
    let row: Option<EventRow> = query
        .order(feed_order())
        .select(event_columns())
        .first(conn)
        .optional()
        .map_err(db)?;
    Ok(row.map(event))
}

fn backlog(conn: &mut Conn, endpoint: &WebhookEndpoint) -> Result<u64, CoreError> {
    let mut query = settled_after(endpoint.last_position);
    if !endpoint.event_types.is_empty() {
        query = query.filter(events::kind.eq_any(endpoint.event_types.clone()));
    }
    let count: i64 = query.count().get_result(conn).map_err(db)?;
    Ok(u64::try_from(count).unwrap_or(0))
}

pub fn list(conn: &mut Conn) -> Result<Vec<WebhookEndpoint>, CoreError> {
    let rows: Vec<EndpointRow> = webhook_endpoints::table
        .order(webhook_endpoints::created_at.asc())
        .select(columns())
        .load(conn)
        .map_err(db)?;
    let mut listed = Vec::new();
    for row in rows {
        let mut endpoint = endpoint(row);
        endpoint.backlog = backlog(conn, &endpoint)?;
        listed.push(endpoint);
    }
    Ok(listed)
}

pub fn remove(conn: &mut Conn, id: &str) -> Result<bool, CoreError> {
    let gone = diesel::delete(webhook_endpoints::table.find(id))
        .execute(conn)
        .map_err(db)?;
    Ok(gone == 1)
}

pub fn claim_due(
    conn: &mut Conn,
    lease_until: &Timestamp,
) -> Result<Vec<(WebhookEndpoint, ChangeEvent)>, CoreError> {
    let now = Timestamp::now().to_text();
    let due = || {
        webhook_endpoints::table.filter(
            webhook_endpoints::next_attempt_at
                .is_null()
                .or(webhook_endpoints::next_attempt_at.le(now.clone())),
        )
    };
    let rows: Vec<EndpointRow> = due().select(columns()).load(conn).map_err(db)?;
    let mut claimed = Vec::new();
    for row in rows {
        let endpoint = endpoint(row);
        let Some(event) = next_event(conn, &endpoint)? else {
            continue;
        };
        let won = diesel::update(due().filter(webhook_endpoints::id.eq(&endpoint.id)))
            .set(webhook_endpoints::next_attempt_at.eq(lease_until.to_text()))
            .execute(conn)
            .map_err(db)?;
        if won == 1 {
            claimed.push((endpoint, event));
        }
    }
    Ok(claimed)
}

pub fn delivered(conn: &mut Conn, id: &str, position: FeedPosition) -> Result<(), CoreError> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::last_position.eq(position.seq),
            webhook_endpoints::last_tx.eq(position.tx),
            webhook_endpoints::attempts.eq(0),
            webhook_endpoints::next_attempt_at.eq(None::<String>),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

pub fn failed(
    conn: &mut Conn,
    id: &str,
    position: FeedPosition,
    retry_at: Option<&Timestamp>,
    error: &str,
) -> Result<(), CoreError> {
    let error: String = error.chars().take(500).collect();
    let changed = match retry_at {
        Some(retry_at) => diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::attempts.eq(webhook_endpoints::attempts + 1),
                webhook_endpoints::next_attempt_at.eq(Some(retry_at.to_text())),
                webhook_endpoints::last_error.eq(Some(error)),
            ))
            .execute(conn),
        None => diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::last_position.eq(position.seq),
                webhook_endpoints::last_tx.eq(position.tx),
                webhook_endpoints::attempts.eq(0),
                webhook_endpoints::next_attempt_at.eq(None::<String>),
                webhook_endpoints::failed.eq(webhook_endpoints::failed + 1),
                webhook_endpoints::last_error.eq(Some(error)),
            ))
            .execute(conn),
    };
    changed.map_err(db)?;
    Ok(())
}
