//! Reading Workshop contact bodies, with Rails-style messages per field.

use std::collections::BTreeMap;

use contacts_core::phone::is_valid_phone;
use contacts_core::validate::{is_valid_attribute_key, is_valid_email};
use contacts_core::AttributeValue;
use contacts_http::{BodyRules, Fields};
use serde_json::Value;

use crate::error::FieldErrors;

pub const BLANK: &str = "can't be blank";
/// Attribute bounds, stated by the document's `attributes` schema from these same constants.
pub const MAX_ATTRIBUTES: usize = 100;
pub const MAX_ATTRIBUTE_TEXT: usize = 10_000;
pub const MAX_LIST_ITEMS: usize = 100;
pub const MAX_LIST_ITEM_TEXT: usize = 255;

/// A contact body; `None` is "not sent".
#[derive(Debug, Default)]
pub struct ContactInput {
    pub external_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// `Some(None)` clears the phone number.
    pub phone_number: Option<Option<String>>,
    /// `None` removes the key.
    pub attributes: BTreeMap<String, Option<AttributeValue>>,
    /// On update, the fields of `external_id`, `first_name`, `last_name` and `email` sent null
    /// or blank: no change when the contact shows them so (a Grow contact has no external id,
    /// a one-word Pylon name no last name), else "can't be blank".
    pub sent_blank: Vec<&'static str>,
}

struct Reader<'a> {
    fields: &'a Fields,
    /// Bounds from the body's schema type (`openapi::rules`).
    rules: &'a BodyRules,
    errors: FieldErrors,
}

impl Reader<'_> {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// A string field: `None` when not sent, `Some(None)` when sent as null.
    fn text(&mut self, field: &str) -> Option<Option<String>> {
        let max = self.rules.max_length(field);
        match self.fields.get(field)? {
            Value::Null => Some(None),
            Value::String(text) if text.chars().count() > max => {
                self.add(field, format!("is too long (maximum is {max} characters)"));
                None
            }
            Value::String(text) => {
                Some(Some(text.trim().to_owned()).filter(|text| !text.is_empty()))
            }
            _ => {
                self.add(field, "must be a string");
                None
            }
        }
    }

    /// A string that must not be blank when sent (and must be sent when `required`). On update
    /// (`required` false) a blank is noted in `blank`, for the caller to judge against the
    /// contact.
    fn present(
        &mut self,
        field: &'static str,
        required: bool,
        blank: &mut Vec<&'static str>,
    ) -> Option<String> {
        match self.text(field) {
            Some(Some(value)) => Some(value),
            Some(None) if !required => {
                blank.push(field);
                None
            }
            Some(None) => {
                self.add(field, BLANK);
                None
            }
            None if required && !self.errors.contains_key(field) => {
                self.add(field, BLANK);
                None
            }
            None => None,
        }
    }

    fn attributes(&mut self) -> BTreeMap<String, Option<AttributeValue>> {
        let mut parsed = BTreeMap::new();
        let map = match self.fields.get("attributes") {
            None | Some(Value::Null) => return parsed,
            Some(Value::Object(map)) => map,
            Some(_) => {
                self.add("attributes", "must be an object");
                return parsed;
            }
        };
        if map.len() > MAX_ATTRIBUTES {
            self.add(
                "attributes",
                format!("must have at most {MAX_ATTRIBUTES} keys"),
            );
            return parsed;
        }
        for (key, value) in map {
            if !is_valid_attribute_key(key) {
                self.add(
                    "attributes",
                    format!(
                        "key {:?} must be 1 to 100 letters, digits, '_', '-' or '.'",
                        key.chars().take(100).collect::<String>()
                    ),
                );
                continue;
            }
            let value = match value {
                Value::Null => None,
                Value::String(text) if text.chars().count() <= MAX_ATTRIBUTE_TEXT => {
                    Some(AttributeValue::Text(text.clone()))
                }
                Value::Number(number) => Some(AttributeValue::Number(number.clone())),
                Value::Bool(flag) => Some(AttributeValue::Bool(*flag)),
                Value::String(_) => {
                    self.add(
                        "attributes",
                        format!("{key} is too long (maximum is {MAX_ATTRIBUTE_TEXT} characters)"),
                    );
                    continue;
                }
                Value::Array(items) if items.len() > MAX_LIST_ITEMS => {
                    self.add(
                        "attributes",
                        format!("{key} has too many entries (maximum is {MAX_LIST_ITEMS})"),
                    );
                    continue;
                }
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    let list: Vec<String> = items
                        .iter()
                        .filter_map(|item| item.as_str().map(str::to_owned))
                        .collect();
                    if list
                        .iter()
                        .any(|item| item.chars().count() > MAX_LIST_ITEM_TEXT)
                    {
                        self.add(
                            "attributes",
                            format!(
                                "{key} has an entry that is too long (maximum is {MAX_LIST_ITEM_TEXT} characters)"
                            ),
                        );
                        continue;
                    }
                    (!list.is_empty()).then_some(AttributeValue::List(list))
                }
                _ => {
                    self.add(
                        "attributes",
                        format!("{key} must be a string, a number, a boolean or a list of strings"),
                    );
                    continue;
                }
            };
            parsed.insert(key.clone(), value);
        }
        parsed
    }
}

/// Reads a create (`required` = true: every required field must be there) or an update body.
pub fn read_contact(fields: &Fields, required: bool) -> Result<ContactInput, FieldErrors> {
    let rules = if required {
        &crate::openapi::rules::CREATE_CONTACT
    } else {
        &crate::openapi::rules::UPDATE_CONTACT
    };
    let mut reader = Reader {
        fields,
        rules,
        errors: FieldErrors::new(),
    };
    let mut blank = Vec::new();
    let mut input = ContactInput {
        external_id: reader.present("external_id", required, &mut blank),
        first_name: reader.present("first_name", required, &mut blank),
        last_name: reader.present("last_name", required, &mut blank),
        email: reader.present("email", required, &mut blank),
        phone_number: reader.text("phone_number"),
        ..ContactInput::default()
    };
    input.sent_blank = blank;
    if input
        .email
        .as_deref()
        .is_some_and(|email| !is_valid_email(email))
    {
        reader.add("email", "is invalid");
    }
    if let Some(Some(phone)) = &input.phone_number {
        if !is_valid_phone(phone) {
            reader.add("phone_number", "is invalid");
        }
    }
    input.attributes = reader.attributes();
    if reader.errors.is_empty() {
        Ok(input)
    } else {
        Err(reader.errors)
    }
}
