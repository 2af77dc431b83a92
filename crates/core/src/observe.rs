//! What the store tells whoever watches it work (the server's metrics), without knowing who
//! that is: a store calls these as things happen; the default does nothing.

/// Events of the store's inner working, for an operator's metrics.
pub trait StoreObserver: Send + Sync + std::fmt::Debug {
    /// A group-commit batch of `writes` writes committed (or failed) together.
    fn write_batch(&self, writes: usize) {
        let _ = writes;
    }

    /// A look-up by id asked the store's memory of contacts: found there (`hit`) or not.
    fn contact_cache(&self, hit: bool) {
        let _ = hit;
    }

    /// A page asked the store's memory of pages: answered from memory (`hit`) or not.
    fn page_memory(&self, hit: bool) {
        let _ = hit;
    }
}

/// Watches nothing.
#[derive(Debug, Default)]
pub struct Unobserved;

impl StoreObserver for Unobserved {}
