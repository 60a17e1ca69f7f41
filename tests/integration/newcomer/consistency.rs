//! Point 7: IDs accepted as the tool prints them (`R1`, `C12`, `P3`), one exit code for one
//! mistake, run counts that add up with custom statuses, and failures as JSON for scripts.

use serde_json::Value;

use super::*;
use crate::common::{api, json_of, multi_suite};

#[test]
fn run_ids_are_taken_as_the_tool_prints_them() {
    let sb = sandbox();
    let out = cmd(&sb)
        .args(["run", "create", "--project-id", "1", "--name", "r"])
        .args(["--case-ids", "C1,C2"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let id: u64 = text
        .strip_prefix("Created run R")
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    let run = json_of(cmd(&sb).args(["run", "get", &format!("R{id}")]));
    assert_eq!(run["id"], id);
    let run = json_of(
        cmd(&sb)
            .env("TESTRAIL_RUN_ID", format!("r{id}"))
            .args(["run", "get"]),
    );
    assert_eq!(run["id"], id);

    let dir = tempfile::tempdir().unwrap();
    let report = junit(dir.path(), &["a_C1"]);
    let s = json_of(
        cmd(&sb)
            .current_dir(dir.path())
            .args(["submit", "--run-id", &format!("R{id}")])
            .arg(&report),
    );
    assert_eq!(s["run_id"], id);

    let plan = api(&sb, "add_plan/1", Some(serde_json::json!({"name": "p"}))).json();
    let s = json_of(
        cmd(&sb)
            .current_dir(dir.path())
            .args(["submit", "--plan-id", &format!("P{}", plan["id"])])
            .arg(&report),
    );
    assert!(s["run_id"].as_u64().unwrap() > id, "{s}");
    let shown = json_of(cmd(&sb).args(["plan", "get", &format!("P{}", plan["id"])]));
    assert_eq!(shown["id"], plan["id"]);
    let out = cmd(&sb)
        .args(["rerun", "--format", "names", "--run-id", &format!("R{id}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let out = cmd(&sb).args(["run", "close", "C1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"C1\" is not a run ID"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_multi_suite_project_without_suite_id_is_a_usage_error_for_run_create() {
    let sb = sandbox_with(multi_suite());
    let out = cmd(&sb)
        .args(["run", "create", "--project-id", "2", "--include-all"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--suite-id / TESTRAIL_SUITE_ID"), "{err}");
    assert_eq!(sb.state()["runs"].as_object().map_or(0, |m| m.len()), 0);
    // `submit` needs no suite there: it finds the case's suite and makes the run in it.
    let out = cmd(&sb)
        .args(["submit", "--project-id", "2", "--case-matcher", "name"])
        .arg(junit(tempfile::tempdir().unwrap().path(), &["a_C13"]))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sb.state()["runs"].as_object().map_or(0, |m| m.len()), 1);
}

#[test]
fn run_get_counts_add_up_with_custom_statuses() {
    let sb = sandbox(); // the demo seed has a custom "skipped" status
    let dir = tempfile::tempdir().unwrap();
    let report = junit(dir.path(), &["a_C1", "b_C2", "skip:c_C3", "skip:d_C4"]);
    let s = json_of(
        cmd(&sb)
            .current_dir(dir.path())
            .args(["submit", "--project-id", "1"])
            .arg(&report),
    );
    let id = s["run_id"].as_u64().unwrap();
    let out = cmd(&sb)
        .args(["run", "get", &format!("R{id}")])
        .output()
        .unwrap();
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("tests "))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(line.trim(), "tests 4: passed 2, skipped 2", "{text}");
    let (total, parts) = line.trim()["tests ".len()..].split_once(": ").unwrap();
    let sum: u64 = parts
        .split(", ")
        .map(|p| p.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total.parse::<u64>().unwrap(), sum);
}

fn error_document(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

#[test]
fn with_output_json_a_failure_prints_an_error_document() {
    let sb = sandbox();
    // TestRail refuses: exit 4.
    let out = cmd(&sb)
        .args(["run", "get", "999", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let doc = error_document(&out);
    assert_eq!(doc["exit_code"], 4);
    assert_eq!(doc["error"]["kind"], "rejected");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("get_run/999"),
        "{doc}"
    );
    // A missing setting, found before any request: exit 2.
    let out = bare_cmd()
        .env("TESTRAIL_OUTPUT", "json")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    let doc = error_document(&out);
    assert_eq!(
        (doc["exit_code"].as_i64(), doc["error"]["kind"].as_str()),
        (Some(2), Some("usage"))
    );
    // A command line clap refuses.
    let out = bare_cmd()
        .args(["run", "get", "--output=json", "X1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = error_document(&out);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a run ID"),
        "{doc}"
    );
    // The message still reaches stderr, for people.
    assert!(stderr(&out).contains("not a run ID"));
}
