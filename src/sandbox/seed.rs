//! The seed: the sandbox's starting data, as a JSON file (`--seed FILE`) or built in code by
//! tests (`Seed::demo()`, `Seed::empty()` and the builder methods).
//!
//! Format (every `id` is optional; missing IDs are handed out in file order, counting up from
//! the highest ID of that kind so far):
//!
//! ```json
//! { "users": [{"name": "Demo User", "email": "demo@example.com"}],
//!   "statuses": [{"id": 6, "name": "skipped", "label": "Skipped"}],
//!   "case_fields": [ ...get_case_fields objects... ], "result_fields": [ ... ],
//!   "projects": [{
//!     "name": "Demo", "suite_mode": 1,
//!     "milestones": [{"name": "Release 1.0"}],
//!     "configs": [{"name": "Browsers", "configs": [{"name": "Chrome"}]}],
//!     "suites": [{"name": "Master", "sections": [{
//!       "name": "Authentication",
//!       "cases": [{"title": "Log in", "custom_automation_id": "tests.test_auth.test_login"}],
//!       "sections": [ ...child sections... ] }]}],
//!     "runs": [ {add_run body, plus "is_completed": true to close it} ],
//!     "plans": [ {add_plan body, plus "is_completed": true} ] }] }
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::path::Path;

/// The starting data of a sandbox.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    pub users: Vec<SeedUser>,
    /// Custom statuses, added to the five system ones (IDs 6..=12 map to the run's
    /// `custom_status1_count`..`custom_status7_count`).
    pub statuses: Vec<SeedStatus>,
    pub projects: Vec<SeedProject>,
    /// get_case_fields entries; absent = one active `custom_automation_id` string field.
    pub case_fields: Option<Vec<Value>>,
    /// get_result_fields entries; absent = the Step Results field `custom_step_results`.
    pub result_fields: Option<Vec<Value>>,
}

/// A user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    pub email: String,
}

/// A custom status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedStatus {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub is_final: bool,
}

/// A project with its suites, milestones, configurations, and optional runs and plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProject {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default = "single_suite")]
    pub suite_mode: u8,
    #[serde(default)]
    pub suites: Vec<SeedSuite>,
    #[serde(default)]
    pub milestones: Vec<SeedMilestone>,
    #[serde(default)]
    pub configs: Vec<SeedConfigGroup>,
    /// add_run bodies (plus `"is_completed": true`), created through the API itself.
    #[serde(default)]
    pub runs: Vec<Value>,
    /// add_plan bodies (plus `"is_completed": true`), created through the API itself.
    #[serde(default)]
    pub plans: Vec<Value>,
}

fn single_suite() -> u8 {
    1
}

/// A suite and its section tree.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSuite {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sections: Vec<SeedSection>,
}

/// A section with its cases and child sections.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSection {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub cases: Vec<SeedCase>,
    #[serde(default)]
    pub sections: Vec<SeedSection>,
}

/// A case; any other `custom_*` key is kept and returned by get_case(s).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeedCase {
    #[serde(default)]
    pub id: Option<u64>,
    pub title: String,
    #[serde(default)]
    pub custom_automation_id: Option<String>,
    #[serde(default)]
    pub refs: Option<String>,
    #[serde(flatten)]
    pub custom: Map<String, Value>,
}

/// A milestone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMilestone {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default)]
    pub is_completed: bool,
}

/// A configuration group and its configurations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedConfigGroup {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
    #[serde(default)]
    pub configs: Vec<SeedConfig>,
}

/// One configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedConfig {
    #[serde(default)]
    pub id: Option<u64>,
    pub name: String,
}

impl Seed {
    /// No projects, just the default user.
    pub fn empty() -> Seed {
        Seed {
            users: vec![SeedUser {
                id: Some(1),
                name: "Demo User".into(),
                email: super::DEFAULT_USER.into(),
            }],
            ..Seed::default()
        }
    }

    /// Read a seed file.
    pub fn from_file(path: &Path) -> anyhow::Result<Seed> {
        use anyhow::Context;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read seed file {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid sandbox seed", path.display()))
    }

    /// Add a project (`suite_mode` 1 single suite, 3 multiple suites) and return it.
    pub fn project(&mut self, name: &str, suite_mode: u8) -> &mut SeedProject {
        self.projects.push(SeedProject {
            name: name.into(),
            suite_mode,
            ..SeedProject::default()
        });
        self.projects.last_mut().expect("just pushed")
    }

    /// Add a custom status with an explicit ID (6..=12).
    pub fn custom_status(&mut self, id: u64, name: &str) -> &mut Self {
        self.statuses.push(SeedStatus {
            id: Some(id),
            name: name.into(),
            label: None,
            is_final: false,
        });
        self
    }

    /// The default `get_case_fields` answer: an active automation-ID string field (trcli
    /// checks for it before matching by automation ID), and the separated-steps field of the
    /// "Test Case (Steps)" template (2) that step results belong to.
    pub fn default_case_fields() -> Vec<Value> {
        vec![
            json!({
                "id": 1, "is_active": true, "type_id": 1, "name": "automation_id",
                "system_name": "custom_automation_id", "label": "Automation ID",
                "description": "Identifies the automated test", "display_order": 1,
                "include_all": true, "template_ids": [],
                "configs": [{"id": 1, "context": {"is_global": true, "project_ids": null},
                             "options": {"is_required": false, "default_value": ""}}],
            }),
            json!({
                "id": 2, "is_active": true, "type_id": 10, "name": "steps_separated",
                "system_name": "custom_steps_separated", "label": "Steps",
                "description": null, "display_order": 2, "include_all": false, "template_ids": [2],
                "configs": [{"id": 2, "context": {"is_global": true, "project_ids": null},
                             "options": {"is_required": false, "format": "markdown",
                                         "has_expected": true, "rows": "5"}}],
            }),
        ]
    }

    /// The default `get_result_fields` answer: TestRail's Step Results field, as an instance with
    /// the "Test Case (Steps)" template has it.
    pub fn default_result_fields() -> Vec<Value> {
        vec![json!({
            "id": 1, "is_active": true, "type_id": 11, "name": "step_results",
            "system_name": "custom_step_results", "label": "Steps", "description": null, "display_order": 1,
            "include_all": false, "template_ids": [2],
            "configs": [{"id": 1, "context": {"is_global": true, "project_ids": null},
                         "options": {"is_required": false, "format": "markdown",
                                     "has_expected": false, "has_actual": true}}],
        })]
    }
}

impl SeedProject {
    /// Add a suite and return it.
    pub fn suite(&mut self, name: &str) -> &mut SeedSuite {
        self.suites.push(SeedSuite {
            name: name.into(),
            ..SeedSuite::default()
        });
        self.suites.last_mut().expect("just pushed")
    }

    /// Add a milestone.
    pub fn milestone(&mut self, name: &str) -> &mut Self {
        self.milestones.push(SeedMilestone {
            name: name.into(),
            ..SeedMilestone::default()
        });
        self
    }

    /// Add a configuration group with the given configurations.
    pub fn config_group(&mut self, name: &str, configs: &[&str]) -> &mut Self {
        let configs = configs
            .iter()
            .map(|c| SeedConfig {
                id: None,
                name: (*c).into(),
            })
            .collect();
        self.configs.push(SeedConfigGroup {
            id: None,
            name: name.into(),
            configs,
        });
        self
    }

    /// Add a run (an add_run body; `"is_completed": true` closes it).
    pub fn run(&mut self, body: Value) -> &mut Self {
        self.runs.push(body);
        self
    }

    /// Add a plan (an add_plan body with `entries`; `"is_completed": true` closes it).
    pub fn plan(&mut self, body: Value) -> &mut Self {
        self.plans.push(body);
        self
    }
}

impl SeedSuite {
    /// Add a top-level section and return it.
    pub fn section(&mut self, name: &str) -> &mut SeedSection {
        self.sections.push(SeedSection {
            name: name.into(),
            ..SeedSection::default()
        });
        self.sections.last_mut().expect("just pushed")
    }
}

impl SeedSection {
    /// Add a case with an optional automation ID.
    pub fn case(&mut self, title: &str, automation_id: Option<&str>) -> &mut Self {
        self.cases.push(SeedCase {
            title: title.into(),
            custom_automation_id: automation_id.map(str::to_owned),
            ..SeedCase::default()
        });
        self
    }

    /// Add `n` cases titled `<prefix> 1..n` with automation IDs `<prefix>.1..n`.
    pub fn cases(&mut self, n: usize, prefix: &str) -> &mut Self {
        for i in 1..=n {
            let auto = format!("{prefix}.{i}");
            self.case(&format!("{prefix} {i}"), Some(&auto));
        }
        self
    }

    /// Add a child section and return it.
    pub fn section(&mut self, name: &str) -> &mut SeedSection {
        self.sections.push(SeedSection {
            name: name.into(),
            ..SeedSection::default()
        });
        self.sections.last_mut().expect("just pushed")
    }
}
