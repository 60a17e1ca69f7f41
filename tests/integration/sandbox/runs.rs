//! Run semantics: include_all, selections, update_run replacing cases, closing, plans,
//! delete_run, get_runs filters and paging.

use super::{assert_error, objects, run_with, tests_of};
use crate::common::{api, sandbox, sandbox_with};
use serde_json::json;
use testrail_report::sandbox::{SandboxOptions, Seed};

const COMPLETED: &str = "This operation is not allowed. The test run is already completed.";

#[test]
fn add_run_includes_every_case_by_default() {
    let sb = sandbox();
    let run = api(&sb, "add_run/1", Some(json!({}))).json();
    assert_eq!(run["id"], 1);
    assert_eq!(run["name"], "Master");
    assert_eq!(run["include_all"], true);
    assert_eq!(run["untested_count"], 12);
    assert_eq!(run["is_completed"], false);
    assert_eq!(
        run["url"],
        format!("{}index.php?/runs/view/1", sb.base_url())
    );
    assert_eq!(tests_of(&sb, 1).len(), 12);
}

#[test]
fn include_all_false_selects_exactly_the_cases_once_each() {
    let sb = sandbox();
    let body = json!({"name": "CI", "include_all": false, "case_ids": [3, "1", 3, 7]});
    let run = api(&sb, "add_run/1", Some(body)).json();
    assert_eq!(run["untested_count"], 3);
    assert_eq!(tests_of(&sb, 1), [(1, 3), (3, 3), (7, 3)]);
    let empty = api(
        &sb,
        "add_run/1",
        Some(json!({"include_all": false, "case_ids": []})),
    );
    assert_eq!(empty.json()["untested_count"], 0);
    let unknown = json!({"include_all": false, "case_ids": [1, 99]});
    assert_error(
        &api(&sb, "add_run/1", Some(unknown)),
        400,
        "Field :case_ids contains unrecognized case IDs.",
    );
    let long = json!({"name": "x".repeat(251)});
    assert_error(
        &api(&sb, "add_run/1", Some(long)),
        400,
        "Field :name is too long (250 characters at most).",
    );
    let milestone = json!({"milestone_id": 9});
    assert_error(
        &api(&sb, "add_run/1", Some(milestone)),
        400,
        "Field :milestone_id is not a valid milestone.",
    );
}

#[test]
fn update_run_replaces_the_selection_and_removed_results_disappear() {
    let sb = sandbox();
    let run = run_with(&sb, &[1, 2]);
    let results =
        json!({"results": [{"case_id": 1, "status_id": 1}, {"case_id": 2, "status_id": 5}]});
    assert_eq!(
        api(&sb, &format!("add_results_for_cases/{run}"), Some(results)).status,
        200
    );
    // Like a second shard that only knows its own cases: case 2 and its result vanish.
    let update = json!({"include_all": false, "case_ids": [1, 3]});
    let updated = api(&sb, &format!("update_run/{run}"), Some(update)).json();
    assert_eq!(updated["passed_count"], 1);
    assert_eq!(updated["failed_count"], 0);
    assert_eq!(updated["untested_count"], 1);
    assert_eq!(tests_of(&sb, run), [(1, 1), (3, 3)]);
    let left = api(&sb, &format!("get_results_for_run/{run}"), None).json();
    assert_eq!(left["size"], 1);
    assert_eq!(left["results"][0]["status_id"], 1);
    let renamed = api(
        &sb,
        &format!("update_run/{run}"),
        Some(json!({"name": "renamed"})),
    );
    assert_eq!(renamed.json()["name"], "renamed");
    assert_eq!(
        tests_of(&sb, run).len(),
        2,
        "no case_ids: selection unchanged"
    );
}

#[test]
fn closed_runs_refuse_writes_but_still_read() {
    let sb = sandbox();
    let run = run_with(&sb, &[1]);
    let closed = api(&sb, &format!("close_run/{run}"), Some(json!({}))).json();
    assert_eq!(closed["is_completed"], true);
    assert!(closed["completed_on"].as_i64().unwrap() > 0);
    let result = json!({"results": [{"case_id": 1, "status_id": 1}]});
    let writes = [
        (format!("add_results_for_cases/{run}"), result),
        (
            format!("add_result_for_case/{run}/1"),
            json!({"status_id": 1}),
        ),
        (format!("update_run/{run}"), json!({"name": "n"})),
        (format!("close_run/{run}"), json!({})),
    ];
    for (call, body) in writes {
        assert_error(&api(&sb, &call, Some(body)), 403, COMPLETED);
    }
    assert_eq!(api(&sb, &format!("get_run/{run}"), None).status, 200);
    assert_eq!(
        api(&sb, &format!("get_tests/{run}"), None).json()["size"],
        1
    );
}

#[test]
fn plan_runs_cannot_be_edited_closed_or_deleted_on_their_own() {
    let mut seed = Seed::demo();
    seed.projects[0].plan(json!({
        "name": "Release", "entries": [{"suite_id": 1, "include_all": false, "case_ids": [1, 2],
        "config_ids": [1, 2], "runs": [{"config_ids": [1]}, {"config_ids": [2]}]}]
    }));
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let plan = api(&sb, "get_plan/1", None).json();
    let runs = plan["entries"][0]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["config"], "Chrome");
    assert_eq!(plan["untested_count"], 4);
    let run = runs[0]["id"].as_u64().unwrap();
    assert_eq!(runs[0]["plan_id"], 1);
    let edit =
        "Field :run_id is part of a test run. Please use API endpoints for test plan entries.";
    assert_error(
        &api(
            &sb,
            &format!("update_run/{run}"),
            Some(json!({"name": "x"})),
        ),
        403,
        edit,
    );
    assert_error(
        &api(&sb, &format!("delete_run/{run}"), Some(json!({}))),
        403,
        edit,
    );
    assert_error(
        &api(&sb, &format!("close_run/{run}"), Some(json!({}))),
        403,
        "This operation is not allowed. The test run belongs to a test plan and cannot be closed independently.",
    );
    // Results still go to plan runs, and get_runs lists only standalone runs.
    let result = json!({"results": [{"case_id": 2, "status_id": 1}]});
    assert_eq!(
        api(&sb, &format!("add_results_for_cases/{run}"), Some(result)).status,
        200
    );
    assert_eq!(api(&sb, "get_runs/1", None).json()["size"], 0);
    let with_plans = api(&sb, "get_runs/1&include_plan_runs=1", None).json();
    assert_eq!(with_plans["size"], 2);
    let entry = json!({"suite_id": 1, "include_all": false, "case_ids": [5]});
    let added = api(&sb, "add_plan_entry/1", Some(entry)).json();
    assert_eq!(added["runs"][0]["untested_count"], 1);
    let closed = api(&sb, "close_plan/1", Some(json!({}))).json();
    assert_eq!(closed["is_completed"], true);
    assert_eq!(closed["entries"][1]["runs"][0]["is_completed"], true);
}

#[test]
fn delete_run_soft_only_counts_and_real_delete_answers_an_empty_200() {
    let sb = sandbox();
    let run = run_with(&sb, &[1, 2]);
    let result = json!({"results": [{"case_id": 1, "status_id": 1}]});
    api(&sb, &format!("add_results_for_cases/{run}"), Some(result));
    let soft_url = api(&sb, &format!("delete_run/{run}&soft=1"), Some(json!({})));
    assert_eq!(soft_url.json(), json!({"tests": 2, "results": 1}));
    let soft_body = api(&sb, &format!("delete_run/{run}"), Some(json!({"soft": 1})));
    assert_eq!(soft_body.json(), json!({"tests": 2, "results": 1}));
    assert_eq!(api(&sb, &format!("get_run/{run}"), None).status, 200);
    let gone = api(&sb, &format!("delete_run/{run}"), Some(json!({})));
    assert_eq!((gone.status, gone.body.as_str()), (200, ""));
    assert_error(
        &api(&sb, &format!("get_run/{run}"), None),
        400,
        "Field :run is not a valid test run.",
    );
    let state = sb.state();
    assert_eq!(objects(&state, "tests").count(), 0);
    assert_eq!(objects(&state, "results").count(), 0);
}

#[test]
fn get_runs_filters_newest_first_and_pages_with_filters_in_next() {
    let mut seed = Seed::demo();
    let project = &mut seed.projects[0];
    for i in 0..255 {
        project.run(json!({"name": format!("r{i}"), "include_all": false, "case_ids": [1]}));
    }
    project.run(
        json!({"name": "closed", "milestone_id": 1, "refs": "JIRA-1,JIRA-2",
        "include_all": false, "case_ids": [1], "is_completed": true}),
    );
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let first = api(&sb, "get_runs/1&suite_id=1", None).json();
    assert_eq!(first["size"], 250);
    assert_eq!(first["runs"][0]["name"], "closed", "newest first");
    assert_eq!(
        first["_links"]["next"],
        "/api/v2/get_runs/1&suite_id=1&limit=250&offset=250"
    );
    let second = api(&sb, "get_runs/1&suite_id=1&limit=250&offset=250", None).json();
    assert_eq!(second["size"], 6);
    assert_eq!(second["runs"][5]["name"], "r0");
    let only =
        |filter: &str| api(&sb, &format!("get_runs/1&{filter}"), None).json()["size"].clone();
    assert_eq!(only("is_completed=1"), 1);
    assert_eq!(only("is_completed=0&limit=5"), 5);
    assert_eq!(only("milestone_id=1"), 1);
    assert_eq!(only("refs_filter=JIRA-2"), 1);
    assert_eq!(only("created_by=2"), 0);
    assert_eq!(only("created_after=4102444800"), 0);
    assert_eq!(only("suite_id=2"), 0);
}

#[test]
fn update_plan_entry_replaces_the_selection_of_every_run_in_the_entry() {
    let sb = sandbox();
    let body = json!({"name": "P", "entries": [{"suite_id": 1, "include_all": false,
        "case_ids": [1, 2], "runs": [{"config_ids": [1]}, {"config_ids": [2]}]}]});
    let plan = api(&sb, "add_plan/1", Some(body)).json();
    let entry = plan["entries"][0]["id"].as_str().unwrap().to_owned();
    let runs: Vec<u64> = plan["entries"][0]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    let result = json!({"results": [{"case_id": 2, "status_id": 5}]});
    api(
        &sb,
        &format!("add_results_for_cases/{}", runs[0]),
        Some(result),
    );
    let update = json!({"include_all": false, "case_ids": [2, 3], "name": "P2"});
    let updated = api(&sb, &format!("update_plan_entry/1/{entry}"), Some(update)).json();
    assert_eq!(updated["name"], "P2");
    assert_eq!(
        tests_of(&sb, runs[0]),
        [(2, 5), (3, 3)],
        "case 2 keeps its result"
    );
    assert_eq!(tests_of(&sb, runs[1]), [(2, 3), (3, 3)]);
    let unknown = api(&sb, "update_plan_entry/1/nope", Some(json!({"name": "x"})));
    assert_error(
        &unknown,
        400,
        "Field :entry_id is not a valid test plan entry.",
    );
}
