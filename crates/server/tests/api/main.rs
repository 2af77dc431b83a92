//! In-process tests of the whole application: every dialect through the real actix app over a
//! fresh SQLite file per test.

mod bounds;
mod foundation;
mod grow;
mod limits;
mod openapi;
#[path = "../../../store/tests/support/postgres.rs"]
mod pg_cluster;
mod pylon;
mod support;
mod workshop;
