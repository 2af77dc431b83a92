//! `Idempotency-Key`: a write's answer stored in the same transaction as its change, so a
//! retry under the same key gets that answer again and changes nothing.
//!
//! The server claims the key before the handler runs; the handler names how its answer is
//! rendered from the store's result (a "finisher"); the store, when a write under a claimed key
//! succeeds, renders the answer and stores it inside that write's transaction.

use std::any::Any;
use std::cell::RefCell;
use std::sync::Arc;

/// An answer as stored and replayed: status, `Location` (where there is one), body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// Renders a write's answer from the store's result (`None` for a result of another type).
pub type Finisher = Box<dyn Fn(&dyn Any) -> Option<StoredResponse> + Send + Sync>;

/// What the store's write transaction must do for a claimed key: render the answer from the
/// write's result (`None` when the result is not the type the handler answers from) and store
/// it under (`api_key`, `key`).
pub struct IdempotentWrite {
    pub api_key: String,
    pub key: String,
    pub finisher: Finisher,
}

/// How a claim on a key came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The request is the key's first: run it.
    Claimed,
    /// The key's first request finished: answer its stored answer again.
    Replay(StoredResponse),
    /// The key's first request was a different request.
    Mismatch,
    /// The key's first request is still being processed.
    InFlight,
}

thread_local! {
    static PENDING: RefCell<Option<Arc<IdempotentWrite>>> = const { RefCell::new(None) };
}

/// Runs `work` with `write` pending for every store write it makes on this thread.
pub fn with_idempotent_write<T>(write: Arc<IdempotentWrite>, work: impl FnOnce() -> T) -> T {
    let previous = PENDING.with(|cell| cell.replace(Some(write)));
    let result = work();
    PENDING.with(|cell| *cell.borrow_mut() = previous);
    result
}

/// The write pending on this thread, if a handler under a claimed key is running here.
pub fn pending_write() -> Option<Arc<IdempotentWrite>> {
    PENDING.with(|cell| cell.borrow().clone())
}
