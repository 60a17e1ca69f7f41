//! Extra fields of a result: `--result-field name=value` for every result (e.g. the build's
//! `version`), and per-testcase properties `testrail_result_field` (`name:value`) and
//! `testrail_defects` (comma-separated, as TestRail stores defects).
//!
//! Names travel as given: system fields by their name (`version`, `assignedto_id`), custom
//! fields by their system name (`custom_environment`). Integers, `true`/`false` and JSON
//! arrays are sent as JSON values (dropdown, checkbox and multi-select fields need that);
//! everything else as a string.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde_json::Value;

use super::aggregate::CaseGroup;

/// Fields the pipeline sets itself; a field option must not silently replace them.
const RESERVED: &[&str] = &["case_id", "status_id", "comment", "elapsed", "defects"];

/// One `name=value` field for every result.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultField {
    /// The field's system name.
    pub name: String,
    /// Its value.
    pub value: Value,
}

impl FromStr for ResultField {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (name, value) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not NAME=VALUE (e.g. version=1.4.2)"))?;
        field(name, value)
    }
}

fn field(name: &str, value: &str) -> Result<ResultField, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("`{name}={value}` has no field name"));
    }
    if RESERVED.contains(&name) {
        return Err(format!(
            "`{name}` is set from the report; use testrail_defects or testrail_result_comment \
             properties for defects and comments"
        ));
    }
    Ok(ResultField {
        name: name.to_string(),
        value: json_value(value.trim()),
    })
}

/// Integers, booleans and arrays as JSON; anything else (including `1.4.2`) as a string.
pub(crate) fn json_value(v: &str) -> Value {
    let looks_json = v.parse::<i64>().is_ok() || v == "true" || v == "false" || v.starts_with('[');
    if looks_json {
        if let Ok(parsed) = serde_json::from_str(v) {
            return parsed;
        }
    }
    Value::String(v.to_string())
}

/// The fields of one result: the global ones, then each test's properties (later wins).
pub fn fields_for(
    group: &CaseGroup<'_>,
    global: &[ResultField],
) -> Result<BTreeMap<String, Value>, String> {
    let mut out: BTreeMap<String, Value> = global
        .iter()
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    for t in &group.tests {
        for raw in t.property_values("testrail_result_field") {
            let (name, value) = raw.split_once(':').ok_or_else(|| {
                format!(
                    "{}: property testrail_result_field `{raw}` is not name:value",
                    t.full_name()
                )
            })?;
            let f = field(name, value).map_err(|e| format!("{}: {e}", t.full_name()))?;
            out.insert(f.name, f.value);
        }
    }
    Ok(out)
}

/// The defects of one result: every test's `testrail_defects`, de-duplicated, in order.
pub fn defects(group: &CaseGroup<'_>) -> Option<String> {
    let mut all: Vec<&str> = Vec::new();
    for t in &group.tests {
        for value in t.property_values("testrail_defects") {
            for d in value.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                if !all.contains(&d) {
                    all.push(d);
                }
            }
        }
    }
    (!all.is_empty()).then(|| all.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, Property, TestCase};
    use crate::submit::plan::aggregate::group;
    use crate::submit::plan::aggregate::tests::test;
    use serde_json::json;

    fn with_props(name: &str, props: &[(&str, &str)]) -> TestCase {
        let mut t = test(name, Outcome::Passed);
        t.details_mut().properties = props
            .iter()
            .map(|(n, v)| Property {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect();
        t
    }

    #[test]
    fn parses_cli_fields_with_json_values_where_fields_need_them() {
        let f: ResultField = "version=1.4.2".parse().unwrap();
        assert_eq!(f.value, json!("1.4.2"));
        let f: ResultField = "custom_env = 3".parse().unwrap();
        assert_eq!((f.name.as_str(), f.value), ("custom_env", json!(3)));
        assert_eq!(
            "custom_ms=[1,2]".parse::<ResultField>().unwrap().value,
            json!([1, 2])
        );
        assert_eq!(
            "custom_ok=true".parse::<ResultField>().unwrap().value,
            json!(true)
        );
        assert_eq!(
            "custom_s=[oops".parse::<ResultField>().unwrap().value,
            json!("[oops")
        );
        assert!("version".parse::<ResultField>().is_err());
        assert!(
            "status_id=1"
                .parse::<ResultField>()
                .unwrap_err()
                .contains("set from the report")
        );
    }

    #[test]
    fn properties_override_global_fields() {
        let t = with_props(
            "a",
            &[
                ("testrail_result_field", "version:2.0"),
                ("testrail_result_field", "custom_x:7"),
            ],
        );
        let global = vec![
            "version=1.0".parse().unwrap(),
            "custom_y=y".parse().unwrap(),
        ];
        let g = group([(&t, [1])]);
        let f = fields_for(&g[0], &global).unwrap();
        assert_eq!(f["version"], json!("2.0"));
        assert_eq!(f["custom_x"], json!(7));
        assert_eq!(f["custom_y"], json!("y"));
    }

    #[test]
    fn a_bad_property_names_the_test() {
        let t = with_props("a", &[("testrail_result_field", "novalue")]);
        let g = group([(&t, [1])]);
        let err = fields_for(&g[0], &[]).unwrap_err();
        assert!(
            err.contains("pkg.Class.a") && err.contains("name:value"),
            "{err}"
        );
    }

    #[test]
    fn defects_are_merged_and_deduplicated() {
        let a = with_props("a", &[("testrail_defects", "JIRA-1, JIRA-2")]);
        let b = with_props("b", &[("testrail_defects", "JIRA-2,JIRA-3")]);
        let g = group([(&a, [1]), (&b, [1])]);
        assert_eq!(defects(&g[0]).as_deref(), Some("JIRA-1,JIRA-2,JIRA-3"));
        let none = test("c", Outcome::Passed);
        assert_eq!(defects(&group([(&none, [1])])[0]), None);
    }
}
