//! Turns a core filter tree into SQL with bound parameters. No value is ever spliced into the
//! SQL text; every test is shaped to use an index (uid, email_key, account, attributes by value).

use contacts_core::{Condition, FilterField, FilterNode, Operator};
use diesel::sql_types::{BigInt, Text};

use super::sql;
use crate::statement::Statement as Query;

/// The whole set bound as one JSON array, so a tree of many conditions with many values each
/// stays one variable per set.
fn bind_list(query: Query, values: &[String]) -> Query {
    query.sql(sql::TEXT_SET).bind_texts(values)
}

/// Binds each value as a variable of its own, for SQL with that many `?` just appended (where
/// `Statement::bind_texts` binds a whole set as one JSON array).
fn bind_each(query: Query, values: Vec<String>) -> Query {
    values
        .into_iter()
        .fold(query, |query, value| query.bind::<Text, _>(value))
}

/// Appends the filter's test. The text follows the tree's shape, which the client chooses, so
/// the statement is marked uncached.
pub fn push_filter(query: Query, node: &FilterNode) -> Query {
    push_node(query.uncached(), node)
}

fn push_node(query: Query, node: &FilterNode) -> Query {
    match node {
        FilterNode::All(children) => push_group(query, children, " AND ", "1 = 1"),
        FilterNode::Any(children) => push_group(query, children, " OR ", "1 = 0"),
        FilterNode::Test(condition) => push_condition(query, condition),
    }
}

fn push_group(mut query: Query, children: &[FilterNode], joiner: &str, empty: &str) -> Query {
    if children.is_empty() {
        return query.sql(empty);
    }
    query = query.sql("(");
    for (index, child) in children.iter().enumerate() {
        if index > 0 {
            query = query.sql(joiner);
        }
        query = push_node(query, child);
    }
    query.sql(")")
}

/// A column of `contacts` compared directly; `lower` values are compared lowercased.
fn push_column_test(query: Query, column: &str, condition: &Condition, lower: bool) -> Query {
    let values: Vec<String> = condition
        .values
        .iter()
        .map(|value| {
            if lower {
                value.to_lowercase()
            } else {
                value.clone()
            }
        })
        .collect();
    let first = values.first().cloned().unwrap_or_default();
    match condition.operator {
        Operator::Equals => query.sql(format!("{column} = ?")).bind::<Text, _>(first),
        Operator::NotEquals => query
            .sql(format!("({column} IS NULL OR {column} <> ?)"))
            .bind::<Text, _>(first),
        Operator::In | Operator::Contains if values.is_empty() => query.sql("1 = 0"),
        Operator::In | Operator::Contains => bind_list(query.sql(format!("{column} IN ")), &values),
        Operator::NotIn | Operator::DoesNotContain if values.is_empty() => query.sql("1 = 1"),
        Operator::NotIn | Operator::DoesNotContain => {
            let query = query.sql(format!("({column} IS NULL OR {column} NOT IN "));
            bind_list(query, &values).sql(")")
        }
        Operator::StringContains => {
            let (test, pattern) = sql::contains_ignoring_case(column, &first);
            query.sql(test).bind::<Text, _>(pattern)
        }
        Operator::StringDoesNotContain => {
            let (test, pattern) = sql::lacks_ignoring_case(column, &first);
            query.sql(test).bind::<Text, _>(pattern)
        }
        Operator::IsSet => query.sql(format!("{column} IS NOT NULL")),
        Operator::IsUnset => query.sql(format!("{column} IS NULL")),
    }
}

fn push_condition(query: Query, condition: &Condition) -> Query {
    match &condition.field {
        FilterField::Uid => push_column_test(query, "c.uid", condition, false),
        FilterField::Email => push_email_test(query, condition),
        FilterField::Status => push_column_test(query, "c.status", condition, false),
        FilterField::AccountUid => push_account_uid(query, condition),
        FilterField::AccountId => {
            let id = condition.values.first().and_then(|v| v.parse::<i64>().ok());
            match id {
                Some(id) => query.sql("c.account_id = ?").bind::<BigInt, _>(id),
                None => query.sql("1 = 0"),
            }
        }
        FilterField::AccountOwner => {
            let owners = "EXISTS (SELECT 1 FROM accounts a WHERE a.owner_contact_id = c.id)";
            match condition.values.first().map(String::as_str) {
                Some("yes") => query.sql(owners),
                Some("no") => query.sql(format!("NOT {owners}")),
                _ => query.sql("1 = 0"),
            }
        }
        FilterField::Text => {
            let term = condition
                .values
                .first()
                .map(String::as_str)
                .unwrap_or("")
                .trim();
            // Every email of the contact, as push_email_test says: one set of ids.
            let (other, other_values) = sql::other_email_match(term);
            let query = query.sql(format!("c.id IN ({LIVE_PRIMARY} AND "));
            let query = match sql::text_match("p", term) {
                // The trigram index finds substrings of three or more characters without
                // reading every row.
                Some((test, values)) => bind_each(query.sql(test), values),
                None => {
                    let tests = ["p.first_name", "p.last_name", "p.email_key", "p.phone"]
                        .map(|column| sql::contains_ignoring_case(column, term));
                    let any_column: Vec<&str> =
                        tests.iter().map(|(test, _)| test.as_str()).collect();
                    let query = query.sql(format!("({})", any_column.join(" OR ")));
                    bind_each(
                        query,
                        tests.into_iter().map(|(_, pattern)| pattern).collect(),
                    )
                }
            };
            bind_each(query.sql(format!(" UNION ALL {other})")), other_values)
        }
        FilterField::Attribute(key) => push_attribute(query, key, condition),
    }
}

/// One email rule everywhere: a contact's secondary emails block another contact's create
/// (uniqueness covers every email), so a search by email covers every email too. The primary
/// email is on the contact, the others are rows of `contact_emails`; the test is one set of
/// ids from both, each part through its own index (an OR of the two would read every contact).
fn push_email_test(query: Query, condition: &Condition) -> Query {
    let values: Vec<String> = condition.values.iter().map(|v| v.to_lowercase()).collect();
    let first = values.first().cloned().unwrap_or_default();
    let any_email = |query: Query, operator: Operator| -> Query {
        let query = query.sql(format!("c.id IN ({LIVE_PRIMARY} AND "));
        match operator {
            Operator::Equals => query
                .sql(format!("p.email_key = ? {SECONDARY} e.email_key = ?)"))
                .bind::<Text, _>(first.clone())
                .bind::<Text, _>(first.clone()),
            Operator::StringContains => {
                let (primary, patterns) = match sql::email_match("p", &first) {
                    // The trigram index, restricted to the email column.
                    Some(indexed) => indexed,
                    None => {
                        let (test, pattern) = sql::contains_ignoring_case("p.email_key", &first);
                        (test, vec![pattern])
                    }
                };
                let (other, other_values) = sql::other_email_match(&first);
                let query = bind_each(query.sql(format!("{primary} UNION ALL ")), patterns);
                bind_each(query.sql(format!("{other})")), other_values)
            }
            // In: any of the values.
            _ => {
                let query = bind_list(query.sql("p.email_key IN "), &values);
                bind_list(query.sql(format!(" {SECONDARY} e.email_key IN ")), &values).sql(")")
            }
        }
    };
    match condition.operator {
        Operator::Equals | Operator::StringContains => any_email(query, condition.operator),
        Operator::In | Operator::Contains if values.is_empty() => query.sql("1 = 0"),
        Operator::In | Operator::Contains => any_email(query, Operator::In),
        Operator::NotEquals => any_email(query.sql("NOT "), Operator::Equals),
        Operator::StringDoesNotContain => any_email(query.sql("NOT "), Operator::StringContains),
        Operator::NotIn | Operator::DoesNotContain if values.is_empty() => query.sql("1 = 1"),
        Operator::NotIn | Operator::DoesNotContain => any_email(query.sql("NOT "), Operator::In),
        Operator::IsSet | Operator::IsUnset => {
            push_column_test(query, "c.email_key", condition, true)
        }
    }
}

/// The start of a set of live contact ids chosen by their own row (`p`), to be continued with
/// a condition on `p`, then the secondary emails' ids (`SECONDARY` and an exact test on `e`, or
/// `UNION ALL` and a substring set from `sql::other_email_match`), and `)`.
const LIVE_PRIMARY: &str = "SELECT p.id FROM contacts p WHERE p.deleted_at IS NULL";
const SECONDARY: &str = "UNION ALL SELECT e.contact_id FROM contact_emails e WHERE";

fn push_account_uid(query: Query, condition: &Condition) -> Query {
    let accounts_with = "(SELECT a.id FROM accounts a WHERE a.uid IN ";
    let positive = matches!(
        condition.operator,
        Operator::Equals | Operator::In | Operator::Contains | Operator::IsSet
    );
    match condition.operator {
        Operator::IsSet => query.sql("c.account_id IS NOT NULL"),
        Operator::IsUnset => query.sql("c.account_id IS NULL"),
        Operator::StringContains | Operator::StringDoesNotContain => query.sql("1 = 0"),
        _ if positive => bind_list(
            query.sql(format!("c.account_id IN {accounts_with}")),
            &condition.values,
        )
        .sql(")"),
        _ => {
            let query = query.sql(format!(
                "(c.account_id IS NULL OR c.account_id NOT IN {accounts_with}"
            ));
            bind_list(query, &condition.values).sql("))")
        }
    }
}

/// Attribute tests select contact ids from the (key, value, contact_id) index.
fn push_attribute(query: Query, key: &str, condition: &Condition) -> Query {
    let first = condition.values.first().cloned().unwrap_or_default();
    let query = match condition.operator {
        Operator::Equals
        | Operator::In
        | Operator::Contains
        | Operator::IsSet
        | Operator::StringContains => {
            query.sql("c.id IN (SELECT ca.contact_id FROM contact_attributes ca WHERE ca.key = ?")
        }
        _ => query
            .sql("c.id NOT IN (SELECT ca.contact_id FROM contact_attributes ca WHERE ca.key = ?"),
    };
    let query = query.bind::<Text, _>(key.to_owned());
    let query = match condition.operator {
        Operator::Equals | Operator::NotEquals => {
            query.sql(" AND ca.value = ?").bind::<Text, _>(first)
        }
        Operator::In | Operator::NotIn | Operator::Contains | Operator::DoesNotContain => {
            bind_list(query.sql(" AND ca.value IN "), &condition.values)
        }
        Operator::StringContains | Operator::StringDoesNotContain => {
            let (test, pattern) = sql::contains_ignoring_case("ca.value", &first);
            query.sql(" AND ").sql(test).bind::<Text, _>(pattern)
        }
        Operator::IsSet | Operator::IsUnset => query,
    };
    query.sql(")")
}
