//! A request body's limits read from its OpenAPI schema type, so the parser enforces exactly
//! what the document states: the document's `maxLength` and `maxItems` are the parser's bounds,
//! and changing one changes the other.

use std::collections::HashMap;

use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;

/// The bounds of each property of one body schema.
#[derive(Debug, Default)]
pub struct BodyRules {
    max_lengths: HashMap<String, usize>,
    max_items: HashMap<String, usize>,
}

impl BodyRules {
    /// The rules of the schema type `T` (a struct whose fields are the body's properties).
    pub fn of<T: utoipa::PartialSchema>() -> BodyRules {
        let mut rules = BodyRules::default();
        let RefOr::T(Schema::Object(object)) = T::schema() else {
            return rules;
        };
        for (name, property) in &object.properties {
            match property {
                RefOr::T(Schema::Object(property)) => {
                    if let Some(max) = property.max_length {
                        rules.max_lengths.insert(name.clone(), max);
                    }
                }
                RefOr::T(Schema::Array(array)) => {
                    if let Some(max) = array.max_items {
                        rules.max_items.insert(name.clone(), max);
                    }
                }
                _ => {}
            }
        }
        rules
    }

    /// The most characters `field` may have. A field the schema gives no bound is a mistake in
    /// the code (every text field is documented with one): tests, built with debug assertions,
    /// stop there; a release build falls back to 255.
    pub fn max_length(&self, field: &str) -> usize {
        let found = self.max_lengths.get(field).copied();
        debug_assert!(found.is_some(), "the body schema bounds no field {field:?}");
        found.unwrap_or(255)
    }

    /// The most items the list `field` may have (as for `max_length`; the fallback is 100).
    pub fn max_items(&self, field: &str) -> usize {
        let found = self.max_items.get(field).copied();
        debug_assert!(found.is_some(), "the body schema bounds no list {field:?}");
        found.unwrap_or(100)
    }
}

#[cfg(test)]
mod tests {
    use super::BodyRules;

    #[allow(dead_code)]
    #[derive(utoipa::ToSchema)]
    struct Sample {
        #[schema(max_length = 7)]
        name: String,
        #[schema(max_length = 9)]
        note: Option<String>,
        #[schema(max_items = 3)]
        tags: Option<Vec<String>>,
    }

    #[test]
    fn bounds_come_from_the_schema() {
        let rules = BodyRules::of::<Sample>();
        assert_eq!(rules.max_length("name"), 7);
        assert_eq!(rules.max_length("note"), 9);
        assert_eq!(rules.max_items("tags"), 3);
    }
}
