//! X's request schemas (OpenAPI 2.167) and a validator for the parts of JSON Schema they use, so a
//! JSON body is refused where X's schema refuses it: an unknown property (every request schema
//! says `additionalProperties: false`), a wrong type, a value outside an `enum`, an id that is not
//! 1-19 digits, too few or too many items.
//!
//! `schemas.json` holds the request schemas of `POST /2/tweets`, the three DM endpoints and the
//! media upload endpoints, copied from X's spec (github.com/xdevplatform/xdk, `specs/openapi.json`)
//! without their descriptions. The wording of the messages is the sandbox's: X's is unrecorded.

use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The schemas, parsed once.
fn schemas() -> &'static Map<String, Value> {
    static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        serde_json::from_str::<Value>(include_str!("schemas.json"))
            .ok()
            .and_then(|v| v.get("schemas")?.as_object().cloned())
            .unwrap_or_default()
    })
}

/// One way a value breaks its schema: where (`$.poll.options`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The JSON path of the offending value, `$` for the whole body.
    pub(crate) path: String,
    /// What is wrong, e.g. `is not defined in the schema and the schema does not allow additional properties`.
    pub(crate) message: String,
}

impl Violation {
    /// `$.path: message`, the form of an `errors[].message`.
    pub(crate) fn text(&self) -> String {
        format!("{}: {}", self.path, self.message)
    }
}

/// Every violation of the schema `name` by `value` (empty if it conforms).
pub(crate) fn validate(name: &str, value: &Value) -> Vec<Violation> {
    let mut found = Vec::new();
    match schemas().get(name) {
        Some(schema) => check(schema, value, "$", &mut found),
        None => found.push(Violation {
            path: "$".into(),
            message: format!("the sandbox has no schema {name}"),
        }),
    }
    found
}

fn violation(found: &mut Vec<Violation>, path: &str, message: String) {
    found.push(Violation {
        path: path.to_string(),
        message,
    });
}

/// The JSON type name of a value, as JSON Schema says it (`integer` for whole numbers).
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The only `pattern` X's request schemas use: a numeric id.
const ID_PATTERN: &str = "^[0-9]{1,19}$";

fn check(schema: &Value, value: &Value, path: &str, found: &mut Vec<Violation>) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.rsplit('/').next().unwrap_or_default();
        match schemas().get(name) {
            Some(referenced) => check(referenced, value, path, found),
            None => violation(found, path, format!("refers to the unknown schema {name}")),
        }
        return;
    }
    if let Some(wanted) = schema.get("type").and_then(Value::as_str) {
        let actual = type_of(value);
        let fits = actual == wanted || (wanted == "number" && actual == "integer");
        if !fits {
            violation(found, path, format!("{actual} found, {wanted} expected"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            let list: Vec<String> = options
                .iter()
                .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_string))
                .collect();
            violation(
                found,
                path,
                format!(
                    "does not have a value in the enumeration [{}]",
                    list.join(", ")
                ),
            );
        }
    }
    check_bounds(schema, value, path, found);
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let fits = any.iter().any(|alt| {
            let mut inner = Vec::new();
            check(alt, value, path, &mut inner);
            inner.is_empty()
        });
        if !fits {
            violation(found, path, any_of_message(any));
        }
    }
    match value {
        Value::Object(fields) => check_object(schema, fields, path, found),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(item_schema, item, &format!("{path}[{i}]"), found);
                }
            }
        }
        _ => {}
    }
}

/// `anyOf` in X's schemas lists alternatives of `required` fields ("text or attachments").
fn any_of_message(any: &[Value]) -> String {
    let names: Vec<String> = any
        .iter()
        .filter_map(|alt| alt.get("required")?.as_array().cloned())
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    if names.is_empty() {
        "does not match any of the allowed schemas".into()
    } else {
        format!("must have at least one of [{}]", names.join(", "))
    }
}

/// Lengths, counts, ranges and the id pattern.
fn check_bounds(
    schema: &Map<String, Value>,
    value: &Value,
    path: &str,
    found: &mut Vec<Violation>,
) {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    match value {
        Value::String(s) => {
            let len = s.chars().count() as f64;
            if bound("minLength").is_some_and(|min| len < min) {
                let min = bound("minLength").unwrap_or_default();
                violation(
                    found,
                    path,
                    format!("must be at least {min} characters long"),
                );
            }
            if bound("maxLength").is_some_and(|max| len > max) {
                let max = bound("maxLength").unwrap_or_default();
                violation(found, path, format!("may only be {max} characters long"));
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                let is_id = !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
                // Fail closed on a pattern this validator doesn't know.
                if pattern != ID_PATTERN || !is_id {
                    violation(
                        found,
                        path,
                        format!("does not match the regex pattern {pattern}"),
                    );
                }
            }
        }
        Value::Array(items) => {
            let n = items.len() as f64;
            if let Some(min) = bound("minItems").filter(|min| n < *min) {
                violation(
                    found,
                    path,
                    format!("there must be a minimum of {min} items in the array"),
                );
            }
            if let Some(max) = bound("maxItems").filter(|max| n > *max) {
                violation(
                    found,
                    path,
                    format!("there must be a maximum of {max} items in the array"),
                );
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or_default();
            if let Some(min) = bound("minimum").filter(|min| x < *min) {
                violation(found, path, format!("must have a minimum value of {min}"));
            }
            if let Some(max) = bound("maximum").filter(|max| x > *max) {
                violation(found, path, format!("must have a maximum value of {max}"));
            }
        }
        _ => {}
    }
}

fn check_object(
    schema: &Map<String, Value>,
    fields: &Map<String, Value>,
    path: &str,
    found: &mut Vec<Violation>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !fields.contains_key(name) {
            violation(
                found,
                &format!("{path}.{name}"),
                "is missing but it is required".into(),
            );
        }
    }
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    for (name, field) in fields {
        let at = format!("{path}.{name}");
        match properties.and_then(|p| p.get(name)) {
            Some(field_schema) => check(field_schema, field, &at, found),
            None if closed => violation(
                found,
                &at,
                "is not defined in the schema and the schema does not allow additional properties"
                    .into(),
            ),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(name: &str, value: Value) -> Vec<String> {
        validate(name, &value).iter().map(Violation::text).collect()
    }

    #[test]
    fn every_schema_loads_and_every_ref_and_pattern_is_known() {
        assert!(schemas().len() >= 20, "{} schemas", schemas().len());
        let text = include_str!("schemas.json");
        for part in text.split("\"$ref\": \"").skip(1) {
            let name = part.split('"').next().unwrap_or_default();
            let name = name.rsplit('/').next().unwrap_or_default();
            assert!(schemas().contains_key(name), "unknown $ref {name}");
        }
        for part in text.split("\"pattern\": \"").skip(1) {
            assert!(part.starts_with(ID_PATTERN), "unknown pattern {part:.30}");
        }
    }

    #[test]
    fn a_plain_post_conforms() {
        assert!(messages("CreatePostsRequest", json!({"text": "hi"})).is_empty());
        let full = json!({
            "text": "hi", "reply_settings": "following", "quote_tweet_id": "123",
            "poll": {"options": ["a", "b"], "duration_minutes": 60},
            "reply": {"in_reply_to_tweet_id": "1"}, "media": {"media_ids": ["1"]},
        });
        assert_eq!(messages("CreatePostsRequest", full), Vec::<String>::new());
    }

    #[test]
    fn each_kind_of_violation_is_named_with_its_path() {
        assert_eq!(
            messages("CreatePostsRequest", json!({"text": "x", "nonsense": true})),
            ["$.nonsense: is not defined in the schema and the schema does not allow additional properties"]
        );
        assert_eq!(
            messages("CreatePostsRequest", json!({"text": 5})),
            ["$.text: integer found, string expected"]
        );
        assert_eq!(
            messages("CreatePostsRequest", json!({"reply_settings": "everyone"})),
            ["$.reply_settings: does not have a value in the enumeration [following, mentionedUsers, subscribers, verified]"]
        );
        assert_eq!(
            messages("CreatePostsRequest", json!({"quote_tweet_id": "12a"})),
            ["$.quote_tweet_id: does not match the regex pattern ^[0-9]{1,19}$"]
        );
        assert_eq!(
            messages(
                "CreatePostsRequest",
                json!({"poll": {"options": ["only one"], "duration_minutes": 1}})
            ),
            [
                "$.poll.duration_minutes: must have a minimum value of 5",
                "$.poll.options: there must be a minimum of 2 items in the array"
            ]
        );
        assert_eq!(
            messages("CreatePostsRequest", json!({"media": {}})),
            ["$.media.media_ids: is missing but it is required"]
        );
        assert_eq!(
            messages("CreateDirectMessagesByParticipantIdRequest", json!({})),
            ["$: must have at least one of [text, attachments]"]
        );
        assert_eq!(
            messages(
                "CreateDirectMessagesConversationRequest",
                json!({"conversation_type": "Group", "participant_ids": ["1"], "message": {"text": ""}})
            ),
            [
                "$.message.text: must be at least 1 characters long",
                "$.participant_ids: there must be a minimum of 2 items in the array"
            ]
        );
    }

    #[test]
    fn an_unknown_schema_is_a_violation_not_a_pass() {
        assert_eq!(validate("NoSuchRequest", &json!({})).len(), 1);
    }
}
