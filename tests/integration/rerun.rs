//! `rerun`: after a submit, the selector that runs exactly the failed tests again, from the
//! names the submit kept with each result; statuses, paging and results from other tools.

use std::path::Path;

use serde_json::{Value, json};
use testrail_report::exit;
use testrail_report::sandbox::{Sandbox, SandboxOptions, Seed};

use crate::common::{api, cmd, json_of, paths, sandbox, sandbox_with};

fn submit(sb: &Sandbox, dir: &Path, cases: &str) -> u64 {
    std::fs::write(
        dir.join("r.xml"),
        format!("<testsuite name=\"s\">{cases}</testsuite>"),
    )
    .unwrap();
    let s = json_of(
        cmd(sb)
            .current_dir(dir)
            .args(["submit", "r.xml", "--project-id", "1"]),
    );
    s["run_id"].as_u64().unwrap()
}

fn rerun(sb: &Sandbox, run: u64, args: &[&str]) -> (String, String) {
    let out = cmd(sb)
        .args(["rerun", "--run-id", &run.to_string()])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

const REPORT: &str = "\
<testcase classname=\"tests.test_auth.TestLogin\" name=\"test_ok_C1\"/>\
<testcase classname=\"tests.test_auth.TestLogin\" name=\"test_bad_C2[user 1]\"><failure message=\"no\"/></testcase>\
<testcase classname=\"tests.test_cart\" name=\"test_add_C3\"><failure message=\"no\"/></testcase>\
<testcase classname=\"tests.test_cart\" name=\"test_slow_C4\"><skipped/></testcase>";

#[test]
fn failed_tests_become_the_runner_s_selector() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let run = submit(&sb, dir.path(), REPORT);
    let (out, _) = rerun(&sb, run, &["--format", "pytest"]);
    assert_eq!(
        out,
        "'tests/test_auth.py::TestLogin::test_bad_C2[user 1]' tests/test_cart.py::test_add_C3\n"
    );
    assert!(
        paths(&sb, "get_tests")
            .iter()
            .all(|p| p.contains("status_id=5")),
        "{:?}",
        paths(&sb, "get_tests")
    );
    // Skipped tests get the demo's custom status 6 `skipped`: asking for it by name adds them.
    let (out, _) = rerun(
        &sb,
        run,
        &["--format", "names", "--status", "failed,Skipped"],
    );
    assert_eq!(
        out,
        "tests.test_auth.TestLogin.test_bad_C2[user 1]\ntests.test_cart.test_add_C3\ntests.test_cart.test_slow_C4\n"
    );
    let (out, _) = rerun(&sb, run, &["--format", "json", "--status", "5"]);
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list[0]["case_id"], 2);
    assert_eq!(list[0]["classname"], "tests.test_auth.TestLogin");
    assert_eq!(list[1]["name"], "test_add_C3");
}

#[test]
fn nothing_failed_prints_nothing_and_unknown_statuses_are_usage_errors() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let run = submit(
        &sb,
        dir.path(),
        "<testcase classname=\"a.B\" name=\"t_C1\"/>",
    );
    let (out, stderr) = rerun(&sb, run, &["--format", "maven"]);
    assert_eq!(out, "");
    assert!(stderr.contains("nothing to re-run"), "{stderr}");
    let out = cmd(&sb)
        .args([
            "rerun",
            "--run-id",
            &run.to_string(),
            "--format",
            "go",
            "--status",
            "broken",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(exit::USAGE));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"broken\""));
}

#[test]
fn results_from_other_tools_are_left_out_with_a_warning() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let run = submit(
        &sb,
        dir.path(),
        "<testcase classname=\"com.acme.LoginTest\" name=\"bad_C1\"><failure/></testcase>\
         <testcase classname=\"com.acme.LoginTest\" name=\"ok_C2\"/>",
    );
    // Another tool fails case 2 later, with a comment of its own.
    let answer = api(
        &sb,
        &format!("add_results_for_cases/{run}"),
        Some(json!({"results": [{"case_id": 2, "status_id": 5, "comment": "manual"}]})),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (out, stderr) = rerun(&sb, run, &["--format", "maven"]);
    // Case 2's latest result names no test, but its earlier one from the submit does.
    assert_eq!(out, "-Dtest=com.acme.LoginTest#bad_C1+ok_C2\n");
    assert!(!stderr.contains("warning"), "{stderr}");

    // A case nobody reported through testrail-report cannot be named.
    let added = api(
        &sb,
        &format!("update_run/{run}"),
        Some(json!({"include_all": false, "case_ids": [1, 2, 3]})),
    );
    assert_eq!(added.status, 200, "{}", added.body);
    api(
        &sb,
        &format!("add_results_for_cases/{run}"),
        Some(json!({"results": [{"case_id": 3, "status_id": 5}]})),
    );
    let (out, stderr) = rerun(&sb, run, &["--format", "gradle"]);
    assert_eq!(
        out,
        "--tests com.acme.LoginTest.bad_C1 --tests com.acme.LoginTest.ok_C2\n"
    );
    assert!(stderr.contains("warning: C3 has no result"), "{stderr}");
}

#[test]
fn every_page_of_a_large_run_is_read() {
    let mut seed = Seed::empty();
    seed.project("Big", 1)
        .suite("S")
        .section("S")
        .cases(260, "case");
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let cases: String = (1..=260)
        .map(|i| {
            format!("<testcase classname=\"big\" name=\"TestN{i}_C{i}\"><failure/></testcase>")
        })
        .collect();
    let run = submit(&sb, dir.path(), &cases);
    sb.clear_requests();
    let (out, _) = rerun(&sb, run, &["--format", "go"]);
    assert_eq!(out.matches("TestN").count(), 260, "{out}");
    let pages = paths(&sb, "get_tests");
    assert!(
        pages.len() == 2 && pages[1].contains("offset=250"),
        "{pages:?}"
    );
}
