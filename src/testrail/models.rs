//! TestRail's objects as serde types.
//!
//! Every object is open: TestRail adds fields between versions and admins add `custom_*`
//! fields, so each type keeps whatever it does not name in `extra`. That way `--output json`
//! prints exactly what TestRail sent, and nothing breaks when a new field appears. Fields that
//! some versions omit or send as `null` are `Option` or defaulted.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Fields this crate does not name, kept so objects round-trip.
pub type Extra = Map<String, Value>;

/// A test run (`get_run`, `add_run`, ...). `get_run` does not list case IDs: use `get_tests`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The project it belongs to.
    #[serde(default)]
    pub project_id: Option<u64>,
    /// The suite it belongs to.
    #[serde(default)]
    pub suite_id: Option<u64>,
    /// The milestone it belongs to.
    #[serde(default)]
    pub milestone_id: Option<u64>,
    /// The user it is assigned to.
    #[serde(default)]
    pub assignedto_id: Option<u64>,
    /// The plan it belongs to, if any.
    #[serde(default)]
    pub plan_id: Option<u64>,
    /// Whether every case of the suite is included.
    #[serde(default)]
    pub include_all: bool,
    /// Whether it is closed/completed.
    #[serde(default)]
    pub is_completed: bool,
    /// When it was closed (UNIX seconds).
    #[serde(default)]
    pub completed_on: Option<i64>,
    /// When it was created (UNIX seconds).
    #[serde(default)]
    pub created_on: Option<i64>,
    /// Who created it (user ID).
    #[serde(default)]
    pub created_by: Option<u64>,
    /// References, comma-separated.
    #[serde(default)]
    pub refs: Option<String>,
    /// Its page in TestRail's web UI.
    #[serde(default)]
    pub url: Option<String>,
    /// Tests whose status is Passed.
    #[serde(default)]
    pub passed_count: u64,
    /// Tests whose status is Blocked.
    #[serde(default)]
    pub blocked_count: u64,
    /// Tests without a status yet.
    #[serde(default)]
    pub untested_count: u64,
    /// Tests whose status is Retest.
    #[serde(default)]
    pub retest_count: u64,
    /// Tests whose status is Failed.
    #[serde(default)]
    pub failed_count: u64,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Run {
    /// Tests in the run, from its status counters (custom statuses included).
    pub fn test_count(&self) -> u64 {
        let custom: u64 = (1..=7)
            .filter_map(|i| self.extra.get(&format!("custom_status{i}_count")))
            .filter_map(Value::as_u64)
            .sum();
        self.passed_count
            + self.blocked_count
            + self.untested_count
            + self.retest_count
            + self.failed_count
            + custom
    }
}

/// A test: one case inside a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// The object's ID.
    pub id: u64,
    /// The case.
    pub case_id: u64,
    /// The run.
    #[serde(default)]
    pub run_id: Option<u64>,
    /// The status (see `get_statuses`).
    #[serde(default)]
    pub status_id: Option<u64>,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A test case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The object's ID.
    pub id: u64,
    /// The title.
    #[serde(default)]
    pub title: String,
    /// The section it belongs to.
    #[serde(default)]
    pub section_id: Option<u64>,
    /// The suite it belongs to.
    #[serde(default)]
    pub suite_id: Option<u64>,
    /// References, comma-separated.
    #[serde(default)]
    pub refs: Option<String>,
    /// The automation ID the official CLI writes and matches (absent when the project has
    /// no such field). TestRail's other case fields (steps, priority, custom fields) are
    /// skipped unread: matching downloads every page of a suite, and keeping each case's
    /// every field made that download cost more than the matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_automation_id: Option<Value>,
}

/// A project. `suite_mode`: 1 single suite, 2 single + baselines, 3 multiple suites.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// 1 single suite, 2 single suite with baselines, 3 multiple suites.
    #[serde(default)]
    pub suite_mode: Option<u8>,
    /// Whether it is closed/completed.
    #[serde(default)]
    pub is_completed: bool,
    /// Its page in TestRail's web UI.
    #[serde(default)]
    pub url: Option<String>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A test suite.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The project it belongs to.
    #[serde(default)]
    pub project_id: Option<u64>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A section (folder) of cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The suite it belongs to.
    #[serde(default)]
    pub suite_id: Option<u64>,
    /// The parent section, if any.
    #[serde(default)]
    pub parent_id: Option<u64>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A result status (1 passed, 2 blocked, 3 untested, 4 retest, 5 failed, 6+ custom).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The label shown in the UI.
    #[serde(default)]
    pub label: String,
    /// Whether it is one of the five built-in statuses.
    #[serde(default)]
    pub is_system: bool,
    /// Whether it is the Untested status.
    #[serde(default)]
    pub is_untested: bool,
    /// Whether it counts as a final result.
    #[serde(default)]
    pub is_final: bool,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A TestRail user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The e-mail address (login).
    #[serde(default)]
    pub email: String,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One result to post with `add_results_for_cases`. `elapsed` is a timespan like `"1m 5s"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultForCase {
    /// The case.
    pub case_id: u64,
    /// The status (see `get_statuses`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<u64>,
    /// The comment (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Time taken, as a timespan like "1m 5s".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<String>,
    /// Defect IDs, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defects: Option<String>,
    /// The version tested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The user it is assigned to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignedto_id: Option<u64>,
    /// `custom_*` result fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A result just stored by `add_results_for_cases`. The rest of TestRail's answer echoes what
/// was sent (comments included), so it is skipped unread rather than kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct PostedResult {
    /// The new result's ID.
    pub id: u64,
    /// The test it belongs to.
    #[serde(default)]
    pub test_id: u64,
}

/// A result as TestRail stores it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultEntry {
    /// The object's ID.
    pub id: u64,
    /// The test it belongs to.
    #[serde(default)]
    pub test_id: u64,
    /// The status (see `get_statuses`).
    #[serde(default)]
    pub status_id: Option<u64>,
    /// The comment (Markdown).
    #[serde(default)]
    pub comment: Option<String>,
    /// When it was created (UNIX seconds).
    #[serde(default)]
    pub created_on: Option<i64>,
    /// Who created it (user ID).
    #[serde(default)]
    pub created_by: Option<u64>,
    /// Time taken, as a timespan like "1m 5s".
    #[serde(default)]
    pub elapsed: Option<String>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A test plan with its entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The project it belongs to.
    #[serde(default)]
    pub project_id: Option<u64>,
    /// Whether it is closed/completed.
    #[serde(default)]
    pub is_completed: bool,
    /// When it was closed (UNIX seconds).
    #[serde(default)]
    pub completed_on: Option<i64>,
    /// When it was created (UNIX seconds).
    #[serde(default)]
    pub created_on: Option<i64>,
    /// The milestone.
    #[serde(default)]
    pub milestone_id: Option<u64>,
    /// Its page in the web UI.
    #[serde(default)]
    pub url: Option<String>,
    /// Tests passed, over all runs of the plan.
    #[serde(default)]
    pub passed_count: u64,
    /// Tests failed, over all runs of the plan.
    #[serde(default)]
    pub failed_count: u64,
    /// Tests untested, over all runs of the plan.
    #[serde(default)]
    pub untested_count: u64,
    /// The plan entries (get_plans lists plans without them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<PlanEntry>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Plan {
    /// Every run of every entry.
    pub fn runs(&self) -> impl Iterator<Item = &Run> {
        self.entries.iter().flat_map(|e| &e.runs)
    }
}

/// A plan entry; its ID is a UUID string, its runs are one per configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanEntry {
    /// The object's ID.
    pub id: String,
    /// The suite it belongs to.
    #[serde(default)]
    pub suite_id: Option<u64>,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// One run per configuration.
    #[serde(default)]
    pub runs: Vec<Run>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A milestone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// Whether it is closed/completed.
    #[serde(default)]
    pub is_completed: bool,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A configuration group (e.g. "Browsers") and its configurations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigGroup {
    /// The object's ID.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The configurations.
    #[serde(default)]
    pub configs: Vec<Value>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A custom case field definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseField {
    /// The object's ID.
    pub id: u64,
    /// The field's API name (`custom_…`).
    #[serde(default)]
    pub system_name: String,
    /// The label shown in the UI.
    #[serde(default)]
    pub label: String,
    /// The field type.
    #[serde(default)]
    pub type_id: Option<u64>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A custom result field definition (`configs[].options.is_required` says if it is mandatory).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultField {
    /// The object's ID.
    pub id: u64,
    /// The field's API name (`custom_…`).
    #[serde(default)]
    pub system_name: String,
    /// The label shown in the UI.
    #[serde(default)]
    pub label: String,
    /// The field type.
    #[serde(default)]
    pub type_id: Option<u64>,
    /// Whether the field is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// The configurations.
    #[serde(default)]
    pub configs: Vec<Value>,
    /// Every field not named above, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An attachment ID: a number on older servers, a string since TestRail 7.1 (Cloud).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttachmentId {
    Number(u64),
    Text(String),
}

impl std::fmt::Display for AttachmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttachmentId::Number(n) => write!(f, "{n}"),
            AttachmentId::Text(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_round_trip() {
        let raw = json!({"id": 3, "name": "R", "include_all": false, "is_completed": false,
                         "custom_status2_count": 4, "dataset_id": null, "failed_count": 1,
                         "project_id": 1, "suite_id": null, "url": "https://h/index.php?/runs/view/3"});
        let run: Run = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(run.test_count(), 5);
        let back = serde_json::to_value(&run).unwrap();
        for (k, v) in raw.as_object().unwrap() {
            assert_eq!(back.get(k), Some(v), "field {k}");
        }
    }

    #[test]
    fn attachment_ids_come_as_numbers_or_strings() {
        let n: AttachmentId = serde_json::from_value(json!(443)).unwrap();
        let s: AttachmentId = serde_json::from_value(json!("2f6c-11")).unwrap();
        assert_eq!(
            (n.to_string(), s.to_string()),
            ("443".into(), "2f6c-11".into())
        );
    }

    #[test]
    fn results_omit_unset_fields() {
        let r = ResultForCase {
            case_id: 7,
            status_id: Some(1),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"case_id": 7, "status_id": 1})
        );
    }
}
