//! The database a store test runs on: a SQLite file in a temporary folder, or, with
//! `CONTACTS_TEST_BACKEND=postgres` (CI's second pass over the suite), a throw-away PostgreSQL
//! cluster of its own. A test that opens the URL twice has two nodes (or two processes).

use std::sync::Arc;

use contacts_core::Unobserved;
use contacts_store::{PoolOptions, Store};

use crate::pg_cluster::Cluster;

pub struct TestDatabase {
    _dir: tempfile::TempDir,
    /// Stopped when the test ends, after every store on it.
    _cluster: Option<Cluster>,
    pub url: String,
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        let on_postgres =
            std::env::var("CONTACTS_TEST_BACKEND").is_ok_and(|backend| backend == "postgres");
        if on_postgres {
            let cluster = Cluster::start().expect("PostgreSQL is installed");
            return TestDatabase {
                url: cluster.url(),
                _dir: dir,
                _cluster: Some(cluster),
            };
        }
        let url = dir.path().join("contacts.db").display().to_string();
        TestDatabase {
            _dir: dir,
            _cluster: None,
            url,
        }
    }

    /// A store of its own on this database (its own pool, memory and change watcher).
    pub fn open(&self) -> Store {
        Store::open_observed(&self.url, PoolOptions::default(), Arc::new(Unobserved))
            .expect("opens")
    }
}
