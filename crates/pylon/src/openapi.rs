//! The Pylon dialect's OpenAPI document, generated from the handlers and response types so it
//! cannot drift from them. Paths are relative to the mount point (the root by default).

use contacts_http::BearerKey;
use serde::Serialize;
use utoipa::openapi::schema::{ArrayItems, Object, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi, ToSchema};

use crate::views::{
    AccountView, ContactView, CustomFieldValue, ExternalIdView, IntegrationUserId, MeView,
    MiniAccount, Page, Pagination, RequestIdOnly, Single,
};

/// `{"errors": [...], "request_id": ...}`, with `exists_id` on duplicates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub errors: Vec<String>,
    pub request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists_id: Option<String>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ExternalIdInput {
    #[schema(min_length = 1, max_length = 255)]
    pub external_id: String,
    #[schema(max_length = 255)]
    pub label: Option<String>,
}

/// A custom field to set: `value` or `values`; null, `""` or `[]` clears it.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CustomFieldInput {
    #[schema(pattern = r"^[A-Za-z0-9_.-]{1,100}$")]
    pub slug: String,
    #[schema(max_length = 10000)]
    pub value: Option<String>,
    #[schema(max_items = 100)]
    pub values: Option<Vec<String>>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub struct EmailInput {
    #[schema(format = Email)]
    pub email: String,
    pub is_primary: Option<bool>,
}

/// The body of `POST /contacts`. Unknown fields are ignored; null means "not given".
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CreateContact {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Not together with `account_external_id`.
    pub account_id: Option<String>,
    pub account_external_id: Option<String>,
    /// http(s) URL ending in .png, .jpg or .jpeg.
    #[schema(pattern = r"^https?://[^/\s]+/\S*\.(png|jpg|jpeg)$")]
    pub avatar_url: Option<String>,
    #[schema(schema_with = custom_fields_schema)]
    pub custom_fields: Option<Vec<CustomFieldInput>>,
    #[schema(max_items = 100)]
    pub external_ids: Option<Vec<ExternalIdInput>>,
    /// Digits only, 1 to 15 of them.
    #[schema(max_items = 100)]
    pub phone_numbers: Option<Vec<String>>,
    /// One of `phone_numbers`.
    pub primary_phone_number: Option<String>,
    /// no_access, member, admin, or a custom role slug.
    #[schema(pattern = r"^[A-Za-z0-9_.-]{1,100}$")]
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
}

/// The body of `POST /import/contacts`: a create's fields, `email` required too.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ImportContact {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// Not together with `account_external_id`.
    pub account_id: Option<String>,
    pub account_external_id: Option<String>,
    /// http(s) URL ending in .png, .jpg or .jpeg.
    #[schema(pattern = r"^https?://[^/\s]+/\S*\.(png|jpg|jpeg)$")]
    pub avatar_url: Option<String>,
    #[schema(schema_with = custom_fields_schema)]
    pub custom_fields: Option<Vec<CustomFieldInput>>,
    #[schema(max_items = 100)]
    pub external_ids: Option<Vec<ExternalIdInput>>,
    /// Digits only, 1 to 15 of them.
    #[schema(max_items = 100)]
    pub phone_numbers: Option<Vec<String>>,
    /// One of `phone_numbers`.
    pub primary_phone_number: Option<String>,
    /// no_access, member, admin, or a custom role slug.
    #[schema(pattern = r"^[A-Za-z0-9_.-]{1,100}$")]
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
}

/// The body of `PATCH /contacts/{id}`: the create fields, all optional, plus `emails`.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UpdateContact {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Replaces every email. Entries are `{email, is_primary}` or, as Pylon shows `emails`,
    /// plain addresses; `email` beside them must be one of them (it is then the primary).
    #[schema(schema_with = emails_schema)]
    pub emails: Option<Vec<EmailInput>>,
    pub account_id: Option<String>,
    pub account_external_id: Option<String>,
    #[schema(pattern = r"^https?://[^/\s]+/\S*\.(png|jpg|jpeg)$")]
    pub avatar_url: Option<String>,
    #[schema(schema_with = custom_fields_schema)]
    pub custom_fields: Option<Vec<CustomFieldInput>>,
    /// Replaces the set wholesale.
    #[schema(max_items = 100)]
    pub external_ids: Option<Vec<ExternalIdInput>>,
    #[schema(max_items = 100)]
    pub phone_numbers: Option<Vec<String>>,
    pub primary_phone_number: Option<String>,
    /// no_access, member, admin, or a custom role slug.
    #[schema(pattern = r"^[A-Za-z0-9_.-]{1,100}$")]
    pub portal_role: Option<String>,
    pub portal_role_id: Option<String>,
}

/// A node of the search filter tree: `and`/`or` with `subfilters`, or a field test.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct Filter {
    /// `id`, `email`, `account_id`, or a custom field slug.
    pub field: Option<String>,
    pub operator: String,
    pub value: Option<String>,
    pub values: Option<Vec<String>>,
    #[schema(no_recursion)]
    pub subfilters: Option<Vec<Filter>>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub struct SearchContacts {
    pub filter: Filter,
    pub cursor: Option<String>,
    #[schema(minimum = 1, maximum = 999)]
    pub limit: Option<u32>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CreateAccount {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub name: String,
    #[schema(max_items = 100)]
    pub domains: Option<Vec<String>>,
    #[schema(max_items = 100)]
    pub tags: Option<Vec<String>>,
    #[schema(max_items = 100)]
    pub external_ids: Option<Vec<ExternalIdInput>>,
}

/// The body of `PATCH /accounts/{id}`: absent or null fields stay as they are; a list given
/// replaces the whole list.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UpdateAccount {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(max_items = 100)]
    pub domains: Option<Vec<String>>,
    #[schema(max_items = 100)]
    pub tags: Option<Vec<String>>,
    #[schema(max_items = 100)]
    pub external_ids: Option<Vec<ExternalIdInput>>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "contacts-gateway: Pylon contacts", description = "Pylon's contacts API over the gateway's store."),
    paths(
        crate::contacts::list,
        crate::contacts::create,
        crate::contacts::import,
        crate::contacts::search,
        crate::contacts::show,
        crate::contacts::update,
        crate::contacts::delete,
        crate::accounts::list,
        crate::accounts::create,
        crate::accounts::show,
        crate::accounts::update,
        crate::accounts::delete,
        crate::accounts::me,
    ),
    components(schemas(
        ContactView, AccountView, MeView, MiniAccount, CustomFieldValue, ExternalIdView,
        IntegrationUserId, Pagination, RequestIdOnly, ErrorBody, CreateContact, UpdateContact, ImportContact,
        CustomFieldInput, ExternalIdInput, EmailInput, Filter, SearchContacts, CreateAccount,
        UpdateAccount,
        Single<ContactView>, Page<ContactView>, Single<AccountView>, Page<AccountView>, Single<MeView>,
    )),
    modifiers(&BearerKey, &TextBound),
    security(("bearer" = [])),
)]
struct PylonApi;

/// `custom_fields`: the documented array of entries, or the map by slug Pylon shows, so a
/// contact read can be sent back (`input::Reader::custom_field_entries`).
fn custom_fields_schema() -> Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder};
    use utoipa::openapi::Ref;
    let by_slug_entry = ObjectBuilder::new()
        .property("slug", ObjectBuilder::new().schema_type(Type::String))
        .property(
            "value",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .max_length(Some(10_000)),
        )
        .property(
            "values",
            ArrayBuilder::new()
                .items(ObjectBuilder::new().schema_type(Type::String))
                .max_items(Some(crate::input::MAX_ITEMS)),
        );
    OneOfBuilder::new()
        .item(
            ArrayBuilder::new()
                .items(Ref::from_schema_name("CustomFieldInput"))
                .max_items(Some(crate::input::MAX_ITEMS)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(by_slug_entry))
                .max_properties(Some(crate::input::MAX_ITEMS)),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}

/// `emails` on PATCH: entries `{email, is_primary}` or plain addresses.
fn emails_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{
        ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat,
    };
    use utoipa::openapi::Ref;
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(
            OneOfBuilder::new()
                .item(Ref::from_schema_name("EmailInput"))
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email))),
                ),
        )
        .max_items(Some(crate::input::MAX_ITEMS))
        .build()
}

/// The request bodies whose texts the parser bounds by `input::MAX_TEXT`.
const REQUEST_SCHEMAS: [&str; 8] = [
    "CreateContact",
    "UpdateContact",
    "ImportContact",
    "ExternalIdInput",
    "EmailInput",
    "CustomFieldInput",
    "CreateAccount",
    "UpdateAccount",
];

/// States the parser's bound on every text of a request body (`input::MAX_TEXT`, unless the
/// schema names a bound of its own): properties and the items of lists of text.
struct TextBound;

fn bound_text(schema: &mut RefOr<Schema>) {
    let is_text = |object: &Object| match &object.schema_type {
        SchemaType::Type(Type::String) => true,
        SchemaType::Array(types) => types.contains(&Type::String),
        _ => false,
    };
    match schema {
        RefOr::T(Schema::Object(object)) if is_text(object) => {
            object.max_length.get_or_insert(crate::input::MAX_TEXT);
        }
        RefOr::T(Schema::Array(array)) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                bound_text(items);
            }
        }
        RefOr::T(Schema::OneOf(one_of)) => one_of.items.iter_mut().for_each(bound_text),
        _ => {}
    }
}

impl Modify for TextBound {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for name in REQUEST_SCHEMAS {
            if let Some(RefOr::T(Schema::Object(body))) = components.schemas.get_mut(name) {
                body.properties.values_mut().for_each(bound_text);
            }
        }
    }
}

/// The document, paths relative to the dialect's mount point.
pub fn openapi() -> utoipa::openapi::OpenApi {
    PylonApi::openapi()
}
