//! The outbox as the mailer uses it: claimed emails are one sender's until their lease ends;
//! a delivered email loses its body (it holds a password); a failed one waits for its retry.

use std::time::Duration;

use actix_web::http::StatusCode;
use contacts_core::Timestamp;
use serde_json::json;

use crate::grow::client;
use crate::support::start;

#[actix_web::test]
async fn claims_lease_and_delivery_leave_nothing_sent_twice_or_kept() {
    let app = start().await;
    let acme = client(&app, "Acme", "olive@acme.example").await;
    for who in ["ann", "bob"] {
        let reply = app
            .post_json(
                "/api/contacts",
                json!({"first_name": who, "last_name": "X", "email": format!("{who}@acme.example"),
                       "clientid": acme["id"], "send_email": "yes"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let directory = app.directory();
    let lease = || Timestamp::from_now(Duration::from_secs(60));
    let claimed = directory.claim_due_emails(10, lease()).expect("claim");
    let recipients: Vec<&str> = claimed
        .iter()
        .map(|email| email.recipient.as_str())
        .collect();
    assert_eq!(recipients, ["ann@acme.example", "bob@acme.example"]);
    assert!(claimed
        .iter()
        .all(|email| email.body.contains("Password: ") && email.attempts == 0));
    // Leased: another sender finds nothing.
    assert!(directory
        .claim_due_emails(10, lease())
        .expect("claim")
        .is_empty());

    directory.email_delivered(claimed[0].id).expect("delivered");
    directory
        .email_failed(claimed[1].id, Timestamp::now(), "421 busy")
        .expect("failed");
    let again = directory.claim_due_emails(10, lease()).expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, claimed[1].id);
    assert_eq!(again[0].attempts, 1);
    directory
        .email_failed(
            again[0].id,
            Timestamp::from_now(Duration::from_secs(3600)),
            "421 busy",
        )
        .expect("failed");
    assert!(directory
        .claim_due_emails(10, lease())
        .expect("claim")
        .is_empty());

    let bodies: Vec<String> = app
        .store
        .outbox()
        .expect("outbox")
        .into_iter()
        .map(|(_, _, body)| body)
        .collect();
    assert_eq!(bodies[0], "", "a delivered email keeps no password");
    assert!(bodies[1].contains("Password: "));
}
