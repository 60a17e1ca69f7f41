//! How entities look on the wire: TestRail's JSON objects, with `url` fields derived from the
//! sandbox's own base URL (`<base>index.php?/runs/view/<id>`) and run counters computed from
//! the current status of each test.

use super::store::{Case, ConfigGroup, Milestone, Plan, Project, Run, Section, Store, Suite};
use super::store::{Status, Test, TestResult, User};
use serde_json::{Value, json};

/// Counter fields of a run or plan, by status ID (TestRail has seven custom counters).
const COUNTERS: [(u64, &str); 12] = [
    (1, "passed_count"),
    (2, "blocked_count"),
    (3, "untested_count"),
    (4, "retest_count"),
    (5, "failed_count"),
    (6, "custom_status1_count"),
    (7, "custom_status2_count"),
    (8, "custom_status3_count"),
    (9, "custom_status4_count"),
    (10, "custom_status5_count"),
    (11, "custom_status6_count"),
    (12, "custom_status7_count"),
];

/// A UI link for an entity: `<base>index.php?/<page>/<id>`.
pub fn ui_url(base: &str, page: &str, id: u64) -> String {
    format!("{base}index.php?/{page}/{id}")
}

/// Add the `*_count` fields for the given test statuses to a JSON object.
fn put_counters(obj: &mut Value, statuses: impl Iterator<Item = u64>) {
    let mut counts = [0u64; 12];
    for status in statuses {
        if let Some(slot) = COUNTERS.iter().position(|(id, _)| *id == status) {
            counts[slot] += 1;
        }
    }
    for ((_, name), count) in COUNTERS.iter().zip(counts) {
        obj[*name] = json!(count);
    }
}

/// A run in get_run format.
pub fn run(store: &Store, base: &str, run: &Run) -> Value {
    let mut obj = json!({
        "id": run.id, "suite_id": run.suite_id, "name": run.name,
        "description": run.description, "milestone_id": run.milestone_id,
        "assignedto_id": run.assignedto_id, "include_all": run.include_all,
        "is_completed": run.is_completed, "completed_on": run.completed_on,
        "config": run.config, "config_ids": run.config_ids,
        "project_id": run.project_id, "plan_id": run.plan_id,
        "created_on": run.created_on, "created_by": run.created_by,
        "updated_on": run.updated_on, "refs": run.refs,
        "start_on": run.start_on, "due_on": run.due_on, "dataset_id": null,
        "url": ui_url(base, "runs/view", run.id),
    });
    if run.plan_id.is_some() {
        obj["entry_id"] = json!(run.entry_id);
        obj["entry_index"] = json!(run.entry_index);
    }
    put_counters(&mut obj, store.tests_of_run(run.id).map(|t| t.status_id));
    obj
}

/// A test in get_test format: the run's view of a case.
pub fn test(store: &Store, test: &Test) -> Value {
    let case = store.cases.get(&test.case_id);
    let mut obj = json!({
        "id": test.id, "case_id": test.case_id, "run_id": test.run_id,
        "status_id": test.status_id, "assignedto_id": test.assignedto_id,
        "title": case.map(|c| c.title.clone()),
        "template_id": 1, "type_id": 7, "priority_id": 2,
        "estimate": null, "estimate_forecast": null,
        "refs": case.and_then(|c| c.refs.clone()), "milestone_id": null,
        "custom_automation_id": case.and_then(|c| c.custom_automation_id.clone()),
    });
    if let Some(case) = case {
        merge(&mut obj, &case.extra);
    }
    obj
}

/// A result in get_results format.
pub fn result(result: &TestResult) -> Value {
    let mut obj = json!({
        "id": result.id, "test_id": result.test_id, "status_id": result.status_id,
        "created_on": result.created_on, "created_by": result.created_by,
        "assignedto_id": result.assignedto_id, "comment": result.comment,
        "version": result.version, "elapsed": result.elapsed, "defects": result.defects,
        "attachment_ids": result.attachment_ids,
    });
    merge(&mut obj, &result.extra);
    obj
}

/// A case in get_case format.
pub fn case(case: &Case) -> Value {
    let mut obj = json!({
        "id": case.id, "title": case.title, "section_id": case.section_id,
        "template_id": 1, "type_id": 7, "priority_id": 2, "milestone_id": null,
        "refs": case.refs, "created_by": case.created_by, "created_on": case.created_on,
        "updated_by": case.created_by, "updated_on": case.created_on,
        "estimate": null, "estimate_forecast": null, "suite_id": case.suite_id,
        "display_order": case.id, "is_deleted": 0,
        "custom_automation_id": case.custom_automation_id,
    });
    merge(&mut obj, &case.extra);
    obj
}

/// A section in get_section format.
pub fn section(section: &Section) -> Value {
    json!({
        "id": section.id, "suite_id": section.suite_id, "name": section.name,
        "description": section.description, "parent_id": section.parent_id,
        "display_order": section.display_order, "depth": section.depth,
    })
}

/// A suite in get_suite format.
pub fn suite(base: &str, suite: &Suite) -> Value {
    json!({
        "id": suite.id, "name": suite.name, "description": suite.description,
        "project_id": suite.project_id, "is_master": false, "is_baseline": false,
        "is_completed": false, "completed_on": null,
        "url": ui_url(base, "suites/view", suite.id),
    })
}

/// A project in get_project format.
pub fn project(base: &str, project: &Project) -> Value {
    json!({
        "id": project.id, "name": project.name, "announcement": project.announcement,
        "show_announcement": false, "is_completed": project.is_completed,
        "completed_on": null, "suite_mode": project.suite_mode,
        "default_role_id": null, "users": [], "groups": [],
        "url": ui_url(base, "projects/overview", project.id),
    })
}

/// A user in get_user format.
pub fn user(user: &User) -> Value {
    json!({
        "id": user.id, "name": user.name, "email": user.email,
        "is_active": user.is_active, "role_id": 1, "role": "Lead",
    })
}

/// A status in get_statuses format.
pub fn status(status: &Status) -> Value {
    json!({
        "id": status.id, "name": status.name, "label": status.label,
        "color_dark": 0, "color_medium": 0, "color_bright": 0,
        "is_system": status.is_system, "is_untested": status.is_untested,
        "is_final": status.is_final,
    })
}

/// A milestone in get_milestone format.
pub fn milestone(base: &str, milestone: &Milestone) -> Value {
    json!({
        "id": milestone.id, "name": milestone.name, "description": null,
        "project_id": milestone.project_id, "due_on": null, "start_on": null,
        "started_on": null, "is_completed": milestone.is_completed, "is_started": false,
        "completed_on": null, "parent_id": null, "refs": null, "milestones": [],
        "url": ui_url(base, "milestones/view", milestone.id),
    })
}

/// A configuration group in get_configs format.
pub fn config_group(group: &ConfigGroup) -> Value {
    let configs: Vec<Value> = group
        .configs
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name, "group_id": group.id}))
        .collect();
    json!({"id": group.id, "name": group.name, "project_id": group.project_id, "configs": configs})
}

/// A plan in get_plan format: entries with their runs, counters summed over all runs.
pub fn plan(store: &Store, base: &str, plan: &Plan) -> Value {
    let entries: Vec<Value> = plan
        .entries
        .iter()
        .map(|entry| {
            let runs: Vec<Value> = entry
                .run_ids
                .iter()
                .filter_map(|id| store.runs.get(id))
                .map(|r| run(store, base, r))
                .collect();
            json!({
                "id": entry.id, "suite_id": entry.suite_id, "name": entry.name,
                "description": entry.description, "include_all": entry.include_all,
                "refs": entry.refs, "runs": runs,
            })
        })
        .collect();
    let mut obj = json!({
        "id": plan.id, "name": plan.name, "description": plan.description,
        "milestone_id": plan.milestone_id, "assignedto_id": null,
        "is_completed": plan.is_completed, "completed_on": plan.completed_on,
        "project_id": plan.project_id, "created_on": plan.created_on,
        "created_by": plan.created_by, "refs": null,
        "url": ui_url(base, "plans/view", plan.id), "entries": entries,
    });
    let run_ids: Vec<u64> = plan
        .entries
        .iter()
        .flat_map(|e| e.run_ids.clone())
        .collect();
    let statuses = store
        .tests
        .values()
        .filter(|t| run_ids.contains(&t.run_id))
        .map(|t| t.status_id);
    put_counters(&mut obj, statuses);
    obj
}

/// Copy extra (custom) fields into a rendered object.
fn merge(obj: &mut Value, extra: &serde_json::Map<String, Value>) {
    for (key, value) in extra {
        obj[key.as_str()] = value.clone();
    }
}
