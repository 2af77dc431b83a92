//! Grow's list parameters: `page` and `limit` with Laravel's forgiving defaults, and
//! whitelisted `sort`/`order`.

use contacts_core::{Order, MAX_SEARCH_TERM_CHARS};

use crate::error::FieldErrors;
use crate::input::selected_invalid_message;

pub const DEFAULT_LIMIT: u32 = 25;
pub const MAX_LIMIT: u32 = 100;

/// Reads a query parameter by name (the last one wins, as in PHP).
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `limit`: default 25, capped at 100 (however large the number: one too large for any
/// integer type is above the cap too); below 1 or not a number means the default.
pub fn limit(pairs: &[(String, String)]) -> u32 {
    let Some(text) = param(pairs, "limit").map(str::trim) else {
        return DEFAULT_LIMIT;
    };
    let digits = text.strip_prefix('+').unwrap_or(text);
    match text.parse::<i64>() {
        Ok(limit) if limit >= 1 => {
            u32::try_from(limit.min(i64::from(MAX_LIMIT))).unwrap_or(MAX_LIMIT)
        }
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => MAX_LIMIT,
        _ => DEFAULT_LIMIT,
    }
}

/// `page`: below 1 or not a number means 1.
pub fn page(pairs: &[(String, String)]) -> u64 {
    match param(pairs, "page").and_then(|text| text.trim().parse::<u64>().ok()) {
        Some(page) if page >= 1 => page,
        _ => 1,
    }
}

/// A whitelisted parameter: absent or empty means the default; anything else not listed is a 422.
pub fn choice<T: Copy>(
    pairs: &[(String, String)],
    name: &str,
    options: &[(&str, T)],
    default: T,
    errors: &mut FieldErrors,
) -> T {
    match param(pairs, name)
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        None => default,
        Some(text) => match options.iter().find(|(option, _)| *option == text) {
            Some((_, value)) => *value,
            None => {
                errors.add(name, selected_invalid_message(name));
                default
            }
        },
    }
}

/// `order`: `asc` or `desc`, `default` when absent.
pub fn order(pairs: &[(String, String)], default: Order, errors: &mut FieldErrors) -> Order {
    choice(
        pairs,
        "order",
        &[("asc", Order::Asc), ("desc", Order::Desc)],
        default,
        errors,
    )
}

/// A non-empty filter parameter of at most `MAX_SEARCH_TERM_CHARS` characters; a longer one is
/// a 422 in Laravel's `max` wording (and no filter).
pub fn filter<'a>(
    pairs: &'a [(String, String)],
    name: &str,
    errors: &mut FieldErrors,
) -> Option<&'a str> {
    let text = param(pairs, name)
        .map(str::trim)
        .filter(|text| !text.is_empty())?;
    if text.chars().count() > MAX_SEARCH_TERM_CHARS {
        errors.add(
            name,
            format!(
                "The {} field must not be greater than {MAX_SEARCH_TERM_CHARS} characters.",
                name.replace('_', " ")
            ),
        );
        return None;
    }
    Some(text)
}

/// The offset of a page, saturating for absurd page numbers (they simply find nothing).
pub fn offset(page: u64, limit: u32) -> u64 {
    page.saturating_sub(1).saturating_mul(u64::from(limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn limit_and_page_forgive_bad_values() {
        assert_eq!(limit(&pairs(&[])), 25);
        assert_eq!(limit(&pairs(&[("limit", "500")])), 100);
        assert_eq!(limit(&pairs(&[("limit", "0")])), 25);
        assert_eq!(limit(&pairs(&[("limit", "ten")])), 25);
        assert_eq!(limit(&pairs(&[("limit", "7")])), 7);
        assert_eq!(limit(&pairs(&[("limit", "9223372036854775807")])), 100);
        assert_eq!(limit(&pairs(&[("limit", "999999999999999999999")])), 100);
        assert_eq!(limit(&pairs(&[("limit", "-999999999999999999999")])), 25);
        assert_eq!(limit(&pairs(&[("limit", "12x")])), 25);
        assert_eq!(page(&pairs(&[("page", "-3")])), 1);
        assert_eq!(page(&pairs(&[("page", "x")])), 1);
        assert_eq!(page(&pairs(&[("page", "4")])), 4);
        assert_eq!(offset(u64::MAX, 100), u64::MAX);
    }

    #[test]
    fn filter_terms_are_bounded() {
        let mut errors = FieldErrors::default();
        let longest = "a".repeat(MAX_SEARCH_TERM_CHARS);
        let list = pairs(&[("search", longest.as_str())]);
        assert_eq!(filter(&list, "search", &mut errors), Some(longest.as_str()));
        assert!(errors.is_empty());
        let too_long = "é".repeat(MAX_SEARCH_TERM_CHARS + 1);
        let list = pairs(&[("client_id", too_long.as_str())]);
        assert_eq!(filter(&list, "client_id", &mut errors), None);
        assert!(!errors.is_empty());
    }
}
