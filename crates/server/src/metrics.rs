//! The gateway's metrics in Prometheus' text format, by the `prometheus` crate: request
//! durations by dialect, route template, method and status; the store's group-commit batches
//! and contact-cache and page-memory look-ups; rate-limit refusals; live contacts; the build.
//!
//! Labels never carry contact data: routes are templates (`/v1/contacts/{id}`), never paths.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use contacts_core::StoreObserver;

/// Seconds: from a cached get (tens of microseconds) to a queued Argon2 create (a second).
const DURATION_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// Writes per group-commit batch (the writer takes at most 64).
const BATCH_BUCKETS: [f64; 7] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: HistogramVec,
    batches: Histogram,
    cache_hits: IntCounter,
    cache_misses: IntCounter,
    page_hits: IntCounter,
    page_misses: IntCounter,
    rate_limited: IntCounter,
    contacts: IntGauge,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = HistogramVec::new(
            HistogramOpts::new(
                "http_server_request_duration_seconds",
                "Time from a request's arrival to its response, by route template.",
            )
            .buckets(DURATION_BUCKETS.to_vec()),
            &["dialect", "route", "method", "status"],
        )?;
        let batches = Histogram::with_opts(
            HistogramOpts::new(
                "contacts_gateway_write_batch_size",
                "Writes committed together in one group-commit transaction.",
            )
            .buckets(BATCH_BUCKETS.to_vec()),
        )?;
        let cache_hits = IntCounter::new(
            "contacts_gateway_contact_cache_hits_total",
            "Look-ups by id answered from the store's memory of contacts.",
        )?;
        let cache_misses = IntCounter::new(
            "contacts_gateway_contact_cache_misses_total",
            "Look-ups by id that had to read the database.",
        )?;
        let page_hits = IntCounter::new(
            "contacts_gateway_page_memory_hits_total",
            "Contact list pages answered from the store's memory of pages and contacts.",
        )?;
        let page_misses = IntCounter::new(
            "contacts_gateway_page_memory_misses_total",
            "Contact list pages that had to read the database.",
        )?;
        let rate_limited = IntCounter::new(
            "contacts_gateway_rate_limited_total",
            "Requests refused with 429 by a rate limit.",
        )?;
        let contacts = IntGauge::new(
            "contacts_gateway_contacts",
            "Live (not deleted) contacts, read when the metrics are scraped.",
        )?;
        let build = IntGaugeVec::new(
            Opts::new(
                "contacts_gateway_build_info",
                "The running build; the value is always 1.",
            ),
            &["version"],
        )?;
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(batches.clone()))?;
        registry.register(Box::new(cache_hits.clone()))?;
        registry.register(Box::new(cache_misses.clone()))?;
        registry.register(Box::new(page_hits.clone()))?;
        registry.register(Box::new(page_misses.clone()))?;
        registry.register(Box::new(rate_limited.clone()))?;
        registry.register(Box::new(contacts.clone()))?;
        registry.register(Box::new(build))?;
        Ok(Metrics {
            registry,
            requests,
            batches,
            cache_hits,
            cache_misses,
            page_hits,
            page_misses,
            rate_limited,
            contacts,
        })
    }

    /// One finished request. `route` must be a template, never a raw path.
    pub fn request(&self, dialect: &str, route: &str, method: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        self.requests
            .with_label_values(&[dialect, route, method, status.as_str()])
            .observe(seconds);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// The text Prometheus scrapes, with the live-contact count just read.
    pub fn render(&self, live_contacts: Option<u64>) -> String {
        if let Some(live) = live_contacts {
            self.contacts.set(i64::try_from(live).unwrap_or(i64::MAX));
        }
        let mut text = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            log::error!("metrics could not be encoded: {err}");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}

impl StoreObserver for Metrics {
    fn write_batch(&self, writes: usize) {
        // A batch holds at most 64 writes: the conversion is exact.
        self.batches.observe(writes as f64);
    }

    fn contact_cache(&self, hit: bool) {
        if hit {
            self.cache_hits.inc();
        } else {
            self.cache_misses.inc();
        }
    }

    fn page_memory(&self, hit: bool) {
        if hit {
            self.page_hits.inc();
        } else {
            self.page_misses.inc();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_carries_every_family_with_its_labels() {
        let metrics = Metrics::new().expect("metrics");
        metrics.request("workshop", "/v1/contacts/{id}", "GET", 200, 0.003);
        metrics.write_batch(3);
        metrics.contact_cache(true);
        metrics.contact_cache(false);
        metrics.contact_cache(false);
        metrics.page_memory(true);
        metrics.page_memory(true);
        metrics.page_memory(false);
        metrics.rate_limited();
        let text = metrics.render(Some(42));
        for line in [
            "http_server_request_duration_seconds_bucket{dialect=\"workshop\",method=\"GET\",route=\"/v1/contacts/{id}\",status=\"200\",le=\"0.005\"} 1",
            "contacts_gateway_write_batch_size_bucket{le=\"4\"} 1",
            "contacts_gateway_write_batch_size_sum 3",
            "contacts_gateway_contact_cache_hits_total 1",
            "contacts_gateway_contact_cache_misses_total 2",
            "contacts_gateway_page_memory_hits_total 2",
            "contacts_gateway_page_memory_misses_total 1",
            "contacts_gateway_rate_limited_total 1",
            "contacts_gateway_contacts 42",
            "contacts_gateway_build_info{version=\"0.1.0\"} 1",
        ] {
            assert!(text.contains(line), "missing {line}\n{text}");
        }
    }
}
