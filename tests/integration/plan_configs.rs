//! `submit --plan-id P --config-ids …`: a submit's results belong to one configuration
//! combination, so at most one configuration per group; checked (`get_configs`) before any
//! write.

use serde_json::json;
use testrail_report::exit;
use testrail_report::sandbox::{Sandbox, SandboxOptions, Seed};

use crate::common::{api, cmd, json_of, posts, sandbox_with};

/// The demo project with configuration groups Browsers (1 Chrome, 2 Firefox) and OS (3 Linux),
/// and an empty plan.
fn with_plan() -> (Sandbox, u64) {
    let mut seed = Seed::demo();
    seed.projects[0].config_group("OS", &["Linux"]);
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let plan = api(&sb, "add_plan/1", Some(json!({"name": "Release"}))).json();
    (sb, plan["id"].as_u64().unwrap())
}

fn submit(sb: &Sandbox, dir: &std::path::Path, plan_id: u64, configs: &str) -> assert_cmd::Command {
    std::fs::write(
        dir.join("r.xml"),
        "<testsuite name=\"s\"><testcase classname=\"T\" name=\"a_C1\"/></testsuite>",
    )
    .unwrap();
    let mut c = cmd(sb);
    c.current_dir(dir).args([
        "submit",
        "r.xml",
        "--plan-id",
        &plan_id.to_string(),
        "--config-ids",
        configs,
    ]);
    c
}

#[test]
fn two_configurations_of_one_group_are_refused_before_any_write() {
    let (sb, plan_id) = with_plan();
    let dir = tempfile::tempdir().unwrap();
    let writes = posts(&sb).len();
    let out = submit(&sb, dir.path(), plan_id, "1,3,2").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::USAGE), "{stderr}");
    assert!(
        stderr.contains("1 \"Chrome\" and 2 \"Firefox\"")
            && stderr.contains("configuration group \"Browsers\""),
        "{stderr}"
    );
    let out = submit(&sb, dir.path(), plan_id, "1,42").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::USAGE), "{stderr}");
    assert!(
        stderr.contains("configuration 42 is not one of project 1's (known: 1, 2, 3)"),
        "{stderr}"
    );
    assert_eq!(posts(&sb).len(), writes, "nothing was written");
}

#[test]
fn one_configuration_per_group_makes_one_run_with_that_combination() {
    let (sb, plan_id) = with_plan();
    let dir = tempfile::tempdir().unwrap();
    let s = json_of(&mut submit(&sb, dir.path(), plan_id, "2,3"));
    assert_eq!(s["results_posted"], 1);
    let plan = api(&sb, &format!("get_plan/{plan_id}"), None).json();
    let runs = plan["entries"][0]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["config_ids"], json!([2, 3]));
    assert_eq!(runs[0]["id"], s["run_id"]);
}
