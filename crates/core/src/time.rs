//! UTC timestamps with microseconds, stored and shown as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

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
        NaiveDateTime::parse_from_str(text, FORMAT)
            .ok()
            .map(|naive| Timestamp(naive.and_utc()))
    }

    pub fn to_text(&self) -> String {
        self.0.format(FORMAT).to_string()
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
    }

    #[test]
    fn now_has_six_fraction_digits() {
        let text = Timestamp::now().to_text();
        assert_eq!(text.len(), "2026-06-15T09:30:00.000000Z".len());
        assert!(text.ends_with('Z'));
    }
}
