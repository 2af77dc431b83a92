//! The store's one phone rule: which phones every dialect accepts, how they are kept, and the
//! form each dialect shows, so that whatever one dialect shows, every dialect accepts back.
//!
//! A phone is kept as written (trimmed), because Grow shows it as written. It is accepted when
//! it is a number of 1 to 15 digits (E.164's bound) written with spaces and `+ ( ) . - /`, a
//! `+` only in front, then optionally an extension (`ext. 5`, `ext 5`, `x5`, `#5`) of 1 to 10
//! digits; at most 100 characters in all (Grow's column). Pylon shows the number's digits
//! (its documented input rule is digits only, 1 to 15); Workshop shows them with the `+` when
//! the phone was written with one (the vendor's E.164 style). Both drop the extension.

/// The rule as an ECMAScript pattern, for the OpenAPI documents (with `max_length` 100). A
/// blank value also matches: every dialect reads it as "no phone" (it clears one).
pub const PHONE_PATTERN: &str = r"^\s*$|^\s*\+?(?:[ ().\/-]*[0-9]){1,15}[ ().\/-]*(?:(?:[Ee][Xx][Tt][Ee][Nn][Ss][Ii][Oo][Nn]|[Ee][Xx][Tt]\.?|[Xx]|#)[ .:]*[0-9]{1,10})?\s*$";

/// The longest phone text kept.
pub const MAX_PHONE_CHARS: usize = 100;
/// The most digits a number has (E.164).
const MAX_NUMBER_DIGITS: usize = 15;
/// The most digits an extension has.
const MAX_EXTENSION_DIGITS: usize = 10;
/// How an extension is introduced, longest first so `ext.` is not read as `ext`.
const EXTENSION_MARKS: [&str; 5] = ["extension", "ext.", "ext", "x", "#"];

/// A phone read by the rule: whether it was written with `+`, and its number's digits.
struct Number {
    international: bool,
    digits: String,
}

fn read(text: &str) -> Option<Number> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_PHONE_CHARS {
        return None;
    }
    let split = text
        .find(|ch: char| ch.is_ascii_alphabetic() || ch == '#')
        .unwrap_or(text.len());
    let (number, extension) = text.split_at(split);
    if !extension.is_empty() && !is_extension(extension) {
        return None;
    }
    let number = number.trim();
    let international = number.starts_with('+');
    let body = number.strip_prefix('+').unwrap_or(number);
    if !body
        .chars()
        .all(|ch| ch.is_ascii_digit() || " ().-/".contains(ch))
    {
        return None;
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    (1..=MAX_NUMBER_DIGITS)
        .contains(&digits.len())
        .then_some(Number {
            international,
            digits,
        })
}

fn is_extension(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    EXTENSION_MARKS.iter().any(|mark| {
        lower.strip_prefix(mark).is_some_and(|rest| {
            let digits = rest.trim_start_matches([' ', '.', ':']);
            (1..=MAX_EXTENSION_DIGITS).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

/// Whether every dialect accepts this phone (see the module's rule).
pub fn is_valid_phone(text: &str) -> bool {
    read(text).is_some()
}

/// What Pylon shows: the number's digits. A phone kept before the rule existed shows its
/// first 15 digits, or `None` when it has none.
pub fn digits_form(text: &str) -> Option<String> {
    match read(text) {
        Some(number) => Some(number.digits),
        None => {
            let digits: String = text
                .chars()
                .filter(char::is_ascii_digit)
                .take(MAX_NUMBER_DIGITS)
                .collect();
            (!digits.is_empty()).then_some(digits)
        }
    }
}

/// What Workshop shows: the digits, with `+` in front when the phone was written with one.
pub fn compact_form(text: &str) -> Option<String> {
    let international = read(text).is_some_and(|number| number.international);
    digits_form(text).map(|digits| {
        if international {
            format!("+{digits}")
        } else {
            digits
        }
    })
}

/// Whether the text is a compact form (digits, perhaps after a `+`), as Pylon and Workshop show.
fn is_compact(text: &str) -> bool {
    let body = text.strip_prefix('+').unwrap_or(text);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

/// Phones a write sends, with each compact one that is a current phone's shown form replaced
/// by that phone as it was written: a client that reads `15550100` and sends it back leaves
/// `+1 555 0100` as Grow shows it. Each current phone stands for at most one sent phone.
pub fn keep_written_forms(sent: &[String], current: &[String]) -> Vec<String> {
    let mut unused: Vec<&String> = current.iter().collect();
    sent.iter()
        .map(|phone| {
            let phone_digits = phone.strip_prefix('+').unwrap_or(phone);
            let matching = is_compact(phone).then(|| {
                unused.iter().position(|kept| {
                    digits_form(kept).as_deref() == Some(phone_digits)
                        && (!phone.starts_with('+') || compact_form(kept).as_ref() == Some(phone))
                })
            });
            match matching.flatten() {
                Some(at) => unused.remove(at).clone(),
                None => phone.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_takes_what_people_write() {
        for phone in [
            "+1 555 0100",
            "555-0100 ext. 5",
            "(555) 010-0100",
            "+44 20 7946 0000",
            "15550100",
            "1",
            "555.0100 x12",
            "555 0100 #3",
            "030/1234567",
        ] {
            assert!(is_valid_phone(phone), "{phone}");
        }
        for phone in [
            "",
            "call me",
            "+",
            "1234567890123456",
            "55+50100",
            "555 0100 ext.",
            "555 0100 ext 12345678901",
            "555 0100 fax 5",
            &"1".repeat(101),
        ] {
            assert!(!is_valid_phone(phone), "{phone}");
        }
    }

    #[test]
    fn the_documents_pattern_is_the_rule() {
        let pattern = regex::Regex::new(PHONE_PATTERN).expect("pattern compiles");
        for phone in [
            "+1 555 0100",
            "555-0100 ext. 5",
            "555.0100 x12",
            "555 0100 #3",
            "030/1234567",
            "1",
            " 12 ",
            "call me",
            "+",
            "1234567890123456",
            "55+50100",
            "555 0100 ext.",
            "555 0100 ext 12345678901",
            "555 0100 fax 5",
            "5 EXTENSION: 7",
            "(555)",
        ] {
            let blank = phone.trim().is_empty();
            assert_eq!(
                pattern.is_match(phone),
                blank || is_valid_phone(phone),
                "{phone:?}"
            );
        }
    }

    #[test]
    fn each_dialect_form_is_accepted_by_the_rule_and_by_pylons() {
        for (phone, digits, compact) in [
            ("+1 555 0100", "15550100", "+15550100"),
            ("555-0100 ext. 5", "5550100", "5550100"),
            ("(555) 010-0100", "5550100100", "5550100100"),
        ] {
            assert_eq!(digits_form(phone).as_deref(), Some(digits));
            assert_eq!(compact_form(phone).as_deref(), Some(compact));
            assert!(crate::validate::is_valid_digits_phone(digits));
            assert!(is_valid_phone(compact));
        }
        assert_eq!(digits_form("no digits"), None);
    }

    #[test]
    fn shown_forms_sent_back_keep_the_written_phone() {
        let current = vec!["+1 555 0100".to_owned(), "555-0100 ext. 5".to_owned()];
        let owned = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            keep_written_forms(&owned(&["15550100", "5550100"]), &current),
            current
        );
        assert_eq!(
            keep_written_forms(&owned(&["+15550100"]), &current),
            owned(&["+1 555 0100"])
        );
        // A phone written out in full is kept as sent, as is a new number.
        assert_eq!(
            keep_written_forms(&owned(&["1 555 0100", "5550199"]), &current),
            owned(&["1 555 0100", "5550199"])
        );
    }
}
