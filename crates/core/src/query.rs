//! The query model: a filter tree over contact fields, sort keys, and the two page shapes
//! (offset pages with a total for Grow, keyset pages for Pylon and Workshop).

use crate::cursor::SortValue;

/// The longest free-text term a search takes, in characters (Grow's `search`, Pylon's
/// `string_contains` and every other value a filter compares). A substring search over the
/// trigram index costs a posting-list reader per trigram of the term, so the term's length is
/// what bounds a search's memory and time; every dialect refuses a longer one with a 4xx.
pub const MAX_SEARCH_TERM_CHARS: usize = 255;

/// A field a filter can test.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FilterField {
    /// The contact's uid.
    Uid,
    /// The primary email, compared case-insensitively.
    Email,
    /// The account's uid.
    AccountUid,
    /// The account's numeric id.
    AccountId,
    /// `active` or `suspended`.
    Status,
    /// `yes` or `no`.
    AccountOwner,
    /// Substring of first name, last name, email or phone (Grow's `search`).
    Text,
    /// An attribute (Pylon custom field) by key.
    Attribute(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    Equals,
    NotEquals,
    In,
    NotIn,
    StringContains,
    StringDoesNotContain,
    IsSet,
    IsUnset,
    /// A multi-valued field holds any of the values.
    Contains,
    /// A multi-valued field holds none of the values.
    DoesNotContain,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Condition {
    pub field: FilterField,
    pub operator: Operator,
    /// One value for the single-valued operators, several for `in`/`not_in`/`contains`,
    /// none for `is_set`/`is_unset`.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FilterNode {
    All(Vec<FilterNode>),
    Any(Vec<FilterNode>),
    Test(Condition),
}

impl FilterNode {
    pub fn test(field: FilterField, operator: Operator, values: Vec<String>) -> Self {
        FilterNode::Test(Condition {
            field,
            operator,
            values,
        })
    }
}

/// The orderings the store can page by. Every one is broken by the numeric id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Id,
    FirstName,
    LastName,
    Email,
    /// The full name, case-insensitively (Workshop's `name`).
    Name,
    CreatedAt,
    UpdatedAt,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Id => "id",
            SortKey::FirstName => "first_name",
            SortKey::LastName => "last_name",
            SortKey::Email => "email",
            SortKey::Name => "name",
            SortKey::CreatedAt => "created_at",
            SortKey::UpdatedAt => "updated_at",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            SortKey::Id,
            SortKey::FirstName,
            SortKey::LastName,
            SortKey::Email,
            SortKey::Name,
            SortKey::CreatedAt,
            SortKey::UpdatedAt,
        ]
        .into_iter()
        .find(|key| key.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    Asc,
    Desc,
}

impl Order {
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "asc" => Some(Order::Asc),
            "desc" => Some(Order::Desc),
            _ => None,
        }
    }
}

/// A page by offset, with the total count of matches (Grow).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OffsetPage {
    pub filter: Option<FilterNode>,
    pub sort: SortKey,
    pub order: Order,
    pub limit: u32,
    pub offset: u64,
}

/// A page after a position (Pylon, Workshop): rows strictly after `after` in (sort, id) order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeysetPage {
    pub filter: Option<FilterNode>,
    pub sort: SortKey,
    pub order: Order,
    pub limit: u32,
    pub after: Option<(SortValue, i64)>,
}

/// The orderings of account lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountSort {
    Id,
    Name,
    Status,
    CreatedAt,
    UpdatedAt,
}

/// A page of accounts: by offset with a total (Grow), or after an id (Pylon).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountQuery {
    pub status: Option<String>,
    pub category_id: Option<i64>,
    /// Substring of the name.
    pub search: Option<String>,
    pub sort: AccountSort,
    pub order: Order,
    pub limit: u32,
    pub offset: u64,
    pub after_id: Option<i64>,
}

impl AccountQuery {
    /// Every account by id, `limit` at a time.
    pub fn by_id(limit: u32) -> Self {
        AccountQuery {
            status: None,
            category_id: None,
            search: None,
            sort: AccountSort::Id,
            order: Order::Asc,
            limit,
            offset: 0,
            after_id: None,
        }
    }
}
