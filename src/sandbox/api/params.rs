//! Reading IDs, filters and body fields the way TestRail validates them, with its
//! `Field :<name> …` messages. Like TestRail, IDs in bodies may be numbers or numeric strings
//! (clients send `"case_id": "314"` and get business errors, not type errors).

use super::{ApiError, Body};
use crate::sandbox::route::ApiCall;
use serde_json::{Map, Value};

/// Longest accepted name/title.
pub const MAX_NAME: usize = 250;

/// The `idx`-th path argument as an ID: `Field :<field> is not a valid ID.` otherwise.
pub fn arg_id(call: &ApiCall, idx: usize, field: &str) -> Result<u64, ApiError> {
    let raw = call
        .args
        .get(idx)
        .ok_or_else(|| ApiError::bad(format!("Field :{field} is a required field.")))?;
    parse_id(raw).ok_or_else(|| invalid_id(field))
}

fn parse_id(raw: &str) -> Option<u64> {
    raw.trim().parse::<u64>().ok().filter(|id| *id > 0)
}

fn invalid_id(field: &str) -> ApiError {
    ApiError::bad(format!("Field :{field} is not a valid ID."))
}

/// The JSON object of a request body (an empty body counts as `{}`).
pub fn object(body: &Body) -> Result<&Map<String, Value>, ApiError> {
    match body {
        Body::Json(Value::Object(map)) => Ok(map),
        // Inferred wording: TestRail's text for a non-object JSON body was not captured.
        _ => Err(ApiError::bad("Invalid JSON body (expected an object).")),
    }
}

/// A field that is absent or null counts as not given.
fn present<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// An ID from a JSON value: a positive integer or a numeric string.
pub fn value_id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().filter(|id| *id > 0),
        Value::String(s) => parse_id(s),
        _ => None,
    }
}

/// An optional ID field; `label` is the name used in the message (e.g. `results.case_id`).
pub fn opt_id(obj: &Map<String, Value>, key: &str, label: &str) -> Result<Option<u64>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(v) => value_id(v).map(Some).ok_or_else(|| invalid_id(label)),
    }
}

/// An optional boolean field (JSON booleans, or 0/1 as PHP accepts them).
pub fn opt_bool(obj: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    let Some(value) = present(obj, key) else {
        return Ok(None);
    };
    match value {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(Some(false)),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(Some(true)),
        Value::String(s) if s == "0" || s == "false" => Ok(Some(false)),
        Value::String(s) if s == "1" || s == "true" => Ok(Some(true)),
        _ => Err(ApiError::bad(format!(
            "Field :{key} is not a valid boolean."
        ))),
    }
}

/// An optional string field, at most `max` characters.
pub fn opt_string(
    obj: &Map<String, Value>,
    key: &str,
    label: &str,
    max: Option<usize>,
) -> Result<Option<String>, ApiError> {
    let Some(value) = present(obj, key) else {
        return Ok(None);
    };
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(ApiError::bad(format!(
                "Field :{label} is not a valid string."
            )));
        }
    };
    if let Some(max) = max.filter(|m| text.chars().count() > *m) {
        return Err(ApiError::bad(format!(
            "Field :{label} is too long ({max} characters at most)."
        )));
    }
    Ok(Some(text))
}

/// A required non-empty string field (`Field :<key> is a required field.`).
pub fn req_string(obj: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match opt_string(obj, key, key, Some(MAX_NAME))? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(ApiError::bad(format!("Field :{key} is a required field."))),
    }
}

/// An optional list of IDs (`case_ids`, `config_ids`); `None` for a malformed element.
pub fn opt_id_list(
    obj: &Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<Option<u64>>>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items.iter().map(value_id).collect())),
        Some(_) => Err(ApiError::bad(format!("Field :{key} is not a valid array."))),
    }
}

/// An optional UNIX timestamp field.
pub fn opt_timestamp(obj: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
        Some(Value::String(s)) if s.parse::<i64>().is_ok() => Ok(s.parse().ok()),
        // Inferred wording.
        Some(_) => Err(ApiError::bad(format!(
            "Field :{key} is not a valid timestamp."
        ))),
    }
}

/// A comma-separated ID filter (`suite_id=1,2`).
pub fn filter_ids(call: &ApiCall, key: &str) -> Result<Option<Vec<u64>>, ApiError> {
    let Some(raw) = call.filter(key) else {
        return Ok(None);
    };
    raw.split(',')
        .map(|part| parse_id(part).ok_or_else(|| invalid_id(key)))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// A UNIX-timestamp filter (`created_after=...`).
pub fn filter_ts(call: &ApiCall, key: &str) -> Result<Option<i64>, ApiError> {
    match call.filter(key) {
        None => Ok(None),
        Some(raw) => raw
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::bad(format!("Field :{key} is not a valid timestamp."))),
    }
}

/// A 0/1 filter (`is_completed=1`).
pub fn filter_bool(call: &ApiCall, key: &str) -> Result<Option<bool>, ApiError> {
    match call.filter(key) {
        None => Ok(None),
        Some("0") | Some("false") => Ok(Some(false)),
        Some("1") | Some("true") => Ok(Some(true)),
        Some(_) => Err(ApiError::bad(format!(
            "Field :{key} is not a valid boolean."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn ids_may_be_numeric_strings() {
        let o = obj(json!({"a": "314", "b": 7, "c": "x", "d": null}));
        assert_eq!(opt_id(&o, "a", "a"), Ok(Some(314)));
        assert_eq!(opt_id(&o, "b", "b"), Ok(Some(7)));
        assert_eq!(opt_id(&o, "d", "d"), Ok(None));
        let err = opt_id(&o, "c", "results.c").unwrap_err();
        assert_eq!(err.message, "Field :results.c is not a valid ID.");
    }

    #[test]
    fn long_names_are_refused_with_testrails_text() {
        let o = obj(json!({"name": "x".repeat(251)}));
        let err = req_string(&o, "name").unwrap_err();
        assert_eq!(
            err.message,
            "Field :name is too long (250 characters at most)."
        );
        let err = req_string(&obj(json!({})), "name").unwrap_err();
        assert_eq!(err.message, "Field :name is a required field.");
    }
}
