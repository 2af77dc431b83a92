//! Per-key rate limits, enforced with governor's GCRA limiters: each key gets its own limiter
//! (its own limit from `keys create --rate-limit`, else `[rate_limit]`), and with the `pylon`
//! preset each key also gets Pylon's documented per-endpoint limits on the Pylon routes.
//! Every limited response says its policy in the IETF `RateLimit-Policy` and `RateLimit`
//! fields; a refusal is a 429 in the dialect's shape with `Retry-After`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix_web::http::Method;
use contacts_core::{Caller, RateLimit};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::config::RateLimitSettings;

type Limiter = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

/// More distinct keys than this holding limiters is not a real workload; start afresh (a
/// fresh limiter starts full, so the worst case is one extra burst per key).
const MAX_KEYS: usize = 10_000;

/// Pylon's documented per-endpoint limits, per key and minute, as (endpoint, requests).
const PYLON_PRESET: [(PylonEndpoint, u32); 7] = [
    (PylonEndpoint::List, 60),
    (PylonEndpoint::Get, 60),
    (PylonEndpoint::Create, 60),
    (PylonEndpoint::Update, 60),
    (PylonEndpoint::Search, 20),
    (PylonEndpoint::Delete, 10),
    (PylonEndpoint::Import, 20),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PylonEndpoint {
    List,
    Get,
    Create,
    Update,
    Search,
    Delete,
    Import,
}

impl PylonEndpoint {
    fn policy_name(self) -> &'static str {
        match self {
            PylonEndpoint::List => "pylon-contacts-list",
            PylonEndpoint::Get => "pylon-contacts-get",
            PylonEndpoint::Create => "pylon-contacts-create",
            PylonEndpoint::Update => "pylon-contacts-update",
            PylonEndpoint::Search => "pylon-contacts-search",
            PylonEndpoint::Delete => "pylon-contacts-delete",
            PylonEndpoint::Import => "pylon-contacts-import",
        }
    }

    /// The endpoint of a Pylon route, from the path below Pylon's mount.
    fn of(method: &Method, path: &str) -> Option<Self> {
        if method == Method::POST && path == "/import/contacts" {
            return Some(PylonEndpoint::Import);
        }
        let rest = path.strip_prefix("/contacts")?;
        match (method.as_str(), rest) {
            ("GET", "" | "/") => Some(PylonEndpoint::List),
            ("POST", "" | "/") => Some(PylonEndpoint::Create),
            ("POST", "/search") => Some(PylonEndpoint::Search),
            (_, one) if one.len() > 1 && !one[1..].contains('/') => match method.as_str() {
                "GET" => Some(PylonEndpoint::Get),
                "PATCH" => Some(PylonEndpoint::Update),
                "DELETE" => Some(PylonEndpoint::Delete),
                _ => None,
            },
            _ => None,
        }
    }
}

/// One limiter and how it is described in the response fields.
#[derive(Debug)]
struct Policy {
    name: &'static str,
    limiter: Limiter,
    /// Requests in a full window (the burst).
    quota: u32,
    /// Seconds it takes to earn the whole quota back.
    window_secs: u64,
    replenish: Duration,
}

impl Policy {
    fn new(name: &'static str, quota: Quota, burst: NonZeroU32, clock: &DefaultClock) -> Self {
        let replenish = quota.replenish_interval();
        let window = replenish.saturating_mul(burst.get());
        Policy {
            name,
            limiter: RateLimiter::direct_with_clock(quota, clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            quota: burst.get(),
            window_secs: ceil_secs(window).max(1),
            replenish,
        }
    }
}

/// A key's limiters: its own (or the default), and Pylon's per-endpoint ones with the preset.
#[derive(Debug, Default)]
struct KeyLimiters {
    key: Option<Policy>,
    pylon: Vec<(PylonEndpoint, Policy)>,
}

/// What a check decided, with what the response fields say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub policy: &'static str,
    pub quota: u32,
    pub window_secs: u64,
    pub remaining: u32,
    /// Seconds until the quota is whole again.
    pub reset_secs: u64,
    /// `Some(seconds to wait)` when the request is refused.
    pub refused_for: Option<u64>,
}

impl Verdict {
    /// `RateLimit-Policy`, as the IETF httpapi draft spells it.
    pub fn policy_field(&self) -> String {
        format!(
            "\"{}\";q={};w={}",
            self.policy, self.quota, self.window_secs
        )
    }

    /// `RateLimit`: what is left of the quota and when it is whole again.
    pub fn limit_field(&self) -> String {
        format!(
            "\"{}\";r={};t={}",
            self.policy, self.remaining, self.reset_secs
        )
    }
}

/// Every key's limiters, shared by all workers.
#[derive(Debug)]
pub struct RateLimits {
    default: Option<RateLimit>,
    pylon_preset: bool,
    /// Where Pylon is mounted, so its endpoints are told apart whatever the prefix.
    pylon_prefix: String,
    clock: DefaultClock,
    keys: RwLock<HashMap<String, Arc<KeyLimiters>>>,
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings, pylon_prefix: &str) -> Self {
        let default = (settings.requests_per_second > 0).then(|| RateLimit {
            per_second: settings.requests_per_second,
            burst: settings.burst.max(1),
        });
        RateLimits {
            default,
            pylon_preset: settings.preset == "pylon",
            pylon_prefix: pylon_prefix.to_owned(),
            clock: DefaultClock::default(),
            keys: RwLock::new(HashMap::new()),
        }
    }

    /// Counts one request of `caller` to `path` against its limits. `None` when no limit
    /// applies to it.
    pub fn check(
        &self,
        dialect: &str,
        caller: &Caller,
        method: &Method,
        path: &str,
    ) -> Option<Verdict> {
        let limiters = self.limiters_of(caller);
        let endpoint = (dialect == "pylon")
            .then(|| path.strip_prefix(self.pylon_prefix.as_str()))
            .flatten()
            .and_then(|below| PylonEndpoint::of(method, below))
            .and_then(|endpoint| {
                limiters
                    .pylon
                    .iter()
                    .find(|(known, _)| *known == endpoint)
                    .map(|(_, policy)| policy)
            });
        let key_verdict = limiters.key.as_ref().map(|policy| self.count(policy));
        if let Some(refused) = key_verdict.as_ref().filter(|v| v.refused_for.is_some()) {
            return Some(refused.clone());
        }
        let endpoint_verdict = endpoint.map(|policy| self.count(policy));
        // The endpoint's limit is the tighter one where both apply.
        endpoint_verdict.or(key_verdict)
    }

    fn count(&self, policy: &Policy) -> Verdict {
        match policy.limiter.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let missing = policy.quota.saturating_sub(remaining);
                Verdict {
                    policy: policy.name,
                    quota: policy.quota,
                    window_secs: policy.window_secs,
                    remaining,
                    reset_secs: ceil_secs(policy.replenish.saturating_mul(missing)),
                    refused_for: None,
                }
            }
            Err(not_until) => {
                let wait = ceil_secs(not_until.wait_time_from(self.clock.now())).max(1);
                Verdict {
                    policy: policy.name,
                    quota: policy.quota,
                    window_secs: policy.window_secs,
                    remaining: 0,
                    reset_secs: policy.window_secs,
                    refused_for: Some(wait),
                }
            }
        }
    }

    fn limiters_of(&self, caller: &Caller) -> Arc<KeyLimiters> {
        let found = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&caller.key_name)
            .cloned();
        if let Some(found) = found {
            return found;
        }
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        let limiters = keys
            .entry(caller.key_name.clone())
            .or_insert_with(|| Arc::new(self.build(caller.rate_limit.or(self.default))));
        Arc::clone(limiters)
    }

    fn build(&self, limit: Option<RateLimit>) -> KeyLimiters {
        let key = limit.and_then(|limit| {
            let rate = NonZeroU32::new(limit.per_second)?;
            let burst = NonZeroU32::new(limit.burst.max(1))?;
            Some(Policy::new(
                "key",
                Quota::per_second(rate).allow_burst(burst),
                burst,
                &self.clock,
            ))
        });
        let pylon = if self.pylon_preset {
            PYLON_PRESET
                .iter()
                .filter_map(|&(endpoint, per_minute)| {
                    let per_minute = NonZeroU32::new(per_minute)?;
                    let policy = Policy::new(
                        endpoint.policy_name(),
                        Quota::per_minute(per_minute),
                        per_minute,
                        &self.clock,
                    );
                    Some((endpoint, policy))
                })
                .collect()
        } else {
            Vec::new()
        };
        KeyLimiters { key, pylon }
    }
}

fn ceil_secs(duration: Duration) -> u64 {
    let whole = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        whole + 1
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(per_second: u32, burst: u32, preset: &str) -> RateLimitSettings {
        RateLimitSettings {
            requests_per_second: per_second,
            burst,
            preset: preset.into(),
        }
    }

    fn caller(name: &str, rate_limit: Option<RateLimit>) -> Caller {
        Caller {
            key_name: name.into(),
            read_only: false,
            rate_limit,
        }
    }

    #[test]
    fn a_key_gets_its_burst_then_is_refused_and_other_keys_are_not() {
        let limits = RateLimits::new(&settings(1, 3, "none"), "");
        let one = caller("one", None);
        let get = Method::GET;
        let verdicts: Vec<Verdict> = (0..4)
            .filter_map(|_| limits.check("grow", &one, &get, "/contacts"))
            .collect();
        assert_eq!(
            verdicts.iter().map(|v| v.remaining).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
        assert_eq!(verdicts[0].policy_field(), "\"key\";q=3;w=3");
        assert_eq!(verdicts[2].refused_for, None);
        assert_eq!(verdicts[3].refused_for, Some(1));
        let other = limits.check("grow", &caller("two", None), &get, "/contacts");
        assert_eq!(other.map(|v| v.refused_for), Some(None));
    }

    #[test]
    fn a_keys_own_limit_wins_and_zero_means_no_default() {
        let limits = RateLimits::new(&settings(0, 0, "none"), "");
        assert_eq!(
            limits.check("grow", &caller("free", None), &Method::GET, "/x"),
            None
        );
        let own = caller(
            "own",
            Some(RateLimit {
                per_second: 10,
                burst: 20,
            }),
        );
        let verdict = limits
            .check("workshop", &own, &Method::GET, "/v1/contacts")
            .expect("limited");
        assert_eq!(verdict.policy_field(), "\"key\";q=20;w=2");
        assert_eq!(verdict.limit_field(), "\"key\";r=19;t=1");
    }

    #[test]
    fn the_pylon_preset_limits_each_endpoint() {
        let limits = RateLimits::new(&settings(0, 0, "pylon"), "/p");
        let key = caller("k", None);
        let deletes: Vec<Option<u64>> = (0..11)
            .filter_map(|_| limits.check("pylon", &key, &Method::DELETE, "/p/contacts/abc"))
            .map(|v| v.refused_for)
            .collect();
        assert_eq!(deletes.len(), 11);
        assert!(deletes[..10].iter().all(Option::is_none));
        assert!(deletes[10].is_some_and(|wait| (1..=6).contains(&wait)));
        let search = limits
            .check("pylon", &key, &Method::POST, "/p/contacts/search")
            .expect("limited");
        assert_eq!(search.policy_field(), "\"pylon-contacts-search\";q=20;w=60");
        assert_eq!(
            limits.check("pylon", &key, &Method::GET, "/p/accounts"),
            None,
            "routes the preset does not name are not limited by it"
        );
        assert_eq!(
            limits.check("grow", &key, &Method::DELETE, "/contacts/1"),
            None,
            "other dialects are not limited by it"
        );
    }

    #[test]
    fn pylon_endpoints_are_told_apart() {
        let of = |method: Method, path: &str| PylonEndpoint::of(&method, path);
        assert_eq!(of(Method::GET, "/contacts"), Some(PylonEndpoint::List));
        assert_eq!(of(Method::POST, "/contacts"), Some(PylonEndpoint::Create));
        assert_eq!(
            of(Method::POST, "/contacts/search"),
            Some(PylonEndpoint::Search)
        );
        assert_eq!(of(Method::GET, "/contacts/x"), Some(PylonEndpoint::Get));
        assert_eq!(
            of(Method::PATCH, "/contacts/x"),
            Some(PylonEndpoint::Update)
        );
        assert_eq!(
            of(Method::DELETE, "/contacts/x"),
            Some(PylonEndpoint::Delete)
        );
        assert_eq!(
            of(Method::POST, "/import/contacts"),
            Some(PylonEndpoint::Import)
        );
        assert_eq!(of(Method::GET, "/import/contacts"), None);
        assert_eq!(of(Method::GET, "/contacts/x/y"), None);
        assert_eq!(of(Method::GET, "/me"), None);
    }
}
