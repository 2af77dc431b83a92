//! Reading Pylon contact bodies: `null` means "not given", unknown fields are ignored, and every
//! problem is reported as its own message.

use contacts_core::validate::{
    is_valid_attribute_key, is_valid_avatar_url, is_valid_digits_phone, is_valid_email,
};
use contacts_core::{AccountKey, AttributeValue, ExternalId};
use contacts_http::Fields;
use serde_json::Value;

pub const MAX_TEXT: usize = 255;

/// A string of white space only (which trims to nothing).
fn external_id_blank(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|text| text.trim().is_empty())
}
pub const MAX_ITEMS: usize = 100;

pub const PORTAL_ROLES: [&str; 3] = ["no_access", "member", "admin"];

/// A contact body, field by field; `None` is "not given".
#[derive(Debug, Default)]
pub struct ContactInput {
    pub name: Option<String>,
    pub email: Option<String>,
    /// `(email, is_primary)` pairs, PATCH only.
    pub emails: Option<Vec<(String, bool)>>,
    pub account: Option<AccountKey>,
    pub avatar_url: Option<String>,
    /// Slug and value; `None` clears the field.
    pub custom_fields: Vec<(String, Option<AttributeValue>)>,
    pub external_ids: Option<Vec<ExternalId>>,
    pub phone_numbers: Option<Vec<String>>,
    pub primary_phone_number: Option<String>,
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
}

pub struct Reader<'a> {
    fields: &'a Fields,
    pub problems: Vec<String>,
}

impl<'a> Reader<'a> {
    pub fn new(fields: &'a Fields) -> Self {
        Reader {
            fields,
            problems: Vec::new(),
        }
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.fields.get(name).filter(|value| !value.is_null())
    }

    fn text_value(&mut self, label: &str, value: &Value, max: usize) -> Option<String> {
        match value {
            Value::String(text) if text.chars().count() > max => {
                self.problems
                    .push(format!("{label} must be at most {max} characters"));
                None
            }
            Value::String(text) => Some(text.trim().to_owned()),
            _ => {
                self.problems.push(format!("{label} must be a string"));
                None
            }
        }
    }

    pub fn text(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        self.text_value(name, value, MAX_TEXT)
    }

    fn array(&mut self, name: &str) -> Option<&'a Vec<Value>> {
        match self.get(name)? {
            Value::Array(items) if items.len() > MAX_ITEMS => {
                self.problems
                    .push(format!("{name} must have at most {MAX_ITEMS} entries"));
                None
            }
            Value::Array(items) => Some(items),
            _ => {
                self.problems.push(format!("{name} must be an array"));
                None
            }
        }
    }

    fn entry_field(&mut self, label: &str, entry: &'a Value, key: &str) -> Option<&'a Value> {
        match entry {
            Value::Object(map) => map.get(key).filter(|value| !value.is_null()),
            _ => {
                self.problems.push(format!("{label} must be an object"));
                None
            }
        }
    }

    pub fn external_ids(&mut self) -> Option<Vec<ExternalId>> {
        let items = self.array("external_ids")?;
        let mut ids = Vec::new();
        for (index, entry) in items.iter().enumerate() {
            let label = format!("external_ids[{index}]");
            if !entry.is_object() {
                self.problems.push(format!("{label} must be an object"));
                continue;
            }
            let given = self.entry_field(&label, entry, "external_id");
            let external_id = given.and_then(|value| {
                self.text_value(&format!("{label}.external_id"), value, MAX_TEXT)
            });
            let tag = match self.entry_field(&label, entry, "label") {
                Some(value) => self.text_value(&format!("{label}.label"), value, MAX_TEXT),
                None => Some(String::new()),
            };
            match (external_id, tag) {
                (Some(external_id), Some(label)) if !external_id.is_empty() => {
                    ids.push(ExternalId { external_id, label })
                }
                // Absent or blank; a value that was refused already has its own message.
                _ if given.is_none() || external_id_blank(given) => self
                    .problems
                    .push(format!("{label}.external_id is required")),
                _ => {}
            }
        }
        Some(ids)
    }

    /// `custom_fields` entries: the documented array of `{slug, value|values}`, or the map by
    /// slug that Pylon shows (`{slug: {slug, value}}`), so a contact read can be sent back.
    fn custom_field_entries(&mut self) -> Option<Vec<Value>> {
        match self.get("custom_fields")? {
            Value::Object(by_slug) if by_slug.len() > MAX_ITEMS => {
                self.problems.push(format!(
                    "custom_fields must have at most {MAX_ITEMS} entries"
                ));
                None
            }
            Value::Object(by_slug) => Some(
                by_slug
                    .iter()
                    .map(|(slug, entry)| match entry {
                        Value::Object(fields) => {
                            let mut fields = fields.clone();
                            fields
                                .entry("slug")
                                .or_insert_with(|| Value::String(slug.clone()));
                            Value::Object(fields)
                        }
                        other => other.clone(),
                    })
                    .collect(),
            ),
            _ => self.array("custom_fields").cloned(),
        }
    }

    fn custom_fields(&mut self) -> Vec<(String, Option<AttributeValue>)> {
        let Some(items) = self.custom_field_entries() else {
            return Vec::new();
        };
        let mut fields = Vec::new();
        for (index, entry) in items.iter().enumerate() {
            let label = format!("custom_fields[{index}]");
            let Value::Object(map) = entry else {
                self.problems.push(format!("{label} must be an object"));
                continue;
            };
            let slug = match map.get("slug") {
                Some(Value::String(slug)) if is_valid_attribute_key(slug) => slug.clone(),
                Some(Value::String(_)) => {
                    self.problems.push(format!(
                        "{label}.slug must be 1 to 100 letters, digits, '_', '-' or '.'"
                    ));
                    continue;
                }
                _ => {
                    self.problems.push(format!("{label}.slug is required"));
                    continue;
                }
            };
            let value = match (map.get("value"), map.get("values")) {
                (Some(_), Some(_)) => {
                    self.problems
                        .push(format!("{label} cannot have both value and values"));
                    continue;
                }
                // Pylon: "If an entry leaves the value unset, that custom field is unset."
                (None, None) | (Some(Value::Null), None) | (None, Some(Value::Null)) => None,
                (Some(Value::String(text)), None) if text.is_empty() => None,
                (Some(Value::String(text)), None) if text.chars().count() <= 10_000 => {
                    Some(AttributeValue::Text(text.clone()))
                }
                (Some(Value::Number(number)), None) => {
                    Some(AttributeValue::Text(number.to_string()))
                }
                (Some(Value::Bool(flag)), None) => Some(AttributeValue::Text(flag.to_string())),
                (Some(_), None) => {
                    self.problems.push(format!(
                        "{label}.value must be a string of at most 10000 characters"
                    ));
                    continue;
                }
                (None, Some(Value::Array(values))) => {
                    let texts: Vec<String> = values
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    if texts.len() != values.len()
                        || texts.len() > MAX_ITEMS
                        || texts.iter().any(|t| t.chars().count() > MAX_TEXT)
                    {
                        self.problems.push(format!(
                            "{label}.values must be at most {MAX_ITEMS} strings"
                        ));
                        continue;
                    }
                    (!texts.is_empty()).then_some(AttributeValue::List(texts))
                }
                (None, Some(_)) => {
                    self.problems
                        .push(format!("{label}.values must be an array of strings"));
                    continue;
                }
            };
            fields.push((slug, value));
        }
        fields
    }

    fn phone_numbers(&mut self) -> Option<Vec<String>> {
        let items = self.array("phone_numbers")?;
        let mut phones = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(phone) if is_valid_digits_phone(phone) => phones.push(phone.to_owned()),
                _ => self.problems.push(format!(
                    "phone_numbers[{index}] must be 1 to 15 digits (0-9)"
                )),
            }
        }
        Some(phones)
    }

    fn emails(&mut self) -> Option<Vec<(String, bool)>> {
        let items = self.array("emails")?;
        let mut emails = Vec::new();
        for (index, entry) in items.iter().enumerate() {
            let label = format!("emails[{index}]");
            // An email as a string is how Pylon shows `emails`; read back, it is not primary.
            if let Value::String(_) = entry {
                match self.text_value(&label, entry, MAX_TEXT) {
                    Some(email) if is_valid_email(&email) => emails.push((email, false)),
                    Some(_) => self
                        .problems
                        .push(format!("{label} is not a valid email address")),
                    None => {}
                }
                continue;
            }
            let email = match self.entry_field(&label, entry, "email") {
                Some(value) => self.text_value(&format!("{label}.email"), value, MAX_TEXT),
                None => {
                    if entry.is_object() {
                        self.problems.push(format!("{label}.email is required"));
                    }
                    None
                }
            };
            let primary = match self.entry_field(&label, entry, "is_primary") {
                None => false,
                Some(Value::Bool(flag)) => *flag,
                Some(_) => {
                    self.problems
                        .push(format!("{label}.is_primary must be a boolean"));
                    false
                }
            };
            match email {
                Some(email) if is_valid_email(&email) => emails.push((email, primary)),
                Some(_) => self
                    .problems
                    .push(format!("{label}.email is not a valid email address")),
                None => {}
            }
        }
        Some(emails)
    }
}

/// Reads every contact field Pylon takes. `allow_emails` is true for PATCH.
pub fn read_contact(fields: &Fields, allow_emails: bool) -> Result<ContactInput, Vec<String>> {
    let mut reader = Reader::new(fields);
    let mut input = ContactInput {
        name: reader.text("name"),
        email: reader.text("email"),
        ..ContactInput::default()
    };
    if let Some(email) = &input.email {
        if !is_valid_email(email) {
            reader
                .problems
                .push("email is not a valid email address".into());
        }
    }
    if allow_emails {
        input.emails = reader.emails();
        if let (Some(email), Some(emails)) = (&input.email, &mut input.emails) {
            // Both, as a contact read from Pylon shows them: `email` names the primary among
            // `emails`. Otherwise they are the vendor's exclusive alternatives.
            let flagged = emails.iter().find(|(_, primary)| *primary).cloned();
            let named = emails
                .iter()
                .position(|(listed, _)| listed.eq_ignore_ascii_case(email));
            match (named, flagged) {
                (Some(at), None) => emails[at].1 = true,
                (Some(at), Some((flagged, _))) if emails[at].0 == flagged => {}
                _ => reader
                    .problems
                    .push("email and emails cannot be used together".into()),
            }
            input.email = None;
        }
    }
    let account_id = reader.text("account_id");
    let account_external_id = reader.text("account_external_id");
    input.account = match (account_id, account_external_id) {
        (Some(_), Some(_)) => {
            reader
                .problems
                .push("account_id and account_external_id cannot be used together".into());
            None
        }
        (Some(id), None) => Some(AccountKey::Uid(id)),
        (None, Some(external)) => Some(AccountKey::ExternalId(external)),
        (None, None) => None,
    };
    input.avatar_url = reader.text("avatar_url");
    if let Some(url) = &input.avatar_url {
        if !is_valid_avatar_url(url) {
            reader
                .problems
                .push("avatar_url must be an http(s) URL of a .png, .jpg or .jpeg image".into());
        }
    }
    input.custom_fields = reader.custom_fields();
    input.external_ids = reader.external_ids();
    input.phone_numbers = reader.phone_numbers();
    input.primary_phone_number = reader.text("primary_phone_number");
    if let (Some(primary), Some(phones)) = (&input.primary_phone_number, &input.phone_numbers) {
        if !phones.contains(primary) {
            reader
                .problems
                .push("primary_phone_number must be one of phone_numbers".into());
        }
    }
    input.portal_role = reader.text("portal_role");
    if let Some(role) = &input.portal_role {
        // Pylon: "one of no_access, member, or admin, or a custom role slug".
        if !PORTAL_ROLES.contains(&role.as_str()) && !is_valid_attribute_key(role) {
            reader.problems.push(
                "portal_role must be no_access, member, admin or a custom role slug \
                 (1 to 100 letters, digits, '_', '-' or '.')"
                    .into(),
            );
        }
    }
    input.portal_role_id = reader.text("portal_role_id");
    if reader.problems.is_empty() {
        Ok(input)
    } else {
        Err(reader.problems)
    }
}
