//! In-process tests of the whole application: every dialect through the real actix app over a
//! fresh SQLite file per test.

mod bounds;
mod console;
mod events;
mod foundation;
mod grow;
mod grow_bodies;
mod grow_clients;
mod idempotency;
mod limits;
mod openapi;
mod outbox;
#[path = "../../../store/tests/support/postgres.rs"]
mod pg_cluster;
mod pylon;
mod pylon_accounts;
mod round_trip;
mod sandbox;
mod support;
mod workshop;
