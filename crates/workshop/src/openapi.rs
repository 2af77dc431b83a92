//! The Workshop dialect's OpenAPI document, generated from the handlers and response types so
//! it cannot drift from them. Paths are relative to the mount point (`/v1`).

use std::collections::BTreeMap;

use contacts_http::BearerKey;
use serde::Serialize;
use utoipa::openapi::schema::{
    ArrayBuilder, Object, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::{OpenApi, ToSchema};

use crate::views::{ContactDetails, ContactPage, ContactSummary, Message, Urls};

/// `{"error": "..."}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// `{"error": {field: [messages]}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub error: BTreeMap<String, Vec<String>>,
}

/// The body of `POST /v1/contacts` (described here; read field by field for exact messages).
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CreateContact {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub external_id: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub last_name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(schema_with = contacts_http::phone_schema)]
    pub phone_number: Option<String>,
    /// Values: string, number, boolean or list of strings. At most 100 keys.
    #[schema(schema_with = attributes_schema)]
    pub attributes: Option<BTreeMap<String, serde_json::Value>>,
}

/// The body of `PATCH /v1/contacts/:id`: only what is sent changes; an attribute sent as null
/// is removed.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UpdateContact {
    /// Look the contact up by external id instead of id.
    pub external: Option<bool>,
    /// Null (or blank) changes nothing on a contact that has none (one written through Grow or
    /// Pylon), and is "can't be blank" on one that has one; the same for the names and email.
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub external_id: Option<String>,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub first_name: Option<String>,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub last_name: Option<String>,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(schema_with = contacts_http::phone_schema)]
    pub phone_number: Option<String>,
    /// Merged key by key; a key sent as null is removed.
    #[schema(schema_with = attributes_schema)]
    pub attributes: Option<BTreeMap<String, serde_json::Value>>,
}

/// The parsers' bounds for each body, read from the schema types above (`BodyRules`).
pub mod rules {
    use std::sync::LazyLock;

    use contacts_http::BodyRules;

    pub static CREATE_CONTACT: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::CreateContact>);
    pub static UPDATE_CONTACT: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::UpdateContact>);
}

/// Attribute keys and values exactly as the dialect accepts them.
fn attributes_schema() -> Object {
    use crate::input::{MAX_ATTRIBUTES, MAX_ATTRIBUTE_TEXT, MAX_LIST_ITEMS, MAX_LIST_ITEM_TEXT};
    let text = |max: usize| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(max))
            .build()
    };
    let list = ArrayBuilder::new()
        .items(text(MAX_LIST_ITEM_TEXT))
        .max_items(Some(MAX_LIST_ITEMS))
        .build();
    let value = OneOfBuilder::new()
        .item(text(MAX_ATTRIBUTE_TEXT))
        .item(ObjectBuilder::new().schema_type(Type::Number).build())
        .item(ObjectBuilder::new().schema_type(Type::Boolean).build())
        .item(list)
        .item(ObjectBuilder::new().schema_type(Type::Null).build());
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::Object, Type::Null]))
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[A-Za-z0-9_.\-]{1,100}$")),
        ))
        .additional_properties(Some(Schema::OneOf(value.build())))
        .max_properties(Some(MAX_ATTRIBUTES))
        .build()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "contacts-gateway: Workshop v1 contacts", description = "Workshop's /v1/contacts API over the gateway's store."),
    paths(
        crate::listing::list,
        crate::contacts::show,
        crate::contacts::create,
        crate::contacts::update,
        crate::contacts::delete,
    ),
    components(schemas(ContactSummary, ContactDetails, ContactPage, Message, Urls, ErrorBody, FieldErrorBody, CreateContact, UpdateContact)),
    modifiers(&BearerKey),
    security(("bearer" = [])),
)]
struct WorkshopApi;

/// The document, paths relative to the dialect's mount point.
pub fn openapi() -> utoipa::openapi::OpenApi {
    WorkshopApi::openapi()
}
