//! Test plans against the sandbox: `plan get|list|create|add-entry|close|delete`, and a
//! submit into a plan — `--close-run` refused before the first write, `--close-plan` closing
//! the plan only after every result landed, naming the runs other jobs still report into.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use testrail_report::exit;
use testrail_report::sandbox::{DropFault, Faults, Sandbox, SandboxOptions, Seed};

use crate::common::{calls, cmd, json_of, posts, refuse_next, sandbox_with};

/// The demo project with configuration groups Browsers (1 Chrome, 2 Firefox) and OS (3 Linux),
/// and plan 1 whose entry (run 1, Chrome) another job reports into.
fn fixture() -> Sandbox {
    let mut seed = Seed::demo();
    seed.projects[0].config_group("OS", &["Linux"]);
    seed.projects[0].plan(json!({
        "name": "Release 1.0 sign-off",
        "entries": [{"suite_id": 1, "name": "UI", "include_all": false, "case_ids": [1, 2, 5],
                     "config_ids": [1], "runs": [{"config_ids": [1]}]}],
    }));
    sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
}

fn report(dir: &Path) -> PathBuf {
    let path = dir.join("r.xml");
    std::fs::write(
        &path,
        "<testsuite name=\"s\">\
         <testcase classname=\"pkg.T\" name=\"a_C1\"/>\
         <testcase classname=\"pkg.T\" name=\"b_C2\"><failure message=\"no\"/></testcase>\
         </testsuite>",
    )
    .unwrap();
    path
}

fn plan(sb: &Sandbox, id: u64) -> Option<Value> {
    sb.state()["plans"][id.to_string()]
        .as_object()
        .map(|o| Value::Object(o.clone()))
}

fn run(sb: &Sandbox, id: u64) -> Option<Value> {
    sb.state()["runs"][id.to_string()]
        .as_object()
        .map(|o| Value::Object(o.clone()))
}

/// Run expecting exit `code`; its stderr.
fn fails(c: &mut assert_cmd::Command, code: i32) -> String {
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

fn submit(sb: &Sandbox, dir: &Path) -> assert_cmd::Command {
    let mut c = cmd(sb);
    c.current_dir(dir).arg("submit").arg(report(dir));
    c
}

#[test]
fn close_run_with_plan_id_is_a_usage_error_before_any_write() {
    let sb = fixture();
    let dir = tempfile::tempdir().unwrap();
    let stderr = fails(
        submit(&sb, dir.path()).args(["--plan-id", "1", "--close-run"]),
        exit::USAGE,
    );
    assert!(
        stderr.contains("--close-plan") && stderr.contains("plan close 1"),
        "{stderr}"
    );
    assert!(posts(&sb).is_empty(), "{:?}", posts(&sb));
}

#[test]
fn close_run_on_a_plan_run_is_refused_before_posting() {
    let sb = fixture();
    let dir = tempfile::tempdir().unwrap();
    // Run 1 is the plan's Chrome run; it holds cases 1 and 2 already.
    let stderr = fails(
        submit(&sb, dir.path()).args(["--run-id", "1", "--close-run"]),
        exit::USAGE,
    );
    assert!(stderr.contains("belongs to test plan 1"), "{stderr}");
    assert!(posts(&sb).is_empty(), "{:?}", posts(&sb));
}

#[test]
fn close_plan_needs_a_plan() {
    let sb = fixture();
    let dir = tempfile::tempdir().unwrap();
    let stderr = fails(
        submit(&sb, dir.path()).args(["--project-id", "1", "--close-plan"]),
        exit::USAGE,
    );
    assert!(stderr.contains("--plan-id"), "{stderr}");
    assert!(posts(&sb).is_empty());
}

#[test]
fn close_plan_closes_after_every_result_and_names_the_other_runs() {
    let sb = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = submit(&sb, dir.path())
        .args(["--plan-id", "1", "--suite-id", "1", "--run-name", "API"])
        .args(["--close-plan", "--output", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["plan_id"].as_u64(), s["plan_closed"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(
        s["closed"], false,
        "the run closes with its plan, not by close_run"
    );
    assert!(
        stderr.contains("Closing plan 1") && stderr.contains("not reported by this job: R1"),
        "{stderr}"
    );
    assert_eq!(
        posts(&sb),
        ["add_plan_entry", "add_results_for_cases", "close_plan"]
    );
    assert_eq!(plan(&sb, 1).unwrap()["is_completed"], true);
    let ours = s["run_id"].as_u64().unwrap();
    for id in [1, ours] {
        assert_eq!(run(&sb, id).unwrap()["is_completed"], true, "run {id}");
    }
}

#[test]
fn without_close_plan_the_plan_stays_open() {
    let sb = fixture();
    let dir = tempfile::tempdir().unwrap();
    let s = json_of(submit(&sb, dir.path()).args(["--plan-id", "1", "--suite-id", "1"]));
    assert_eq!(s["plan_id"], 1);
    assert!(s.get("plan_closed").is_none(), "{s}");
    assert_eq!(plan(&sb, 1).unwrap()["is_completed"], false);
    assert_eq!(calls(&sb, "close_plan"), 0);
}

#[test]
fn create_add_entries_get_close_and_delete_a_plan() {
    let sb = fixture();
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("plan.env");
    let created = json_of(
        cmd(&sb)
            .args(["plan", "create", "--project-id", "1", "--name", "Nightly"])
            .args(["--milestone-id", "1", "--dotenv"])
            .arg(&dotenv),
    );
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["milestone_id"], 1);
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!("TESTRAIL_PLAN_ID={id}\n")
    );

    // Chrome and Firefox (Browsers) × Linux (OS): one run per combination.
    let entry = json_of(
        cmd(&sb)
            .args(["plan", "add-entry", &id.to_string(), "--suite-id", "1"])
            .args([
                "--name",
                "Smoke",
                "--case-ids",
                "C1,2",
                "--config-ids",
                "1,2,3",
            ]),
    );
    let configs: Vec<Value> = entry["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["config_ids"].clone())
        .collect();
    assert_eq!(configs, [json!([1, 3]), json!([2, 3])]);
    let plain = json_of(
        cmd(&sb)
            .args(["plan", "add-entry", &id.to_string(), "--suite-id", "1"])
            .arg("--include-all"),
    );
    assert_eq!(plain["runs"].as_array().unwrap().len(), 1);

    let shown = json_of(cmd(&sb).args(["plan", "get", &id.to_string()]));
    assert_eq!(shown["entries"].as_array().unwrap().len(), 2);
    let text = cmd(&sb)
        .args(["plan", "get", &id.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Entry \"Smoke\"") && text.contains("[Chrome, Linux]"),
        "{text}"
    );

    let closed = json_of(cmd(&sb).args(["plan", "close", &id.to_string()]));
    assert_eq!(closed["is_completed"], true);
    // TestRail's own refusals for a closed plan.
    let stderr = fails(
        cmd(&sb).args([
            "plan",
            "add-entry",
            &id.to_string(),
            "--suite-id",
            "1",
            "--include-all",
        ]),
        exit::REJECTED,
    );
    assert!(
        stderr.contains("The test plan is already completed."),
        "{stderr}"
    );
    let stderr = fails(
        cmd(&sb).args(["plan", "close", &id.to_string()]),
        exit::SUCCESS,
    );
    assert!(stderr.contains("closed already"), "{stderr}");

    let runs: Vec<u64> = shown["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["runs"].as_array().unwrap().iter())
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    let stderr = fails(
        cmd(&sb).args(["plan", "delete", &id.to_string()]),
        exit::USAGE,
    );
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(plan(&sb, id).is_some());
    json_of(cmd(&sb).args(["plan", "delete", &id.to_string(), "--yes"]));
    assert!(plan(&sb, id).is_none());
    assert!(runs.iter().all(|r| run(&sb, *r).is_none()), "{runs:?}");
}

#[test]
fn add_entry_refuses_configurations_the_project_does_not_have() {
    let sb = fixture();
    let stderr = fails(
        cmd(&sb)
            .args(["plan", "add-entry", "1", "--suite-id", "1", "--include-all"])
            .args(["--config-ids", "1,99"]),
        exit::USAGE,
    );
    assert!(stderr.contains("configuration 99"), "{stderr}");
    assert_eq!(calls(&sb, "add_plan_entry"), 0);
}

#[test]
fn list_filters_and_pages_like_run_list() {
    let mut seed = Seed::demo();
    for i in 0..260 {
        seed.projects[0].plan(json!({ "name": format!("P{i}") }));
    }
    seed.projects[0].plan(json!({ "name": "done", "milestone_id": 1, "is_completed": true }));
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let all = json_of(cmd(&sb).args(["plan", "list", "--project-id", "1"]));
    assert_eq!(all.as_array().unwrap().len(), 261);
    assert_eq!(all[0]["name"], "done", "newest first");
    assert!(
        all[0].get("entries").is_none(),
        "get_plans lists no entries"
    );
    let pages: Vec<String> = sb
        .requests()
        .iter()
        .filter(|r| r.api_method.as_deref() == Some("get_plans"))
        .map(|r| r.path.clone())
        .collect();
    assert!(
        pages.len() == 2 && pages[1].contains("offset=250"),
        "{pages:?}"
    );

    let page = json_of(cmd(&sb).args(["plan", "list", "--project-id", "1", "--limit", "2"]));
    let page = json_of(cmd(&sb).args([
        "plan",
        "list",
        "--project-id",
        "1",
        "--offset",
        "1",
        "--limit",
        "2",
    ]))
    .as_array()
    .unwrap()
    .iter()
    .map(|p| p["name"].clone())
    .chain(page.as_array().unwrap().iter().map(|p| p["name"].clone()))
    .collect::<Vec<_>>();
    assert_eq!(
        page,
        [json!("P259"), json!("P258"), json!("done"), json!("P259")]
    );
    let done = json_of(cmd(&sb).args([
        "plan",
        "list",
        "--project-id",
        "1",
        "--is-completed",
        "true",
    ]));
    assert_eq!(done.as_array().unwrap().len(), 1);
    let by_milestone =
        json_of(cmd(&sb).args(["plan", "list", "--project-id", "1", "--milestone-id", "1"]));
    assert_eq!(by_milestone[0]["name"], "done");
    let text = cmd(&sb)
        .args(["plan", "list", "--project-id", "1", "--is-completed", "0"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("260 plan(s)"));
    let none = json_of(cmd(&sb).args([
        "plan",
        "list",
        "--project-id",
        "1",
        "--created-after",
        "2999-01-01T00:00:00Z",
    ]));
    assert_eq!(none, json!([]));
}

#[test]
fn a_partial_failure_leaves_the_plan_open_and_resume_closes_it() {
    let sb = fixture();
    sb.set_faults(refuse_next("add_results_for_cases"));
    let dir = tempfile::tempdir().unwrap();
    let unsent = dir.path().join("unsent.json");
    fails(
        submit(&sb, dir.path())
            .args(["--plan-id", "1", "--suite-id", "1", "--close-plan"])
            .args([
                "--batch-size",
                "1",
                "--parallel-batches",
                "1",
                "--unsent-file",
            ])
            .arg(&unsent),
        exit::PARTIAL,
    );
    assert_eq!(plan(&sb, 1).unwrap()["is_completed"], false);
    assert_eq!(calls(&sb, "close_plan"), 0);

    let resumed = json_of(cmd(&sb).arg("submit").arg("--resume").arg(&unsent));
    assert_eq!(resumed["results_posted"], 1);
    assert_eq!(
        (
            resumed["plan_id"].as_u64(),
            resumed["plan_closed"].as_bool()
        ),
        (Some(1), Some(true))
    );
    assert_eq!(plan(&sb, 1).unwrap()["is_completed"], true);
    assert!(
        !unsent.exists(),
        "the resume file is removed after a complete success"
    );
    assert_eq!(calls(&sb, "close_plan"), 1);
}

#[test]
fn lost_answers_to_plan_writes_are_checked_never_sent_twice() {
    let sb = fixture();
    let drop = |method: &str| Faults {
        drops: vec![DropFault {
            method: Some(method.into()),
            next: 1,
        }],
        ..Faults::default()
    };
    sb.set_faults(drop("add_plan"));
    let created = json_of(cmd(&sb).args(["plan", "create", "--project-id", "1", "--name", "N"]));
    assert_eq!(calls(&sb, "add_plan"), 1);
    let id = created["id"].as_u64().unwrap();

    sb.set_faults(drop("add_plan_entry"));
    let dir = tempfile::tempdir().unwrap();
    let out = submit(&sb, dir.path())
        .args([
            "--plan-id",
            &id.to_string(),
            "--suite-id",
            "1",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("the entry was added; using it"),
        "{stderr}"
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(calls(&sb, "add_plan_entry"), 1);
    assert_eq!(
        plan(&sb, id).unwrap()["entries"].as_array().unwrap().len(),
        1
    );
    assert_eq!(s["results_posted"], 2);

    sb.set_faults(drop("close_plan"));
    json_of(cmd(&sb).args(["plan", "close", &id.to_string()]));
    assert_eq!(calls(&sb, "close_plan"), 1);
    assert_eq!(plan(&sb, id).unwrap()["is_completed"], true);

    sb.set_faults(drop("delete_plan"));
    json_of(cmd(&sb).args(["plan", "delete", &id.to_string(), "--yes"]));
    assert_eq!(calls(&sb, "delete_plan"), 1);
    assert!(plan(&sb, id).is_none());
}
