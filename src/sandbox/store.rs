//! The sandbox's in-memory data model: every entity TestRail's runs API touches, keyed by ID.
//!
//! The whole `Store` is what `GET /__sandbox/state` returns and what `--state FILE` saves, so
//! its serde shape is part of the sandbox's documented interface. Maps are keyed by ID (JSON
//! object keys are the IDs as strings); custom fields ride along in `extra`.

pub use super::test_table::Test;
use super::test_table::TestTable;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// A TestRail user.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub email: String,
    #[serde(default = "yes")]
    pub is_active: bool,
}

/// A project; `suite_mode` 1 = single suite, 2 = single suite + baselines, 3 = multiple suites.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Project {
    pub id: u64,
    pub name: String,
    pub suite_mode: u8,
    #[serde(default)]
    pub is_completed: bool,
    #[serde(default)]
    pub announcement: Option<String>,
}

/// A test suite (the case repository of a project).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Suite {
    pub id: u64,
    pub project_id: u64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// A section (folder) of cases inside a suite.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Section {
    pub id: u64,
    pub suite_id: u64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parent_id: Option<u64>,
    #[serde(default)]
    pub depth: u32,
    #[serde(default)]
    pub display_order: u64,
}

/// A test case; `extra` holds `custom_*` fields other than the automation ID.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Case {
    pub id: u64,
    pub suite_id: u64,
    pub section_id: u64,
    pub title: String,
    #[serde(default)]
    pub custom_automation_id: Option<String>,
    #[serde(default)]
    pub refs: Option<String>,
    #[serde(default)]
    pub created_on: i64,
    #[serde(default)]
    pub created_by: u64,
    #[serde(default)]
    pub extra: Map<String, Value>,
}

/// A result status: the five system ones plus custom ones from the seed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Status {
    pub id: u64,
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub is_system: bool,
    #[serde(default)]
    pub is_untested: bool,
    #[serde(default)]
    pub is_final: bool,
    #[serde(default = "yes")]
    pub is_active: bool,
}

/// A milestone of a project.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Milestone {
    pub id: u64,
    pub project_id: u64,
    pub name: String,
    #[serde(default)]
    pub is_completed: bool,
}

/// A configuration group (e.g. "Browsers") with its configurations.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConfigGroup {
    pub id: u64,
    pub project_id: u64,
    pub name: String,
    pub configs: Vec<Config>,
}

/// One configuration inside a group (e.g. "Chrome").
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    pub id: u64,
    pub name: String,
}

/// A test run, standalone (`plan_id` None) or part of a plan entry.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Run {
    pub id: u64,
    pub project_id: u64,
    pub suite_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub milestone_id: Option<u64>,
    pub assignedto_id: Option<u64>,
    pub include_all: bool,
    pub is_completed: bool,
    pub completed_on: Option<i64>,
    pub created_on: i64,
    pub created_by: u64,
    pub updated_on: i64,
    pub refs: Option<String>,
    pub start_on: Option<i64>,
    pub due_on: Option<i64>,
    pub plan_id: Option<u64>,
    pub entry_id: Option<String>,
    pub entry_index: Option<u64>,
    pub config_ids: Vec<u64>,
    pub config: Option<String>,
}

/// A result posted to a test.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TestResult {
    pub id: u64,
    pub test_id: u64,
    pub status_id: Option<u64>,
    pub created_on: i64,
    pub created_by: u64,
    pub assignedto_id: Option<u64>,
    pub comment: Option<String>,
    pub version: Option<String>,
    pub elapsed: Option<String>,
    pub defects: Option<String>,
    pub attachment_ids: Vec<u64>,
    pub extra: Map<String, Value>,
}

/// A test plan; its runs live in `Store::runs` with `plan_id` set.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub id: u64,
    pub project_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub milestone_id: Option<u64>,
    pub is_completed: bool,
    pub completed_on: Option<i64>,
    pub created_on: i64,
    pub created_by: u64,
    pub entries: Vec<PlanEntry>,
}

/// A plan entry: one suite, one or more runs (one per configuration combination).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlanEntry {
    pub id: String,
    pub suite_id: u64,
    pub name: String,
    pub description: Option<String>,
    pub include_all: bool,
    pub refs: Option<String>,
    pub run_ids: Vec<u64>,
}

/// An uploaded attachment; the sandbox keeps its metadata, not its bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attachment {
    pub id: u64,
    /// The result it belongs to; 0 for run and plan-entry attachments.
    pub result_id: u64,
    #[serde(default)]
    pub run_id: Option<u64>,
    #[serde(default)]
    pub entry_id: Option<String>,
    pub name: String,
    pub size: usize,
    pub content_type: Option<String>,
    pub created_on: i64,
}

/// Everything the sandbox holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Store {
    pub users: BTreeMap<u64, User>,
    pub projects: BTreeMap<u64, Project>,
    pub suites: BTreeMap<u64, Suite>,
    pub sections: BTreeMap<u64, Section>,
    pub cases: BTreeMap<u64, Case>,
    pub statuses: BTreeMap<u64, Status>,
    pub milestones: BTreeMap<u64, Milestone>,
    pub config_groups: BTreeMap<u64, ConfigGroup>,
    pub case_fields: Vec<Value>,
    pub result_fields: Vec<Value>,
    pub runs: BTreeMap<u64, Run>,
    pub tests: TestTable,
    pub results: BTreeMap<u64, TestResult>,
    pub plans: BTreeMap<u64, Plan>,
    pub attachments: BTreeMap<u64, Attachment>,
    /// The last ID handed out per entity kind, so deleted IDs are never reused.
    pub last_ids: BTreeMap<String, u64>,
}

fn yes() -> bool {
    true
}

/// The highest key of an ID-keyed map, 0 when empty.
fn max_key<T>(map: &BTreeMap<u64, T>) -> u64 {
    map.keys().next_back().copied().unwrap_or(0)
}

impl Store {
    /// Hand out a fresh ID for an entity kind (`"runs"`, `"tests"`, ...); like TestRail, an ID
    /// is never reused, even after the entity is deleted.
    pub fn alloc(&mut self, kind: &str) -> u64 {
        let existing = match kind {
            "users" => max_key(&self.users),
            "projects" => max_key(&self.projects),
            "suites" => max_key(&self.suites),
            "sections" => max_key(&self.sections),
            "cases" => max_key(&self.cases),
            "milestones" => max_key(&self.milestones),
            "config_groups" => max_key(&self.config_groups),
            "runs" => max_key(&self.runs),
            "tests" => self.tests.max_id(),
            "results" => max_key(&self.results),
            "plans" => max_key(&self.plans),
            "attachments" => max_key(&self.attachments),
            _ => 0,
        };
        let last = self.last_ids.entry(kind.to_owned()).or_insert(0);
        *last = (*last).max(existing) + 1;
        *last
    }

    /// The tests of a run, in test-ID order.
    pub fn tests_of_run(&self, run_id: u64) -> impl Iterator<Item = &Test> {
        self.tests.values().filter(move |t| t.run_id == run_id)
    }

    /// The non-deleted cases of a suite, in the order TestRail lists them (section, then ID).
    pub fn cases_of_suite(&self, suite_id: u64) -> Vec<&Case> {
        // Every page of get_cases lists the whole suite: one pass, each case's section looked
        // up once, one sort (a sort keyed through the section map per comparison was a third
        // of the sandbox's CPU when 20,000 cases were read page by page).
        let mut keyed: Vec<((u64, u64, u64), &Case)> = self
            .cases
            .values()
            .filter(|c| c.suite_id == suite_id)
            .map(|c| {
                let order = self
                    .sections
                    .get(&c.section_id)
                    .map_or(0, |s| s.display_order);
                ((order, c.section_id, c.id), c)
            })
            .collect();
        // Case IDs are unique, so the keys are too and an unstable sort gives one order.
        keyed.sort_unstable_by_key(|(key, _)| *key);
        keyed.into_iter().map(|(_, c)| c).collect()
    }

    /// Remove tests with their results and attachments, in one pass over each map (runs
    /// of 100 000 cases are benchmarked against the sandbox).
    pub fn remove_tests(&mut self, tests: &HashSet<u64>) {
        if tests.is_empty() {
            return;
        }
        self.tests.remove_all(tests);
        let mut gone = HashSet::new();
        self.results.retain(|id, r| {
            let keep = !tests.contains(&r.test_id);
            if !keep {
                gone.insert(*id);
            }
            keep
        });
        self.attachments.retain(|_, a| !gone.contains(&a.result_id));
    }

    /// The five system statuses every TestRail instance has.
    pub fn system_statuses() -> Vec<Status> {
        let status = |id: u64, name: &str, label: &str, is_final: bool| Status {
            id,
            name: name.to_owned(),
            label: label.to_owned(),
            is_system: true,
            is_untested: id == 3,
            is_final,
            is_active: true,
        };
        vec![
            status(1, "passed", "Passed", true),
            status(2, "blocked", "Blocked", true),
            status(3, "untested", "Untested", false),
            status(4, "retest", "Retest", false),
            status(5, "failed", "Failed", true),
        ]
    }

    /// Whether a project has an active case field with this API name (`custom_…`): TestRail
    /// stores and returns a custom field only on the projects its context covers.
    pub fn has_case_field(&self, project_id: u64, system_name: &str) -> bool {
        self.case_fields.iter().any(|f| {
            f.get("system_name").and_then(Value::as_str) == Some(system_name)
                && f.get("is_active").and_then(Value::as_bool) != Some(false)
                && field_covers(f, project_id)
        })
    }

    /// The project a suite belongs to (0 for an unknown suite).
    pub fn project_of_suite(&self, suite_id: u64) -> u64 {
        self.suites.get(&suite_id).map_or(0, |s| s.project_id)
    }
}

/// Whether one of a field's configs is global or names the project.
fn field_covers(field: &Value, project_id: u64) -> bool {
    let Some(configs) = field.get("configs").and_then(Value::as_array) else {
        // A field without configs (a hand-written seed): treat it as global.
        return true;
    };
    configs.iter().any(|c| {
        let ctx = &c["context"];
        ctx["is_global"].as_bool() == Some(true)
            || ctx["project_ids"]
                .as_array()
                .is_some_and(|ids| ids.iter().any(|id| id.as_u64() == Some(project_id)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_fields_cover_projects_by_context() {
        let field = |is_active: bool, ctx: Value| {
            serde_json::json!({"system_name": "custom_automation_id", "is_active": is_active,
                               "configs": [{"context": ctx}]})
        };
        let mut store = Store {
            case_fields: vec![field(true, serde_json::json!({"is_global": true}))],
            ..Store::default()
        };
        assert!(store.has_case_field(1, "custom_automation_id"));
        assert!(!store.has_case_field(1, "custom_other"));
        store.case_fields = vec![field(
            true,
            serde_json::json!({"is_global": false, "project_ids": [2]}),
        )];
        assert!(store.has_case_field(2, "custom_automation_id"));
        assert!(!store.has_case_field(1, "custom_automation_id"));
        store.case_fields = vec![field(false, serde_json::json!({"is_global": true}))];
        assert!(!store.has_case_field(1, "custom_automation_id"));
    }

    #[test]
    fn ids_are_never_reused() {
        let mut store = Store::default();
        assert_eq!(store.alloc("plans"), 1);
        assert_eq!(store.alloc("plans"), 2);
        store.attachments.clear();
        assert_eq!(store.alloc("plans"), 3);
        assert_eq!(store.alloc("runs"), 1);
    }

    #[test]
    fn removing_a_test_removes_its_results() {
        let mut store = Store::default();
        store.tests.insert(Test {
            id: 1,
            run_id: 1,
            case_id: 1,
            status_id: 1,
            assignedto_id: None,
        });
        let result = TestResult {
            id: 4,
            test_id: 1,
            status_id: Some(1),
            created_on: 0,
            created_by: 1,
            assignedto_id: None,
            comment: None,
            version: None,
            elapsed: None,
            defects: None,
            attachment_ids: vec![],
            extra: Map::new(),
        };
        store.results.insert(4, result);
        store.remove_tests(&HashSet::from([1]));
        assert_eq!(store.tests.values().count(), 0);
        assert!(store.results.is_empty());
    }
}
