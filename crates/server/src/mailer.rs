//! Delivers the outbox's welcome emails through SMTP (`[email] smtp_url`), off the request
//! path, on a thread of its own: claim what is due, send each with `lettre`, mark it delivered
//! (its body, which holds a password, removed) or failed with a later try. Without `smtp_url`
//! emails stay queued.

use std::sync::Arc;
use std::time::Duration;

use contacts_core::{Directory, QueuedEmail, Timestamp};
use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};

use crate::config::EmailSettings;

/// How long a claimed email is this sender's: longer than one try can take.
const LEASE: Duration = Duration::from_secs(60);
/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the outbox is looked at when it was empty.
const IDLE: Duration = Duration::from_millis(500);
/// Emails claimed at a time.
const BATCH: u32 = 20;

/// The wait before try `attempts + 1`: 1 s, doubling, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.clamp(0, 12)).unwrap_or(12);
    Duration::from_secs((1u64 << doublings).min(3600))
}

/// Where emails go, as the start line says it: the server and port, never the credentials.
pub fn describe(settings: &EmailSettings) -> String {
    if settings.smtp_url.is_empty() {
        return "welcome emails stay queued ([email] smtp_url is not set)".to_owned();
    }
    match url_host(&settings.smtp_url) {
        Some(host) => format!("welcome emails sent through {host}"),
        None => "welcome emails: [email] smtp_url is not a URL".to_owned(),
    }
}

/// `scheme://host:port` of an SMTP URL, without user or password.
fn url_host(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?']).next()?;
    let host = authority.rsplit('@').next()?;
    Some(format!("{scheme}://{host}"))
}

fn message(from: &str, email: &QueuedEmail) -> Result<Message, String> {
    Message::builder()
        .from(from.parse().map_err(|err| format!("[email] from: {err}"))?)
        .to(email
            .recipient
            .parse()
            .map_err(|err| format!("recipient: {err}"))?)
        .subject(email.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())
        .map_err(|err| err.to_string())
}

/// Starts the sender when `smtp_url` is set; a URL lettre cannot read is an error at start.
pub fn start(directory: Arc<dyn Directory>, settings: &EmailSettings) -> Result<(), String> {
    if settings.smtp_url.is_empty() {
        return Ok(());
    }
    let transport = SmtpTransport::from_url(&settings.smtp_url)
        .map_err(|err| format!("[email] smtp_url: {err}"))?
        .timeout(Some(SMTP_TIMEOUT))
        .build();
    let from = settings.from.clone();
    std::thread::Builder::new()
        .name("mailer".into())
        .spawn(move || loop {
            let sent_any = deliver_due(directory.as_ref(), &transport, &from);
            if !sent_any {
                std::thread::sleep(IDLE);
            }
        })
        .map(|_| ())
        .map_err(|err| format!("no thread for the mailer: {err}"))
}

/// One round: claims what is due and tries each; answers whether anything was claimed.
fn deliver_due(directory: &dyn Directory, transport: &SmtpTransport, from: &str) -> bool {
    let lease_until = Timestamp::from_now(LEASE);
    let due = match directory.claim_due_emails(BATCH, lease_until) {
        Ok(due) => due,
        Err(err) => {
            log::warn!("outbox not read ({err}); trying again shortly");
            return false;
        }
    };
    for email in &due {
        let outcome = message(from, email).and_then(|message| {
            transport
                .send(&message)
                .map(|_| ())
                .map_err(|err| err.to_string())
        });
        // The log names the email by its id, never its recipient or body.
        let recorded = match outcome {
            Ok(()) => {
                log::info!("welcome email {} delivered", email.id);
                directory.email_delivered(email.id)
            }
            Err(error) => {
                let wait = backoff(email.attempts);
                log::warn!(
                    "welcome email {} not delivered (try {}): {error}; next try in {} s",
                    email.id,
                    email.attempts + 1,
                    wait.as_secs()
                );
                directory.email_failed(email.id, Timestamp::from_now(wait), &error)
            }
        };
        if let Err(err) = recorded {
            log::warn!("outbox not updated for email {} ({err})", email.id);
        }
    }
    !due.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_an_hour() {
        let waits: Vec<u64> = [0, 1, 2, 5, 11, 12, 40]
            .map(|n| backoff(n).as_secs())
            .to_vec();
        assert_eq!(waits, [1, 2, 4, 32, 2048, 3600, 3600]);
    }

    #[test]
    fn the_start_line_never_shows_credentials() {
        let settings = |url: &str| EmailSettings {
            smtp_url: url.into(),
            from: "a@b.example".into(),
        };
        assert_eq!(
            describe(&settings("smtps://user:secret@mail.example:465")),
            "welcome emails sent through smtps://mail.example:465"
        );
        assert_eq!(
            describe(&settings("")),
            "welcome emails stay queued ([email] smtp_url is not set)"
        );
    }
}
