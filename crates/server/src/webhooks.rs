//! Webhooks: `webhooks add|list|remove`, and the sender that POSTs each endpoint the change
//! feed's events, in commit order, at least once, signed per the Standard Webhooks
//! specification (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256
//! of "id.timestamp.body">`). Deliveries come from the stored events, so a restart, or a
//! `kill -9`, loses nothing; a retry keeps its `webhook-id`, so receivers deduplicate.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use contacts_core::webhooks::EVENT_TYPES;
use contacts_core::{ChangeEvent, Directory, FeedPosition, Timestamp, WebhookEndpoint};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::CommandError;

/// How long a delivery may take before it counts as failed (the specification's bound).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed endpoint is this sender's: just longer than one delivery can take. A
/// sender killed mid-delivery holds its endpoint this long; then another sends the event again.
const LEASE: Duration = Duration::from_secs(12);
/// How often endpoints are looked at when nothing was due.
const IDLE: Duration = Duration::from_millis(200);

/// A new endpoint's id and signing secret (`whsec_` + base64 of 24 random bytes).
pub fn new_endpoint(url: &str, event_types: &[String]) -> Result<WebhookEndpoint, CommandError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(CommandError::Usage(format!(
            "--url must be an http:// or https:// URL, not {url:?}"
        )));
    }
    if let Some(unknown) = event_types
        .iter()
        .find(|kind| !EVENT_TYPES.contains(&kind.as_str()))
    {
        return Err(CommandError::Usage(format!(
            "unknown event type {unknown:?}; the types are {}",
            EVENT_TYPES.join(", ")
        )));
    }
    let mut key = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut key);
    let mut id = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut id);
    Ok(WebhookEndpoint {
        id: format!(
            "ep_{}",
            id.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
        url: url.to_owned(),
        secret: format!("whsec_{}", STANDARD.encode(key)),
        event_types: event_types.to_vec(),
        created_at: Timestamp::now(),
        last_position: FeedPosition::default(),
        attempts: 0,
        failed: 0,
        last_error: None,
        backlog: 0,
    })
}

/// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the secret's key.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The delivery's body: `{"type", "timestamp", "data"}`.
fn payload(event: &ChangeEvent) -> String {
    serde_json::json!({
        "type": event.kind,
        "timestamp": event.occurred_at.to_text(),
        "data": event.data,
    })
    .to_string()
}

/// POSTs one event; `Err` says why it did not count as delivered (no 2xx within the timeout).
fn deliver(
    agent: &ureq::Agent,
    endpoint: &WebhookEndpoint,
    event: &ChangeEvent,
) -> Result<(), String> {
    let id = event.position.to_cursor();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        });
    let body = payload(event);
    let signed = signature(&endpoint.secret, &id, timestamp, &body)
        .ok_or_else(|| "the endpoint's secret is not whsec_ + base64".to_owned())?;
    let sent = agent
        .post(&endpoint.url)
        .set("content-type", "application/json")
        .set("webhook-id", &id)
        .set("webhook-timestamp", &timestamp.to_string())
        .set("webhook-signature", &signed)
        .send_string(&body);
    match sent {
        Ok(response) if (200..300).contains(&response.status()) => Ok(()),
        Ok(response) => Err(format!("answered {}", response.status())),
        Err(ureq::Error::Status(status, _)) => Err(format!("answered {status}")),
        Err(err) => Err(err.to_string()),
    }
}

/// One round over the due endpoints; answers whether anything was due.
fn deliver_due(directory: &dyn Directory, agent: &ureq::Agent, schedule: &[u64]) -> bool {
    let due = match directory.claim_webhook_deliveries(Timestamp::from_now(LEASE)) {
        Ok(due) => due,
        Err(err) => {
            log::warn!("webhook endpoints not read ({err}); trying again shortly");
            return false;
        }
    };
    for (endpoint, event) in &due {
        let recorded = match deliver(agent, endpoint, event) {
            Ok(()) => directory.webhook_delivered(&endpoint.id, event.position),
            Err(error) => {
                // The n-th retry waits the n-th entry; past the last, the event is given up.
                let retry = usize::try_from(endpoint.attempts)
                    .ok()
                    .and_then(|tries| schedule.get(tries))
                    .map(|secs| Timestamp::from_now(Duration::from_secs(*secs)));
                match &retry {
                    Some(_) => log::warn!(
                        "webhook {} not delivered to {} ({error}); retrying",
                        endpoint.id,
                        event.position.to_cursor()
                    ),
                    None => log::warn!(
                        "webhook {}: event {} given up after {} tries ({error})",
                        endpoint.id,
                        event.position.to_cursor(),
                        endpoint.attempts + 1
                    ),
                }
                directory.webhook_failed(&endpoint.id, event.position, retry, &error)
            }
        };
        if let Err(err) = recorded {
            log::warn!("webhook {} not updated ({err})", endpoint.id);
        }
    }
    !due.is_empty()
}

/// Starts the sender on a thread of its own: a slow or dead receiver never slows an API call.
pub fn start(directory: Arc<dyn Directory>, retry_schedule_secs: Vec<u64>) {
    let agent = ureq::AgentBuilder::new()
        .timeout(DELIVERY_TIMEOUT)
        .redirects(0)
        .build();
    let started = std::thread::Builder::new()
        .name("webhooks".into())
        .spawn(move || loop {
            if !deliver_due(directory.as_ref(), &agent, &retry_schedule_secs) {
                std::thread::sleep(IDLE);
            }
        });
    if let Err(err) = started {
        log::warn!("no thread for webhook deliveries ({err})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The specification's published example.
        let signed = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signed.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn endpoints_take_only_known_types_and_web_urls() {
        assert!(new_endpoint("ftp://x", &[]).is_err());
        assert!(new_endpoint("https://x.example/hook", &["contact.moved".into()]).is_err());
        let made = new_endpoint("https://x.example/hook", &["contact.created".into()]).expect("ok");
        assert!(made.id.starts_with("ep_") && made.secret.starts_with("whsec_"));
    }
}
