//! End-to-end tests: the real `contacts-gateway` binary on a free port over a fresh database.

mod server;

mod cross;
mod docs;
mod foundation;
mod hardening;
mod operations;
mod sync;
