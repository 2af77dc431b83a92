//! End-to-end tests: the real `contacts-gateway` binary on a free port over a fresh database.

#[path = "../../crates/store/tests/support/postgres.rs"]
mod pg_cluster;
mod server;

mod console;
mod cross;
mod docs;
mod email;
mod foundation;
mod hardening;
mod idempotency;
mod nodes;
mod operations;
mod php;
mod sync;
mod webhooks;
