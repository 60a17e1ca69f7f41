//! `--case-matcher automation-id`: match tests to cases by the suite's `custom_automation_id`
//! field (the official CLI's default), instead of case IDs written into the report.
//!
//! The suite's cases are downloaded once (every page) and indexed in a hash map, so matching
//! is linear in the number of tests (the official CLI compares every test with every case).

use std::collections::HashMap;

use serde_json::Value;

use crate::report::TestCase;
use crate::testrail::Case;

use super::case_fields::case_field;

/// The case field the official CLI writes and matches (`custom_` + system name `automation_id`).
pub const FIELD: &str = "custom_automation_id";

/// Automation ID → case ID, built from a suite's cases.
#[derive(Debug, Default)]
pub struct AutomationIndex {
    ids: HashMap<String, u64>,
    /// Automation IDs used by more than one case (the lowest case ID is used).
    pub duplicates: Vec<String>,
}

impl AutomationIndex {
    /// Index the cases that carry an automation ID.
    pub fn new<'a>(cases: impl IntoIterator<Item = &'a Case>) -> AutomationIndex {
        let mut index = AutomationIndex::default();
        for case in cases {
            let Some(key) = case.custom_automation_id.as_ref().and_then(Value::as_str) else {
                continue;
            };
            let key = key.trim();
            if key.is_empty() {
                continue;
            }
            match index.ids.get_mut(key) {
                Some(existing) => {
                    *existing = (*existing).min(case.id);
                    if !index.duplicates.iter().any(|d| d == key) {
                        index.duplicates.push(key.to_string());
                    }
                }
                None => {
                    index.ids.insert(key.to_string(), case.id);
                }
            }
        }
        index
    }

    /// How many cases have an automation ID.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no case has an automation ID.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The case for a test: its own `custom_automation_id` (property) if it has one, else
    /// `classname.name`.
    pub fn case_for(&self, test: &TestCase) -> Option<u64> {
        self.ids.get(key(test).as_str()).copied()
    }
}

/// The automation ID a test goes by: as trcli, a `testrail_case_field` naming
/// `custom_automation_id`, else a `custom_automation_id` property or testcase attribute, else
/// `classname.name`.
pub fn key(test: &TestCase) -> String {
    case_field(test, FIELD)
        .into_iter()
        .chain(test.property_values(FIELD))
        .chain(test.property_values("automation_id"))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map_or_else(|| test.full_name(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, Property};
    use crate::submit::plan::aggregate::tests::test;
    use serde_json::json;

    fn case(id: u64, automation_id: Option<&str>) -> Case {
        let mut c = Case {
            id,
            ..Case::default()
        };
        if let Some(a) = automation_id {
            c.custom_automation_id = Some(json!(a));
        }
        c
    }

    #[test]
    fn matches_by_full_name_or_the_tests_own_automation_id() {
        let index = AutomationIndex::new(&[
            case(1, Some("pkg.Class.login")),
            case(2, Some("custom-key")),
            case(3, None),
        ]);
        assert_eq!(index.len(), 2);
        assert_eq!(index.case_for(&test("login", Outcome::Passed)), Some(1));
        let mut own = test("other", Outcome::Passed);
        own.details_mut().properties.push(Property {
            name: FIELD.into(),
            value: "custom-key".into(),
        });
        assert_eq!(index.case_for(&own), Some(2));
        assert_eq!(index.case_for(&test("nothing", Outcome::Passed)), None);
        // A testrail_case_field wins over the property, as in trcli's
        // custom_automation_id_in_property.xml.
        own.details_mut().properties.push(Property {
            name: "testrail_case_field".into(),
            value: "custom_automation_id:pkg.Class.login".into(),
        });
        assert_eq!(index.case_for(&own), Some(1));
    }

    #[test]
    fn duplicates_use_the_lowest_case_and_are_reported() {
        let index = AutomationIndex::new(&[case(9, Some("a")), case(4, Some("a"))]);
        assert_eq!(index.ids["a"], 4);
        assert_eq!(index.duplicates, ["a"]);
    }
}
