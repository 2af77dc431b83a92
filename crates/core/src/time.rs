//! UTC timestamps with microseconds, stored and shown as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`: chrono's RFC 3339 forms with microseconds and `Z`, whose
/// dedicated parser and printer cost a fraction of a format string's (every contact on every
/// page has two).
const TEXT_LEN: usize = "2026-06-15T09:30:00.000000Z".len();

/// A UTC instant truncated to microseconds. Its text form sorts in time order, which the store's
/// keyset pagination on creation time relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now().trunc_subsecs(6))
    }

    /// Parses the stored text form; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        // RFC 3339 also allows other offsets, separators and precisions; the stored form is
        // exactly one of its spellings.
        if text.len() != TEXT_LEN || text.as_bytes()[10] != b'T' || !text.ends_with('Z') {
            return None;
        }
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|time| Timestamp(time.with_timezone(&Utc)))
    }

    /// Now plus `wait` (a retry's or a lease's end).
    pub fn from_now(wait: std::time::Duration) -> Self {
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
        Timestamp(Utc::now().trunc_subsecs(6) + wait)
    }

    /// This instant `days` days earlier (the change feed's retention cutoff).
    pub fn minus_days(&self, days: i64) -> Self {
        Timestamp(self.0 - chrono::Duration::days(days))
    }

    /// This instant `hours` hours earlier (the `Idempotency-Key` retention cutoff).
    pub fn minus_hours(&self, hours: i64) -> Self {
        Timestamp(self.0 - chrono::Duration::hours(hours))
    }

    pub fn to_text(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_with_microseconds() {
        let parsed = Timestamp::parse("2026-06-15T09:30:00.000001Z").expect("parses");
        assert_eq!(parsed.to_text(), "2026-06-15T09:30:00.000001Z");
        assert!(Timestamp::parse("2026-06-15 09:30:00").is_none());
        for other_spelling in [
            "2026-06-15 09:30:00.000001Z",
            "2026-06-15t09:30:00.000001Z",
            "2026-06-15T09:30:00.000001z",
            "2026-06-15T09:30:00.001+00:00",
            "2026-06-15T09:30:00.0000001Z",
        ] {
            assert!(
                Timestamp::parse(other_spelling).is_none(),
                "{other_spelling}"
            );
        }
    }

    #[test]
    fn now_has_six_fraction_digits() {
        let text = Timestamp::now().to_text();
        assert_eq!(text.len(), "2026-06-15T09:30:00.000000Z".len());
        assert!(text.ends_with('Z'));
    }
}
