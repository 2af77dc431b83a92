//! Pylon's search filter tree, checked and translated into the core filter model: `and`/`or`
//! nodes with `subfilters` to a depth of three; `id`, `email`, `account_id` with their documented
//! operators; any other valid slug is a custom field.

use contacts_core::validate::is_valid_attribute_key;
use contacts_core::{FilterField, FilterNode, Operator, MAX_SEARCH_TERM_CHARS};
use serde_json::Value;

pub const MAX_DEPTH: usize = 3;
/// Bounds on the work one search may ask for.
const MAX_CONDITIONS: usize = 100;
const MAX_VALUES: usize = 1000;

/// Every operator Pylon documents, so an operator that exists but cannot be used on a field is
/// told apart from one that does not exist.
const KNOWN_OPERATORS: [&str; 19] = [
    "equals",
    "not_equals",
    "contains",
    "does_not_contain",
    "in",
    "not_in",
    "and",
    "or",
    "time_is_after",
    "time_is_before",
    "time_range",
    "string_contains",
    "string_does_not_contain",
    "is_set",
    "is_unset",
    "greater_than",
    "less_than",
    "greater_than_or_equals",
    "less_than_or_equals",
];

/// Contact fields that exist but cannot be filtered on.
const UNFILTERABLE: [&str; 13] = [
    "name",
    "emails",
    "avatar_url",
    "account",
    "custom_fields",
    "external_ids",
    "integration_user_ids",
    "phone_numbers",
    "primary_phone_number",
    "portal_role",
    "portal_role_id",
    "created_at",
    "updated_at",
];

fn operator(name: &str) -> Option<Operator> {
    Some(match name {
        "equals" => Operator::Equals,
        "not_equals" => Operator::NotEquals,
        "in" => Operator::In,
        "not_in" => Operator::NotIn,
        "string_contains" => Operator::StringContains,
        "string_does_not_contain" => Operator::StringDoesNotContain,
        "is_set" => Operator::IsSet,
        "is_unset" => Operator::IsUnset,
        "contains" => Operator::Contains,
        "does_not_contain" => Operator::DoesNotContain,
        _ => return None,
    })
}

fn allowed_for(field: &str) -> &'static [&'static str] {
    match field {
        "id" | "account_id" => &["equals", "in", "not_in"],
        "email" => &["equals", "in", "not_in", "string_contains"],
        _ => &[
            "equals",
            "not_equals",
            "in",
            "not_in",
            "string_contains",
            "string_does_not_contain",
            "is_set",
            "is_unset",
            "contains",
            "does_not_contain",
        ],
    }
}

struct Parser {
    problems: Vec<String>,
    conditions: usize,
}

/// Parses the `filter` of a search body, or answers every problem found in it.
pub fn parse(filter: Option<&Value>) -> Result<FilterNode, Vec<String>> {
    let Some(filter) = filter.filter(|value| !value.is_null()) else {
        return Err(vec!["filter is required".into()]);
    };
    let mut parser = Parser {
        problems: Vec::new(),
        conditions: 0,
    };
    let node = parser.node(filter, 1, "filter");
    if parser.conditions > MAX_CONDITIONS {
        parser
            .problems
            .push(format!("filter has more than {MAX_CONDITIONS} conditions"));
    }
    match (node, parser.problems.is_empty()) {
        (Some(node), true) => Ok(node),
        _ => Err(parser.problems),
    }
}

impl Parser {
    fn node(&mut self, value: &Value, depth: usize, at: &str) -> Option<FilterNode> {
        let Value::Object(map) = value else {
            self.problems.push(format!("{at} must be an object"));
            return None;
        };
        let Some(op_name) = map.get("operator").and_then(Value::as_str) else {
            self.problems.push(format!("{at}.operator is required"));
            return None;
        };
        if op_name == "and" || op_name == "or" {
            return self.group(map, op_name, depth, at);
        }
        if depth > MAX_DEPTH {
            self.problems.push(format!(
                "{at} is deeper than the maximum filter depth of {MAX_DEPTH}"
            ));
            return None;
        }
        self.conditions += 1;
        let Some(field) = map.get("field").and_then(Value::as_str) else {
            self.problems.push(format!("{at}.field is required"));
            return None;
        };
        let target = match field {
            "id" => FilterField::Uid,
            "email" => FilterField::Email,
            "account_id" => FilterField::AccountUid,
            _ if UNFILTERABLE.contains(&field) || !is_valid_attribute_key(field) => {
                self.problems.push(format!(
                    "{at}.field \"{}\" is not a filterable field",
                    truncate(field)
                ));
                return None;
            }
            slug => FilterField::Attribute(slug.to_owned()),
        };
        if !KNOWN_OPERATORS.contains(&op_name) {
            self.problems.push(format!(
                "{at}.operator \"{}\" is not a known operator",
                truncate(op_name)
            ));
            return None;
        }
        let Some(op) = operator(op_name).filter(|_| allowed_for(field).contains(&op_name)) else {
            self.problems.push(format!(
                "{at}.operator \"{op_name}\" is not allowed for field \"{field}\""
            ));
            return None;
        };
        let values = self.values(map, op, op_name, at)?;
        Some(FilterNode::test(target, op, values))
    }

    fn group(
        &mut self,
        map: &serde_json::Map<String, Value>,
        op_name: &str,
        depth: usize,
        at: &str,
    ) -> Option<FilterNode> {
        if depth >= MAX_DEPTH {
            self.problems.push(format!(
                "{at} is deeper than the maximum filter depth of {MAX_DEPTH}"
            ));
            return None;
        }
        let Some(Value::Array(children)) = map.get("subfilters") else {
            self.problems.push(format!(
                "{at}.subfilters must be a non-empty array for operator \"{op_name}\""
            ));
            return None;
        };
        if children.is_empty() {
            self.problems.push(format!(
                "{at}.subfilters must be a non-empty array for operator \"{op_name}\""
            ));
            return None;
        }
        let parsed: Vec<Option<FilterNode>> = children
            .iter()
            .enumerate()
            .map(|(index, child)| self.node(child, depth + 1, &format!("{at}.subfilters[{index}]")))
            .collect();
        let nodes: Option<Vec<FilterNode>> = parsed.into_iter().collect();
        let nodes = nodes?;
        Some(if op_name == "and" {
            FilterNode::All(nodes)
        } else {
            FilterNode::Any(nodes)
        })
    }

    fn values(
        &mut self,
        map: &serde_json::Map<String, Value>,
        op: Operator,
        op_name: &str,
        at: &str,
    ) -> Option<Vec<String>> {
        let single = map.get("value").filter(|v| !v.is_null());
        let many = map.get("values").filter(|v| !v.is_null());
        match op {
            Operator::IsSet | Operator::IsUnset => Some(Vec::new()),
            Operator::In | Operator::NotIn | Operator::Contains | Operator::DoesNotContain => {
                let list = match (many, single) {
                    (Some(Value::Array(items)), _) => items,
                    (None, Some(Value::String(one)))
                        if matches!(op, Operator::Contains | Operator::DoesNotContain) =>
                    {
                        return Some(vec![one.clone()]);
                    }
                    _ => {
                        self.problems.push(format!(
                            "{at}.values must be an array of strings for operator \"{op_name}\""
                        ));
                        return None;
                    }
                };
                let strings: Vec<String> = list
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect();
                if strings.len() != list.len() {
                    self.problems.push(format!(
                        "{at}.values must be an array of strings for operator \"{op_name}\""
                    ));
                    return None;
                }
                if strings.len() > MAX_VALUES {
                    self.problems.push(format!(
                        "{at}.values must have at most {MAX_VALUES} entries"
                    ));
                    return None;
                }
                if let Some(index) = strings.iter().position(|one| too_long(one)) {
                    self.problems.push(format!(
                        "{at}.values[{index}] must be at most {MAX_SEARCH_TERM_CHARS} characters"
                    ));
                    return None;
                }
                Some(strings)
            }
            _ => match single {
                Some(Value::String(one)) if too_long(one) => {
                    self.problems.push(format!(
                        "{at}.value must be at most {MAX_SEARCH_TERM_CHARS} characters"
                    ));
                    None
                }
                Some(Value::String(one)) => Some(vec![one.clone()]),
                _ => {
                    self.problems.push(format!(
                        "{at}.value must be a string for operator \"{op_name}\""
                    ));
                    None
                }
            },
        }
    }
}

/// A compared value longer than a search term may be (the bound on a search's work).
fn too_long(value: &str) -> bool {
    value.chars().count() > MAX_SEARCH_TERM_CHARS
}

/// Field and operator names are echoed back; a hostile one is cut short.
fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(value: Value) -> Vec<String> {
        parse(Some(&value)).expect_err("refused")
    }

    #[test]
    fn nested_tree_to_depth_three() {
        let tree = json!({"operator": "and", "subfilters": [
            {"field": "email", "operator": "string_contains", "value": "@acme.com"},
            {"operator": "or", "subfilters": [
                {"field": "account_id", "operator": "in", "values": ["a1", "a2"]},
                {"field": "department", "operator": "is_set"},
            ]},
        ]});
        let node = parse(Some(&tree)).expect("valid");
        let FilterNode::All(children) = node else {
            panic!("and")
        };
        assert_eq!(children.len(), 2);
        assert!(matches!(&children[1], FilterNode::Any(inner) if inner.len() == 2));
    }

    #[test]
    fn too_deep_unknown_fields_and_disallowed_operators() {
        let deep = json!({"operator": "and", "subfilters": [{"operator": "or", "subfilters": [
            {"operator": "and", "subfilters": [{"field": "id", "operator": "equals", "value": "x"}]}
        ]}]});
        assert_eq!(
            problems(deep),
            ["filter.subfilters[0].subfilters[0] is deeper than the maximum filter depth of 3"]
        );
        assert_eq!(
            problems(json!({"field": "name", "operator": "equals", "value": "x"})),
            ["filter.field \"name\" is not a filterable field"]
        );
        assert_eq!(
            problems(json!({"field": "id", "operator": "string_contains", "value": "x"})),
            ["filter.operator \"string_contains\" is not allowed for field \"id\""]
        );
        assert_eq!(
            problems(json!({"field": "dept", "operator": "time_range", "values": []})),
            ["filter.operator \"time_range\" is not allowed for field \"dept\""]
        );
        assert_eq!(
            problems(json!({"field": "dept", "operator": "explode", "value": "x"})),
            ["filter.operator \"explode\" is not a known operator"]
        );
        assert_eq!(
            problems(json!({"field": "email", "operator": "in", "value": "x"})),
            ["filter.values must be an array of strings for operator \"in\""]
        );
        assert_eq!(
            problems(json!({"field": "email", "operator": "equals"})),
            ["filter.value must be a string for operator \"equals\""]
        );
        assert_eq!(
            problems(json!({"operator": "or", "subfilters": []})),
            ["filter.subfilters must be a non-empty array for operator \"or\""]
        );
        assert_eq!(parse(None).expect_err("missing"), ["filter is required"]);
        let two = problems(json!({"operator": "and", "subfilters": [
            {"field": "x y", "operator": "equals", "value": "1"},
            {"field": "id", "operator": "is_set"},
        ]}));
        assert_eq!(two.len(), 2, "{two:?}");
    }

    #[test]
    fn hostile_sizes_are_bounded() {
        let many: Vec<Value> = (0..101)
            .map(|n| json!({"field": "id", "operator": "equals", "value": n.to_string()}))
            .collect();
        assert_eq!(
            problems(json!({"operator": "or", "subfilters": many})),
            ["filter has more than 100 conditions"]
        );
        let values: Vec<String> = (0..1001).map(|n| n.to_string()).collect();
        assert_eq!(
            problems(json!({"field": "id", "operator": "in", "values": values})),
            ["filter.values must have at most 1000 entries"]
        );
        let long = "x".repeat(MAX_SEARCH_TERM_CHARS + 1);
        assert_eq!(
            problems(json!({"field": "email", "operator": "string_contains", "value": long})),
            ["filter.value must be at most 255 characters"]
        );
        assert_eq!(
            problems(json!({"field": "dept", "operator": "in", "values": ["a", long]})),
            ["filter.values[1] must be at most 255 characters"]
        );
        let longest = "x".repeat(MAX_SEARCH_TERM_CHARS);
        assert!(parse(Some(
            &json!({"field": "email", "operator": "string_contains", "value": longest})
        ))
        .is_ok());
    }
}
