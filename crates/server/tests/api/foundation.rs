//! The house: health checks, request ids, keys at rest, and writes that fail change nothing.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use contacts_core::{AccountQuery, Conflict, CoreError, NewAccount, NewContact};
use diesel::prelude::*;

use crate::support::start;

#[actix_web::test]
async fn health_and_readiness_need_no_key_and_carry_a_request_id() {
    let app = start().await;
    let health = app.send(TestRequest::get().uri("/healthz")).await;
    assert_eq!(
        (health.status, &health.body),
        (StatusCode::OK, &serde_json::json!({"status": "ok"}))
    );
    let ready = app.send(TestRequest::get().uri("/readyz")).await;
    assert_eq!(
        (ready.status, &ready.body),
        (StatusCode::OK, &serde_json::json!({"status": "ready"}))
    );
    let first = health.header("x-request-id").expect("request id");
    let second = ready.header("x-request-id").expect("request id");
    assert_ne!(first, second);
    assert!(uuid::Uuid::parse_str(&first).is_ok());
}

#[actix_web::test]
async fn keys_are_stored_only_as_hashes() {
    let app = start().await;
    let stored: Vec<(String, String)> = {
        use contacts_store::schema::api_keys::dsl;
        let contacts_store::Store::Sqlite(store) = &app.store else {
            return;
        };
        let mut conn = store.pool().get().expect("conn");
        dsl::api_keys
            .select((dsl::name, dsl::key_hash))
            .load(&mut conn)
            .expect("keys")
    };
    assert_eq!(
        stored,
        vec![("tests".to_owned(), contacts_core::auth::hash_key(&app.key))]
    );
    let file = std::fs::read(&app.settings.database.url).expect("db file");
    let wal = std::fs::read(format!("{}-wal", app.settings.database.url)).unwrap_or_default();
    for bytes in [file, wal] {
        assert!(!bytes
            .windows(app.key.len())
            .any(|window| window == app.key.as_bytes()));
    }
}

#[actix_web::test]
async fn key_lifecycle_create_list_revoke() {
    let app = start().await;
    let directory = app.directory();
    let key = app.extra_key("ci", true);
    let names: Vec<(String, bool)> = directory
        .list_keys()
        .expect("list")
        .into_iter()
        .map(|k| (k.name, k.read_only))
        .collect();
    assert_eq!(names, vec![("tests".into(), false), ("ci".into(), true)]);
    let duplicate = contacts_gateway::keys::create(directory, "ci", false);
    assert!(matches!(
        duplicate,
        Err(CoreError::Conflict(Conflict::KeyNameTaken))
    ));
    let ok = app
        .send(
            TestRequest::get()
                .uri("/api/contacts")
                .insert_header(("Authorization", format!("Bearer {key}"))),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let revoked = directory.revoke_key("ci").expect("revoke");
    assert!(revoked.revoked_at.is_some());
    // The store's watcher counts revoked keys within 10 ms; allow it a few looks.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let after = app
        .send(
            TestRequest::get()
                .uri("/api/contacts")
                .insert_header(("Authorization", format!("Bearer {key}"))),
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert!(contacts_gateway::keys::bootstrap(directory)
        .expect("bootstrap")
        .is_none());
}

#[actix_web::test]
async fn a_write_that_fails_half_way_changes_nothing() {
    let app = start().await;
    let directory = app.directory();
    let mut first = NewContact::named("Taken", "Email");
    first.email = Some("taken@acme.example".into());
    directory.create_contact(first).expect("first contact");
    let before = directory
        .list_accounts(&AccountQuery::by_id(10))
        .expect("accounts")
        .1;

    // The account row is written first; the owner contact then breaks the email rule.
    let mut owner = NewContact::named("Second", "Owner");
    owner.email = Some("TAKEN@acme.example".into());
    let account = NewAccount {
        name: "Half Way Ltd".into(),
        ..NewAccount::default()
    };
    let result = directory.create_account(account, Some(owner));
    assert!(
        matches!(
            result,
            Err(CoreError::Conflict(Conflict::EmailTaken { .. }))
        ),
        "{result:?}"
    );
    let after = directory
        .list_accounts(&AccountQuery::by_id(10))
        .expect("accounts")
        .1;
    assert_eq!(before, after);
}

#[actix_web::test]
async fn a_panicking_handler_gets_the_dialects_500() {
    use actix_web::{web, App};
    use contacts_gateway::app::dialect_scope;

    fn explode(cfg: &mut web::ServiceConfig) {
        cfg.route(
            "/boom",
            web::get().to(|| async { panic!("kaboom") as &'static str }),
        );
    }
    let app = start().await;
    let service = actix_web::test::init_service(
        App::new()
            .app_data(web::Data::new(contacts_gateway::gateway(
                &app.store,
                &app.settings,
            )))
            .service(dialect_scope::<dialect_grow::Grow>("/api", explode)),
    )
    .await;
    let request = TestRequest::get()
        .uri("/api/boom")
        .insert_header(("Authorization", format!("Bearer {}", app.key)));
    // The error carries its finished response; actix's dispatcher sends exactly that.
    let error = match actix_web::test::try_call_service(&service, request.to_request()).await {
        Err(error) => error,
        Ok(response) => panic!(
            "expected the panic to surface as an error, got {}",
            response.status()
        ),
    };
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().contains_key("x-request-id"));
    let bytes = actix_web::body::to_bytes(response.into_body())
        .await
        .expect("body");
    let body: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body, serde_json::json!({"message": "Server Error"}));
}
