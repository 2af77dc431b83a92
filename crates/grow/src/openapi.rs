//! The Grow dialect's OpenAPI document, generated from the handlers and response types so it
//! cannot drift from them. Paths are relative to the mount point (`/api` by default).

use std::collections::BTreeMap;

use contacts_http::BearerKey;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::views::{
    Billing, Category, ClientRef, ClientView, ContactView, Dates, DeletedId, Item, ListPage, Meta,
    Owner, Role, Shipping, Social,
};

/// An optional integer as Laravel reads it: a JSON integer, the text of one (form data has
/// nothing else), or blank or null for none; the parser's `optional_integer`.
fn laravel_integer() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::Integer,
            Type::String,
            Type::Null,
        ]))
        .pattern(Some(r"^\s*([+-]?[0-9]{1,18})?\s*$"))
        .minimum(Some(-crate::input::MAX_INTEGER))
        .maximum(Some(crate::input::MAX_INTEGER))
        .build()
}

/// The parsers' bounds for each body, read from the schema types below (`BodyRules`).
pub mod rules {
    use std::sync::LazyLock;

    use contacts_http::BodyRules;

    pub static CREATE_CONTACT: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::CreateContact>);
    pub static UPDATE_CONTACT: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::UpdateContact>);
    pub static CREATE_CLIENT: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::CreateClient>);
    pub static UPDATE_CLIENT: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::UpdateClient>);
    pub static CLIENT_TAGS: LazyLock<BodyRules> = LazyLock::new(BodyRules::of::<super::ClientTags>);
    pub static CLIENT_STATUS: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::ClientStatus>);
    pub static CLIENT_OWNER: LazyLock<BodyRules> =
        LazyLock::new(BodyRules::of::<super::ClientOwner>);
}

/// `{"message": "..."}`
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageBody {
    pub message: String,
}

/// `{"message": "The given data was invalid.", "errors": {field: [messages]}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationBody {
    pub message: String,
    pub errors: BTreeMap<String, Vec<String>>,
}

/// The body of `POST /api/contacts` (JSON or form data). These request types are the bodies'
/// documents and the source of the parsers' bounds (`rules`); the parsers read fields one by
/// one to word each failure as Laravel does.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CreateContact {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub last_name: String,
    #[schema(format = Email, max_length = 255)]
    pub email: String,
    /// An existing client's id.
    #[schema(minimum = 1)]
    pub clientid: i64,
    #[schema(schema_with = contacts_http::phone_schema)]
    pub phone: Option<String>,
    /// The job position.
    #[schema(max_length = 255)]
    pub position: Option<String>,
    /// `yes` queues the welcome email; anything else does not.
    pub send_email: Option<String>,
}

/// The body of `PATCH /api/contacts/{id}`: names and email are required; absent phone and
/// position stay as they are.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UpdateContact {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub last_name: String,
    #[schema(format = Email, max_length = 255)]
    pub email: String,
    #[schema(schema_with = contacts_http::phone_schema)]
    pub phone: Option<String>,
    #[schema(max_length = 255)]
    pub position: Option<String>,
}

/// The optional client fields of create and update.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct CreateClient {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub last_name: String,
    #[schema(format = Email, max_length = 255)]
    pub email: String,
    /// Defaults to "first last".
    #[schema(max_length = 255)]
    pub client_company_name: Option<String>,
    /// Only the default category (2) exists.
    #[schema(minimum = 2, maximum = 2)]
    pub client_categoryid: Option<i64>,
    #[schema(max_length = 5000)]
    pub client_description: Option<String>,
    #[schema(max_length = 100)]
    pub client_phone: Option<String>,
    #[schema(max_length = 255)]
    pub client_website: Option<String>,
    #[schema(max_length = 100)]
    pub client_vat: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_street: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_city: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_state: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_zip: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_country: Option<String>,
    #[schema(schema_with = laravel_integer)]
    pub client_billing_invoice_due_days: Option<i64>,
    #[schema(max_items = 100)]
    pub tags: Option<Vec<String>>,
    /// `yes` queues the welcome email; anything else does not.
    pub send_email: Option<String>,
}

/// The body of `PATCH /api/clients/{id}`.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UpdateClient {
    #[schema(min_length = 1, max_length = 255, pattern = r"\S")]
    pub client_company_name: String,
    #[schema(minimum = 2, maximum = 2)]
    pub client_categoryid: Option<i64>,
    #[schema(max_length = 5000)]
    pub client_description: Option<String>,
    #[schema(max_length = 100)]
    pub client_phone: Option<String>,
    #[schema(max_length = 255)]
    pub client_website: Option<String>,
    #[schema(max_length = 100)]
    pub client_vat: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_street: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_city: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_state: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_zip: Option<String>,
    #[schema(max_length = 255)]
    pub client_billing_country: Option<String>,
    #[schema(schema_with = laravel_integer)]
    pub client_billing_invoice_due_days: Option<i64>,
    #[schema(max_items = 100)]
    pub tags: Option<Vec<String>>,
}

/// The body of `PUT /api/clients/{id}/tags`: the full set.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ClientTags {
    #[schema(max_items = 100)]
    pub tags: Option<Vec<String>>,
}

/// The body of `PUT /api/clients/{id}/status`.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ClientStatus {
    #[schema(max_length = 255, pattern = "^(active|suspended)$")]
    pub status: String,
}

/// The body of `PUT /api/clients/{id}/owner`: a contact of this client.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ClientOwner {
    #[schema(minimum = 1)]
    pub owner: i64,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "contacts-gateway: Grow CRM contacts", description = "The Grow CRM contacts and clients API over the gateway's store."),
    paths(
        crate::contacts::list,
        crate::contacts::create,
        crate::contacts::show,
        crate::contacts::update,
        crate::contacts::delete,
        crate::contacts::set_account_owner,
        crate::clients::list,
        crate::clients::create,
        crate::clients::show,
        crate::clients::update,
        crate::client_actions::delete,
        crate::client_actions::set_tags,
        crate::client_actions::set_status,
        crate::client_actions::set_owner,
    ),
    components(schemas(
        ContactView, ClientView, ClientRef, Role, Social, Dates, Category, Owner, Billing, Shipping,
        DeletedId, Meta, MessageBody, ValidationBody, CreateContact, UpdateContact, CreateClient,
        UpdateClient, ClientTags, ClientStatus, ClientOwner, Item<ContactView>, Item<ClientView>, Item<DeletedId>, ListPage<ContactView>,
        ListPage<ClientView>,
    )),
    modifiers(&BearerKey),
    security(("bearer" = [])),
)]
struct GrowApi;

/// The document, paths relative to the dialect's mount point.
pub fn openapi() -> utoipa::openapi::OpenApi {
    GrowApi::openapi()
}
