//! Dialect-neutral checks and normalisations. Each dialect words its own messages around them.

/// "Not blank" as an ECMAScript pattern for the OpenAPI documents: some character that is not
/// white space as the parsers trim it (Rust's `char::is_whitespace`, which counts U+0085 and
/// not U+FEFF, unlike ECMAScript's `\s`).
pub const NOT_BLANK_PATTERN: &str =
    r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// Splits a single full name at the first run of white space: the first word is the first name,
/// the rest (inner runs collapsed to one space) the last name.
pub fn split_name(full: &str) -> (String, String) {
    let mut words = full.split_whitespace();
    let first = words.next().unwrap_or("").to_owned();
    let rest: Vec<&str> = words.collect();
    (first, rest.join(" "))
}

/// First + " " + last, trimmed, so a one-word name has no trailing space.
pub fn join_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

/// The key the store sorts names by: the full name, lowercased.
pub fn name_sort_key(first: &str, last: &str) -> String {
    join_name(first, last).to_lowercase()
}

/// A practical email check in the spirit of Laravel's `email` rule: one `@`, a non-empty local
/// part without spaces, and a domain of dot-separated labels.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    !domain.is_empty()
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Pylon's phone rule: digits 0-9 only, one to fifteen of them.
pub fn is_valid_digits_phone(phone: &str) -> bool {
    (1..=15).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit())
}

/// Pylon's avatar rule: an http(s) URL whose path ends in `.png`, `.jpg` or `.jpeg`.
pub fn is_valid_avatar_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let Some((host, path)) = path.split_once('/') else {
        return false;
    };
    !host.is_empty()
        && !url.chars().any(char::is_whitespace)
        && [".png", ".jpg", ".jpeg"]
            .iter()
            .any(|ext| path.ends_with(ext))
}

/// Attribute keys are shared by Workshop attributes and Pylon custom-field slugs.
pub fn is_valid_attribute_key(key: &str) -> bool {
    (1..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_not_blank_pattern_is_what_trimming_leaves() {
        let pattern = regex::Regex::new(super::NOT_BLANK_PATTERN).expect("pattern compiles");
        for ch in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            let text = ch.to_string();
            assert_eq!(
                pattern.is_match(&text),
                !ch.is_whitespace(),
                "U+{:04X}",
                ch as u32
            );
        }
    }

    use super::*;

    #[test]
    fn names_split_at_first_whitespace_and_rejoin() {
        assert_eq!(split_name("Ada"), ("Ada".into(), "".into()));
        assert_eq!(
            split_name("  Mary   Ann  van Dyke "),
            ("Mary".into(), "Ann van Dyke".into())
        );
        assert_eq!(join_name("Ada", ""), "Ada");
        assert_eq!(join_name("Mary", "Ann van Dyke"), "Mary Ann van Dyke");
        assert_eq!(name_sort_key("Ada", "LOVELACE"), "ada lovelace");
    }

    #[test]
    fn emails() {
        for good in ["jane@acme.example", "a.b+c@x.io", "x@localhost"] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in [
            "",
            "jane",
            "@acme.io",
            "jane@",
            "ja ne@acme.io",
            "jane@acme..io",
            "a@b@c",
            "jane@-x.io",
            "'; DROP TABLE contacts;--@x",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones_and_avatars() {
        assert!(is_valid_digits_phone("15550100"));
        assert!(!is_valid_digits_phone("+15550100"));
        assert!(!is_valid_digits_phone("1234567890123456"));
        assert!(is_valid_avatar_url("https://cdn.example/a/b.PNG"));
        assert!(is_valid_avatar_url("http://cdn.example/a.jpeg?size=2"));
        assert!(!is_valid_avatar_url("ftp://cdn.example/a.png"));
        assert!(!is_valid_avatar_url("https://cdn.example/a.gif"));
        assert!(!is_valid_avatar_url("https:///a.png"));
    }
}
