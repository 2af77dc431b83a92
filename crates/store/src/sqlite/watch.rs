//! Watches the database for writes other processes commit (`import`, `keys`, any SQLite client)
//! and makes the contact cache forget everything when one lands; after each, it counts the
//! revoked keys, for the server's cache of keys.
//!
//! This process's own writes forget at once, before they are answered. Another process's write
//! is seen at the next look, so a contact read from memory is at most `LOOK_EVERY` (plus one
//! look) behind a write made outside this process.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use crate::contact_cache::ContactCache;
use crate::revocations::KeyRevocations;

pub const LOOK_EVERY: Duration = Duration::from_millis(10);

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

/// Starts the watching thread; it ends once the cache is dropped.
pub fn watch(
    url: &str,
    cache: Weak<ContactCache>,
    revocations: Arc<KeyRevocations>,
) -> std::io::Result<()> {
    let url = url.to_owned();
    std::thread::Builder::new()
        .name("store-watch".into())
        .spawn(move || {
            let mut watcher = Watcher {
                url,
                conn: None,
                last_seen: None,
                blind: false,
            };
            loop {
                std::thread::sleep(LOOK_EVERY);
                let Some(cache) = cache.upgrade() else {
                    return;
                };
                watcher.look(&cache, &revocations);
            }
        })?;
    Ok(())
}

struct Watcher {
    url: String,
    conn: Option<SqliteConnection>,
    /// The data version at the last look.
    last_seen: Option<i64>,
    /// Whether the last look failed (and the cache was told to remember nothing).
    blind: bool,
}

impl Watcher {
    fn look(&mut self, cache: &ContactCache, revocations: &KeyRevocations) {
        match self.changes() {
            Ok(None) => {}
            Ok(Some((version, revoked))) => {
                cache.forget_all();
                revocations.set(revoked);
                self.last_seen = Some(version);
            }
            Err(err) => return self.go_blind(cache, revocations, &err),
        }
        if self.blind {
            log::info!("watching the database for other writers again");
            cache.set_blind(false);
            revocations.set_blind(false);
            self.blind = false;
        }
    }

    fn go_blind(
        &mut self,
        cache: &ContactCache,
        revocations: &KeyRevocations,
        err: &diesel::result::Error,
    ) {
        // Unable to see other writers, the caches must not answer from memory at all.
        if !self.blind {
            log::warn!("cannot watch the database for other writers ({err}); reads skip the contact cache until it can");
            cache.set_blind(true);
            revocations.set_blind(true);
            self.blind = true;
        }
        self.last_seen = None;
        self.conn = None;
    }

    /// When another connection has committed since the last look: the new data version and
    /// the count of revoked keys.
    fn changes(&mut self) -> Result<Option<(i64, u64)>, diesel::result::Error> {
        let version = self.data_version()?;
        if self.last_seen == Some(version) {
            return Ok(None);
        }
        let conn = self.conn.as_mut().ok_or(diesel::result::Error::NotFound)?;
        let revoked = diesel::sql_query("SELECT count(revoked_at) AS n FROM api_keys")
            .get_result::<Count>(conn)?
            .n;
        Ok(Some((version, u64::try_from(revoked).unwrap_or(0))))
    }

    /// SQLite's count that changes whenever another connection commits (ours is never used to
    /// write, so every change is someone else's).
    fn data_version(&mut self) -> Result<i64, diesel::result::Error> {
        let conn = match &mut self.conn {
            Some(conn) => conn,
            None => {
                let mut conn = SqliteConnection::establish(&self.url)
                    .map_err(|err| diesel::result::Error::QueryBuilderError(Box::new(err)))?;
                conn.batch_execute("PRAGMA busy_timeout = 1000;")?;
                self.conn.insert(conn)
            }
        };
        // SQLite-specific: the pragma exists on no other backend.
        diesel::sql_query("PRAGMA data_version")
            .get_result::<DataVersion>(conn)
            .map(|row| row.data_version)
    }
}
