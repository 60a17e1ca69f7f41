//! trcli's `testrail_case_field` properties (`priority_id:2`, `refs:JIRA-1`,
//! `custom_steps:...`): fields of the case `--create-missing-cases` creates for the test. Their
//! `custom_automation_id` is also the key the test is matched by (see `automation::key`).

use serde_json::{Map, Value};

use crate::report::TestCase;
use crate::submit::plan::fields::json_value;

/// The property trcli reads case fields from.
pub const PROPERTY: &str = "testrail_case_field";

/// Fields `add_case` takes from the section and title, which a property must not replace.
const RESERVED: &[&str] = &["title", "section_id", "suite_id"];

/// The case fields a test asks for, later properties winning; a property that is not
/// `name:value`, or names a field the pipeline sets, is an error naming the test.
pub fn case_fields(test: &TestCase) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for raw in test.property_values(PROPERTY) {
        let (name, value) = split(raw).ok_or_else(|| {
            format!(
                "{}: property {PROPERTY} `{raw}` is not name:value (e.g. priority_id:2)",
                test.full_name()
            )
        })?;
        if RESERVED.contains(&name) {
            return Err(format!(
                "{}: property {PROPERTY} cannot set `{name}`: the case's {name} comes from the \
                 report and --section-id / --sections-from",
                test.full_name()
            ));
        }
        out.insert(name.to_string(), json_value(value));
    }
    Ok(out)
}

/// A `--case-field NAME=VALUE` for every new case (trcli's `--case-fields name:value`; either
/// separator is accepted).
pub fn parse_option(raw: &str) -> Result<(String, Value), String> {
    let (name, value) = raw
        .split_once(['=', ':'])
        .map(|(n, v)| (n.trim(), v.trim()))
        .filter(|(n, _)| !n.is_empty())
        .ok_or_else(|| format!("`{raw}` is not NAME=VALUE (e.g. type_id=3)"))?;
    if RESERVED.contains(&name) {
        return Err(format!(
            "`{name}` is set from the report and --section-id / --sections-from"
        ));
    }
    Ok((name.to_string(), json_value(value)))
}

/// One case field's value, as the last property naming it gives it.
pub fn case_field<'a>(test: &'a TestCase, name: &str) -> Option<&'a str> {
    test.property_values(PROPERTY)
        .filter_map(split)
        .filter(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .last()
}

fn split(raw: &str) -> Option<(&str, &str)> {
    let (name, value) = raw.split_once(':')?;
    let name = name.trim();
    (!name.is_empty()).then_some((name, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, Property};
    use crate::submit::plan::aggregate::tests::test;
    use serde_json::json;

    fn with_fields(values: &[&str]) -> TestCase {
        let mut t = test("t", Outcome::Passed);
        t.details_mut().properties = values
            .iter()
            .map(|v| Property {
                name: PROPERTY.into(),
                value: v.to_string(),
            })
            .collect();
        t
    }

    #[test]
    fn fields_keep_numbers_as_numbers_and_text_as_text() {
        let t = with_fields(&[
            "priority_id:2",
            "refs: JIRA-1, JIRA-2",
            "custom_steps:1. Open\n2. Check",
            "custom_automation_id:a.b:c",
            "priority_id:3",
        ]);
        let f = case_fields(&t).unwrap();
        assert_eq!(f["priority_id"], json!(3));
        assert_eq!(f["refs"], json!("JIRA-1, JIRA-2"));
        assert_eq!(f["custom_steps"], json!("1. Open\n2. Check"));
        assert_eq!(case_field(&t, "custom_automation_id"), Some("a.b:c"));
        assert_eq!(case_field(&t, "template_id"), None);
    }

    #[test]
    fn options_take_either_separator() {
        assert_eq!(parse_option("type_id=3"), Ok(("type_id".into(), json!(3))));
        assert_eq!(
            parse_option("custom_preconds: a=b"),
            Ok(("custom_preconds".into(), json!("a=b")))
        );
        assert!(parse_option("novalue").is_err());
        assert!(parse_option("title=x").unwrap_err().contains("title"));
    }

    #[test]
    fn bad_fields_name_the_test() {
        for bad in ["nocolon", ":x", "title:Other"] {
            let err = case_fields(&with_fields(&[bad])).unwrap_err();
            assert!(err.contains("pkg.Class.t"), "{bad}: {err}");
        }
    }
}
