//! What every dialect's OpenAPI document shares: the bearer-key security scheme and the schema
//! of the store's one phone rule.

use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::Modify;

/// Adds the `bearer` scheme (an API key sent as `Authorization: Bearer cgw_…`) to a document.
#[derive(Debug)]
pub struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cgw_ key")
                    .build(),
            ),
        );
    }
}

/// A phone field, nullable: the pattern of `contacts_core::phone`, the rule every dialect's
/// parser applies, so the documents cannot drift from it.
pub fn phone_schema() -> utoipa::openapi::Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(contacts_core::phone::MAX_PHONE_CHARS))
        .pattern(Some(contacts_core::phone::PHONE_PATTERN))
        .build()
}
