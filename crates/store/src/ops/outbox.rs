//! Delivering the outbox: claiming due emails (so two senders, on one node or many, never send
//! the same one at once), marking them delivered (their body, which holds a password, removed)
//! or failed with the time of the next try.

use contacts_core::{CoreError, QueuedEmail, Timestamp};
use diesel::prelude::*;

use super::Conn;
use crate::error::db;
use crate::schema::outbox;

/// Claims up to `limit` due emails until `lease_until`: each is claimed by a conditional
/// update, so of two senders racing for one, exactly one wins it.
pub fn claim_due(
    conn: &mut Conn,
    limit: u32,
    lease_until: &Timestamp,
) -> Result<Vec<QueuedEmail>, CoreError> {
    let now = Timestamp::now().to_text();
    let due = || {
        outbox::table.filter(outbox::sent_at.is_null()).filter(
            outbox::next_attempt_at
                .is_null()
                .or(outbox::next_attempt_at.le(now.clone())),
        )
    };
    let candidates: Vec<i64> = due()
        .order(outbox::id.asc())
        .limit(i64::from(limit))
        .select(outbox::id)
        .load(conn)
        .map_err(db)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let won = diesel::update(due().filter(outbox::id.eq(id)))
            .set(outbox::next_attempt_at.eq(lease_until.to_text()))
            .execute(conn)
            .map_err(db)?;
        if won == 1 {
            let (recipient, subject, body, attempts) = outbox::table
                .find(id)
                .select((
                    outbox::recipient,
                    outbox::subject,
                    outbox::body,
                    outbox::attempts,
                ))
                .first(conn)
                .map_err(db)?;
            claimed.push(QueuedEmail {
                id,
                recipient,
                subject,
                body,
                attempts,
            });
        }
    }
    Ok(claimed)
}

pub fn delivered(conn: &mut Conn, id: i64) -> Result<(), CoreError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::sent_at.eq(Some(Timestamp::now().to_text())),
            outbox::body.eq(""),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(())
}

pub fn failed(
    conn: &mut Conn,
    id: i64,
    retry_at: &Timestamp,
    error: &str,
) -> Result<(), CoreError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(Some(retry_at.to_text())),
            outbox::last_error.eq(Some(error.chars().take(500).collect::<String>())),
        ))
        .execute(conn)
        .map_err(db)?;
    Ok(())
}
