//! Several suites in one report: without `--suite-id`, a multi-suite project's cases are sorted
//! by suite; one suite makes one run in it, several make one plan with an entry per suite.
//! (Moved here: a multi-suite project without `--suite-id` used to be a usage error.)

use std::path::Path;

use serde_json::{Value, json};
use testrail_report::sandbox::{Sandbox, SandboxOptions, Seed};

use crate::common::{calls, cmd, json_of, refuse_next, sandbox_with};

/// Demo project 1 (cases 1-12), and project 2 "Multi" with suites A (cases 13, 14) and
/// B (cases 15, 16).
fn multi() -> Sandbox {
    let mut seed = Seed::demo();
    let project = seed.project("Multi", 3);
    project.suite("A").section("S").cases(2, "a");
    project.suite("B").section("S").cases(2, "b");
    sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
}

fn submit(sb: &Sandbox, dir: &Path, cases: &str) -> assert_cmd::Command {
    std::fs::write(
        dir.join("r.xml"),
        format!("<testsuite name=\"s\">{cases}</testsuite>"),
    )
    .unwrap();
    let mut c = cmd(sb);
    c.current_dir(dir)
        .args(["submit", "r.xml", "--run-name", "Nightly"]);
    c
}

fn state_of(sb: &Sandbox, kind: &str, id: u64) -> Value {
    sb.state()[kind][id.to_string()].clone()
}

/// case ID → status of the run's tests.
fn statuses(sb: &Sandbox, run: u64) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = sb.state()["tests"]
        .as_object()
        .unwrap()
        .values()
        .filter(|t| t["run_id"] == run)
        .map(|t| {
            (
                t["case_id"].as_u64().unwrap(),
                t["status_id"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort_unstable();
    out
}

const BOTH: &str = "<testcase classname=\"a\" name=\"one_C13\"/>\
    <testcase classname=\"a\" name=\"two_C14\"><failure/></testcase>\
    <testcase classname=\"b\" name=\"three_C15\"/>";

#[test]
fn cases_in_two_suites_become_one_plan_with_an_entry_per_suite() {
    let sb = multi();
    let dir = tempfile::tempdir().unwrap();
    let s = json_of(submit(&sb, dir.path(), BOTH).args(["--project-id", "2", "--close-run"]));
    assert_eq!(s["results_posted"], 3);
    let plan_id = s["plan_id"].as_u64().unwrap();
    assert_eq!(s["plan_closed"], true);
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    let (a, b) = (
        runs[0]["run_id"].as_u64().unwrap(),
        runs[1]["run_id"].as_u64().unwrap(),
    );
    assert_eq!(
        (
            runs[0]["results_posted"].as_u64(),
            runs[1]["results_posted"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(statuses(&sb, a), [(13, 1), (14, 5)]);
    assert_eq!(statuses(&sb, b), [(15, 1)]);
    let plan = state_of(&sb, "plans", plan_id);
    assert_eq!(plan["name"], "Nightly");
    assert_eq!(plan["is_completed"], true);
    let suites: Vec<Value> = plan["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["suite_id"].clone())
        .collect();
    assert_eq!(suites, [json!(2), json!(3)]);
    for run in [a, b] {
        assert_eq!(state_of(&sb, "runs", run)["plan_id"], plan_id);
    }
    // The refused add_run wrote nothing; no standalone run was left behind.
    assert_eq!(calls(&sb, "add_run"), 1);
    assert_eq!(sb.state()["runs"].as_object().unwrap().len(), 2);
}

#[test]
fn cases_in_one_suite_of_a_multi_suite_project_make_one_run_there() {
    let sb = multi();
    let dir = tempfile::tempdir().unwrap();
    let s = json_of(
        submit(
            &sb,
            dir.path(),
            "<testcase classname=\"b\" name=\"x_C16\"/>",
        )
        .args(["--project-id", "2"]),
    );
    let run = state_of(&sb, "runs", s["run_id"].as_u64().unwrap());
    assert_eq!(
        (run["suite_id"].as_u64(), run["plan_id"].as_u64()),
        (Some(3), None)
    );
    assert!(s.get("runs").is_none() && s.get("plan_id").is_none(), "{s}");
    assert_eq!(calls(&sb, "add_plan"), 0);
}

#[test]
fn an_existing_plan_gets_an_entry_per_suite_and_closes_only_with_close_plan() {
    let sb = multi();
    let plan = crate::common::api(&sb, "add_plan/2", Some(json!({"name": "Release"}))).json();
    let plan_id = plan["id"].as_u64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = json_of(submit(&sb, dir.path(), BOTH).args(["--plan-id", &plan_id.to_string()]));
    assert_eq!(s["plan_id"], plan_id);
    assert_eq!(s["runs"].as_array().unwrap().len(), 2);
    assert!(s.get("plan_closed").is_none(), "{s}");
    assert_eq!(
        state_of(&sb, "plans", plan_id)["entries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(calls(&sb, "add_plan"), 1, "only the test's own");
    let s = json_of(submit(&sb, dir.path(), BOTH).args([
        "--plan-id",
        &plan_id.to_string(),
        "--close-plan",
    ]));
    assert_eq!(s["plan_closed"], true);
    assert_eq!(state_of(&sb, "plans", plan_id)["is_completed"], true);
}

#[test]
fn single_suite_projects_are_untouched() {
    let sb = multi();
    let dir = tempfile::tempdir().unwrap();
    let s = json_of(
        submit(&sb, dir.path(), "<testcase classname=\"a\" name=\"x_C1\"/>")
            .args(["--project-id", "1"]),
    );
    assert!(s.get("runs").is_none(), "{s}");
    assert_eq!(calls(&sb, "get_suites") + calls(&sb, "get_cases"), 0);
}

#[test]
fn a_suite_whose_results_fail_keeps_the_new_plan_open_and_names_its_resume_file() {
    let sb = multi();
    sb.set_faults(refuse_next("add_results_for_cases"));
    let dir = tempfile::tempdir().unwrap();
    let out = submit(&sb, dir.path(), BOTH)
        .args(["--project-id", "2", "--close-run", "--output", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(testrail_report::exit::PARTIAL),
        "{stderr}"
    );
    assert!(
        stderr.contains("suite S2") && stderr.contains("--resume"),
        "{stderr}"
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["results_posted"], 1, "suite B's result landed");
    assert_eq!(
        state_of(&sb, "plans", s["plan_id"].as_u64().unwrap())["is_completed"],
        false
    );
    let file = s["resume_file"].as_str().unwrap();
    let resumed = json_of(
        cmd(&sb)
            .current_dir(dir.path())
            .args(["submit", "--resume", file]),
    );
    assert_eq!(resumed["results_posted"], 2);
}
