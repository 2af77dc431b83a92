//! Hears other nodes' writes: one connection of its own per node (not from the pool) that
//! LISTENs on the channel every write NOTIFYs as it commits, and makes the contact cache
//! forget everything and the revoked keys be counted again when one arrives.
//!
//! Notifications sent while the listener is not connected are lost, so after every (re)connect
//! it forgets everything; and as a backstop it looks every `BACKSTOP` at the database's next
//! transaction id, which moves with every write of any node. The same connection learns, now
//! and then, which trigrams most contacts share (trigrams.rs).

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use super::{sql, trigrams};
use crate::contact_cache::ContactCache;
use crate::revocations::KeyRevocations;

/// How often the listener reads what has arrived.
pub const LOOK_EVERY: Duration = Duration::from_millis(5);
/// How often it checks, notifications or not, whether anything was written.
const BACKSTOP: Duration = Duration::from_secs(1);

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Starts the listening thread; it ends once the cache is dropped.
pub fn watch(
    url: &str,
    cache: Weak<ContactCache>,
    revocations: Arc<KeyRevocations>,
) -> std::io::Result<()> {
    let url = url.to_owned();
    std::thread::Builder::new()
        .name("store-listen".into())
        .spawn(move || {
            let mut listener = Listener {
                url,
                conn: None,
                last_xid: None,
                last_backstop: Instant::now(),
                last_learned: Instant::now(),
            };
            loop {
                std::thread::sleep(LOOK_EVERY);
                let Some(cache) = cache.upgrade() else {
                    return;
                };
                if let Err(err) = listener.look(&cache, &revocations) {
                    if listener.conn.is_some() {
                        log::warn!("lost the connection that hears other nodes' writes ({err}); reads skip the contact cache until it is back");
                    }
                    listener.conn = None;
                    cache.set_blind(true);
                    revocations.set_blind(true);
                }
            }
        })?;
    Ok(())
}

struct Listener {
    url: String,
    conn: Option<PgConnection>,
    last_xid: Option<i64>,
    last_backstop: Instant,
    last_learned: Instant,
}

impl Listener {
    fn look(
        &mut self,
        cache: &ContactCache,
        revocations: &KeyRevocations,
    ) -> Result<(), diesel::result::Error> {
        let fresh = self.conn.is_none();
        let conn = match &mut self.conn {
            Some(conn) => conn,
            None => {
                let mut conn = PgConnection::establish(&self.url)
                    .map_err(|err| diesel::result::Error::QueryBuilderError(Box::new(err)))?;
                diesel::sql_query(sql::LISTEN_CHANGES).execute(&mut conn)?;
                self.conn.insert(conn)
            }
        };
        let mut heard = fresh;
        for notification in conn.notifications_iter() {
            notification?;
            heard = true;
        }
        if self.last_backstop.elapsed() >= BACKSTOP || fresh {
            self.last_backstop = Instant::now();
            let xid = diesel::sql_query(sql::NEXT_TRANSACTION_ID)
                .get_result::<Count>(conn)?
                .n;
            heard |= self.last_xid != Some(xid);
            self.last_xid = Some(xid);
        }
        if heard {
            cache.forget_all();
            let revoked = diesel::sql_query("SELECT count(revoked_at) AS n FROM api_keys")
                .get_result::<Count>(conn)?
                .n;
            revocations.set(u64::try_from(revoked).unwrap_or(0));
        }
        if self.last_learned.elapsed() >= trigrams::LEARN_EVERY || fresh {
            self.last_learned = Instant::now();
            // Without them searches still answer, only slower: not a reason to reconnect.
            if let Err(err) = trigrams::learn(conn) {
                log::warn!("cannot read the search statistics ({err}); searches ask their index for every trigram");
            }
        }
        if fresh {
            log::info!("listening for other nodes' writes");
            cache.set_blind(false);
            revocations.set_blind(false);
        }
        Ok(())
    }
}
