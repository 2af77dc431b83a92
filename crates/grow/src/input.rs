//! Reading Grow request fields the way Laravel validates them: strings trimmed, empty strings
//! treated as absent, and one message per failed rule in Laravel's default English.

use contacts_core::phone::is_valid_phone;
use contacts_core::validate::is_valid_email;
use contacts_http::{Body, BodyRules, Fields};
use serde_json::Value;

use crate::error::FieldErrors;

/// The largest integer an integer field takes either way (18 digits, inside i64): the
/// document states the same bound.
pub const MAX_INTEGER: i64 = 999_999_999_999_999_999;

/// Laravel's attribute name: the key with underscores as spaces.
fn attribute(field: &str) -> String {
    field.replace('_', " ")
}

pub fn required_message(field: &str) -> String {
    format!("The {} field is required.", attribute(field))
}

pub fn taken_message(field: &str) -> String {
    format!("The {} has already been taken.", attribute(field))
}

pub fn selected_invalid_message(field: &str) -> String {
    format!("The selected {} is invalid.", attribute(field))
}

/// Validates fields one rule at a time, gathering every failure. Bounds (lengths, list sizes)
/// come from the body's schema type in `openapi.rs`, so the document states what is enforced.
pub struct Input<'a> {
    fields: &'a Fields,
    rules: &'a BodyRules,
    /// Form data: every value is text, and one `tags=x` is a list of one.
    form: bool,
    pub errors: FieldErrors,
}

impl<'a> Input<'a> {
    pub fn new(body: &'a Body, rules: &'a BodyRules) -> Self {
        Input {
            fields: &body.fields,
            rules,
            form: body.form,
            errors: FieldErrors::default(),
        }
    }

    pub fn is_present(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    /// Whether the body sends this field as null or blank: what Grow shows for a name or an
    /// email a contact does not have.
    pub fn is_sent_empty(&self, field: &str) -> bool {
        match self.fields.get(field) {
            Some(Value::Null) => true,
            Some(Value::String(text)) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as trimmed text: `Ok(None)` when absent, null or empty; `Err` (recorded) when
    /// it has the wrong JSON type. Numbers are read only where `number_ok` (integer fields);
    /// 45.0 is an integer to JSON Schema, so it reads as 45.
    fn scalar(&mut self, field: &str, number_ok: bool) -> Result<Option<String>, ()> {
        let text = match self.fields.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(text)) => text.trim().to_owned(),
            Some(Value::Number(number)) if number_ok => match number.as_f64() {
                Some(float) if number.is_f64() && float.fract() == 0.0 && float.abs() < 1e15 => {
                    format!("{}", float as i64)
                }
                _ => number.to_string(),
            },
            Some(_) => {
                let kind = if number_ok { "an integer" } else { "a string" };
                self.errors.add(
                    field,
                    format!("The {} field must be {kind}.", attribute(field)),
                );
                return Err(());
            }
        };
        Ok(if text.is_empty() { None } else { Some(text) })
    }

    fn text(&mut self, field: &str) -> Result<Option<String>, ()> {
        self.scalar(field, false)
    }

    /// The length is counted as sent, before trimming, as the document's `maxLength` counts it.
    fn check_max(&mut self, field: &str, value: &str) -> bool {
        let max = self.rules.max_length(field);
        let sent = match self.fields.get(field) {
            Some(Value::String(text)) => text.chars().count(),
            _ => value.chars().count(),
        };
        if sent > max {
            self.errors.add(
                field,
                format!(
                    "The {} field must not be greater than {max} characters.",
                    attribute(field)
                ),
            );
            return false;
        }
        true
    }

    /// A required string within its documented length.
    pub fn required(&mut self, field: &str) -> Option<String> {
        match self.text(field) {
            Ok(Some(value)) => self.check_max(field, &value).then_some(value),
            Ok(None) => {
                self.errors.add(field, required_message(field));
                None
            }
            Err(()) => None,
        }
    }

    /// An optional string: `None` when the key is absent, `Some(None)` when sent empty or null.
    pub fn optional(&mut self, field: &str) -> Option<Option<String>> {
        if !self.is_present(field) {
            return None;
        }
        match self.text(field) {
            Ok(Some(value)) => self.check_max(field, &value).then_some(Some(value)),
            // Blank is none, but a blank longer than the bound is still refused, as sent.
            Ok(None) => self.check_max(field, "").then_some(None),
            Err(()) => None,
        }
    }

    /// An optional phone by the store's one rule (`contacts_core::phone`), which every dialect
    /// shares so that what Grow takes, Pylon and Workshop show and accept back.
    pub fn optional_phone(&mut self, field: &str) -> Option<Option<String>> {
        let value = self.optional(field)?;
        if value.as_deref().is_some_and(|phone| !is_valid_phone(phone)) {
            self.errors.add(
                field,
                format!("The {} field format is invalid.", attribute(field)),
            );
            return None;
        }
        Some(value)
    }

    /// A required email address.
    pub fn required_email(&mut self, field: &str) -> Option<String> {
        let value = self.required(field)?;
        if is_valid_email(&value) {
            Some(value)
        } else {
            self.errors.add(
                field,
                format!(
                    "The {} field must be a valid email address.",
                    attribute(field)
                ),
            );
            None
        }
    }

    /// A required id of an existing row: anything that is not a positive integer is "invalid"
    /// straight away (Laravel's `exists` finds no such row).
    pub fn required_id(&mut self, field: &str) -> Option<Option<i64>> {
        let value = match self.scalar(field, true) {
            Ok(Some(value)) => value,
            Ok(None) => {
                self.errors.add(field, required_message(field));
                return None;
            }
            Err(()) => return None,
        };
        Some(value.parse::<i64>().ok().filter(|id| *id > 0))
    }

    /// An optional integer.
    pub fn optional_integer(&mut self, field: &str) -> Option<Option<i64>> {
        if !self.is_present(field) {
            return None;
        }
        match self.scalar(field, true).ok()? {
            None => Some(None),
            Some(text) => match text.parse::<i64>() {
                Ok(number) if number.abs() <= MAX_INTEGER => Some(Some(number)),
                Ok(_) => {
                    self.errors.add(
                        field,
                        format!(
                            "The {} field must be between -{MAX_INTEGER} and {MAX_INTEGER}.",
                            attribute(field)
                        ),
                    );
                    None
                }
                Err(_) => {
                    self.errors.add(
                        field,
                        format!("The {} field must be an integer.", attribute(field)),
                    );
                    None
                }
            },
        }
    }

    /// `tags[]`: a list of strings (in form data a single `tags=x` is one tag).
    pub fn tags(&mut self, field: &str) -> Option<Vec<String>> {
        match self.fields.get(field) {
            None => None,
            Some(Value::Null) => Some(Vec::new()),
            Some(Value::String(tag)) if self.form => Some(
                Some(tag.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .into_iter()
                    .collect(),
            ),
            Some(Value::Array(items)) if items.len() > self.rules.max_items(field) => {
                self.errors.add(
                    field,
                    format!(
                        "The {} field must not have more than {} items.",
                        attribute(field),
                        self.rules.max_items(field)
                    ),
                );
                None
            }
            Some(Value::Array(items)) => {
                let mut tags = Vec::new();
                for item in items {
                    match item {
                        Value::String(tag)
                            if !tag.trim().is_empty() && tag.chars().count() <= 100 =>
                        {
                            tags.push(tag.trim().to_owned())
                        }
                        Value::String(tag) if tag.trim().is_empty() => {}
                        _ => {
                            self.errors.add(
                                field,
                                format!(
                                    "The {} field must be an array of strings.",
                                    attribute(field)
                                ),
                            );
                            return None;
                        }
                    }
                }
                Some(tags)
            }
            Some(_) => {
                self.errors.add(
                    field,
                    format!("The {} field must be an array.", attribute(field)),
                );
                None
            }
        }
    }

    /// `yes` means yes; anything else (or nothing) means no.
    pub fn yes(&mut self, field: &str) -> bool {
        matches!(self.text(field), Ok(Some(text)) if text == "yes")
    }
}
