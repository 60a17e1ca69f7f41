//! CI integration through the real binary: run names and links per CI system, `--dotenv`,
//! `--summary-json`, and GitHub's files and workflow commands next to `--output json`.

use std::path::Path;

use serde_json::Value;
use testrail_report::sandbox::Sandbox;

use crate::common::{cmd, json_of, sandbox};

/// One pytest-style report against the sandbox's demo cases (automation IDs
/// `tests.test_auth.*`), plus one test TestRail has no case for.
pub const AUTH_REPORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4" failures="1" skipped="1">
  <testcase classname="tests.test_auth" name="test_login_valid" time="0.40"/>
  <testcase classname="tests.test_auth" name="test_login_wrong_password" time="0.20">
    <failure message="expected 401, got 200">assert 200 == 401</failure>
  </testcase>
  <testcase classname="tests.test_auth" name="test_logout" time="0.01"><skipped message="flaky"/></testcase>
  <testcase classname="tests.test_auth" name="test_not_in_testrail" file="tests/test_auth.py" line="40" time="0.1"/>
</testsuite></testsuites>
"#;

fn write_report(dir: &Path) -> String {
    let path = dir.join("junit.xml");
    std::fs::write(&path, AUTH_REPORT).unwrap();
    path.to_str().unwrap().to_string()
}

/// The only run on the server.
fn only_run(sandbox: &Sandbox) -> Value {
    let state = sandbox.state();
    let runs = state["runs"].as_object().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs.values().next().unwrap().clone()
}

#[test]
fn github_json_stays_on_stdout_while_workflow_commands_go_to_stderr() {
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let report = write_report(dir.path());
    let (output, summary) = (dir.path().join("output"), dir.path().join("summary.md"));
    let out = cmd(&sandbox)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["--output", "json", "submit", "--project-id", "1"])
        .args(["--case-matcher", "automation-id", &report])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let run_id = doc["run_id"].as_u64().unwrap();
    assert!(stderr.contains("::warning file=tests/test_auth.py,line=40,title=Unmapped test::"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("::warning"));
    let outputs = std::fs::read_to_string(output).unwrap();
    assert!(
        outputs.starts_with(&format!("run-id={run_id}\n")),
        "{outputs}"
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.contains(&format!("## TestRail: run [R{run_id}]")),
        "{summary}"
    );
}

#[test]
fn gitlab_names_the_run_after_the_pipeline_and_writes_dotenv_and_summary_json() {
    // As examples/.gitlab-ci.yml runs it: settings and the report glob in variables, files
    // relative to the project directory.
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    write_report(&dir.path().join("reports"));
    let doc = json_of(
        cmd(&sandbox)
            .current_dir(dir.path())
            .env("CI", "true")
            .env("GITLAB_CI", "true")
            .env("CI_PROJECT_NAME", "shop")
            .env("CI_PIPELINE_IID", "7")
            .env("CI_PIPELINE_ID", "900001")
            .env("CI_COMMIT_REF_NAME", "develop")
            .env(
                "CI_JOB_URL",
                "https://gitlab.example.com/acme/shop/-/jobs/55",
            )
            .env("TESTRAIL_PROJECT_ID", "1")
            .env("TESTRAIL_CASE_MATCHER", "automation-id")
            .env("TESTRAIL_REPORTS", "reports/*.xml")
            .args(["submit", "--dotenv", "testrail.env"])
            .args(["--summary-json", "testrail-summary.json"]),
    );
    let (dotenv, summary_json) = (
        dir.path().join("testrail.env"),
        dir.path().join("testrail-summary.json"),
    );
    let run = only_run(&sandbox);
    assert_eq!(run["name"], "shop pipeline #7 (develop)");
    let description = run["description"].as_str().unwrap();
    assert!(
        description.contains("[GitLab CI](https://gitlab.example.com/acme/shop/-/jobs/55)"),
        "{description}"
    );
    let run_id = run["id"].as_u64().unwrap();
    assert_eq!(
        std::fs::read_to_string(dotenv).unwrap(),
        format!(
            "TESTRAIL_RUN_ID={run_id}\nTESTRAIL_RUN_URL={}index.php?/runs/view/{run_id}\n",
            sandbox.base_url()
        )
    );
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(summary_json).unwrap()).unwrap();
    assert_eq!(
        written, doc,
        "--summary-json holds the --output json document"
    );
}

#[test]
fn jenkins_names_the_run_after_the_build() {
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let report = write_report(dir.path());
    json_of(
        cmd(&sandbox)
            .env("JENKINS_URL", "https://ci.example.com/")
            .env("JOB_NAME", "shop/main")
            .env("BUILD_NUMBER", "311")
            .env("BUILD_URL", "https://ci.example.com/job/shop/job/main/311/")
            .args([
                "submit",
                "--project-id",
                "1",
                "--case-matcher",
                "automation-id",
                &report,
            ]),
    );
    let run = only_run(&sandbox);
    assert_eq!(run["name"], "shop/main #311");
    assert!(
        run["description"]
            .as_str()
            .unwrap()
            .contains("(https://ci.example.com/job/shop/job/main/311/)")
    );
}

#[test]
fn outside_ci_the_run_is_named_after_the_date_and_has_no_link() {
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let report = write_report(dir.path());
    json_of(cmd(&sandbox).args([
        "submit",
        "--project-id",
        "1",
        "--case-matcher",
        "automation-id",
        &report,
    ]));
    let run = only_run(&sandbox);
    let name = run["name"].as_str().unwrap();
    let date =
        regex::Regex::new(r"^Automated test run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$").unwrap();
    assert!(date.is_match(name), "{name}");
    assert!(
        run["description"].is_null() || run["description"] == "",
        "{run}"
    );
}

#[test]
fn github_annotates_unknown_case_ids_and_lists_them_in_the_summary() {
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("ids.xml");
    std::fs::write(
        &report,
        r#"<testsuite name="ids" tests="2">
  <testcase classname="shop" name="C1 logs in" file="spec/login_spec.rb" line="3"/>
  <testcase classname="shop" name="C999 does not exist" file="spec/ghost_spec.rb" line="7"/>
</testsuite>"#,
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    let out = cmd(&sandbox)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["submit", "--project-id", "1", "--case-matcher", "name"])
        .arg(&report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "::warning file=spec/ghost_spec.rb,line=7,title=Unknown TestRail case::\
             shop.C999 does not exist"
        ),
        "{stderr}"
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(summary.contains("### Unknown case IDs (1)"), "{summary}");
    assert!(
        summary.contains("- C999: shop.C999 does not exist"),
        "{summary}"
    );
}

/// A shard's report: the given demo auth tests, all passing.
fn shard_report(dir: &Path, shard: usize, tests: &[&str]) -> String {
    let cases: String = tests
        .iter()
        .map(|t| format!(r#"<testcase classname="tests.test_auth" name="{t}"/>"#))
        .collect();
    let path = dir.join(format!("shard-{shard}.xml"));
    std::fs::write(
        &path,
        format!("<testsuite name=\"s{shard}\">{cases}</testsuite>"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn the_sharded_recipe_ends_with_one_closed_run_of_exactly_the_executed_cases() {
    // examples/github-sharded.yml: create with every case, shards report into it, close and
    // prune the cases nobody reported.
    let sandbox = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("create-output");
    let out = cmd(&sandbox)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("TESTRAIL_RUN_NAME", "Tests #3 (main)")
        .args(["run", "create", "--project-id", "1", "--include-all"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs = std::fs::read_to_string(output).unwrap();
    let run_id = outputs
        .lines()
        .find_map(|l| l.strip_prefix("run-id="))
        .expect("run create sets the run-id output")
        .to_string();
    let run_number: u64 = run_id.parse().unwrap();

    let shards: [&[&str]; 2] = [
        &["test_login_valid", "test_logout"],
        &["test_login_wrong_password"],
    ];
    for (n, tests) in shards.iter().enumerate() {
        let report = shard_report(dir.path(), n, tests);
        json_of(cmd(&sandbox).args(["submit", "--run-id", &run_id]).args([
            "--case-matcher",
            "automation-id",
            "--project-id",
            "1",
            "--suite-id",
            "1",
            &report,
        ]));
    }
    json_of(cmd(&sandbox).args(["run", "close", &run_id, "--prune-untested"]));

    let run = only_run(&sandbox);
    assert_eq!(run["is_completed"], true);
    let state = sandbox.state();
    let mut cases: Vec<u64> = state["tests"]
        .as_object()
        .unwrap()
        .values()
        .filter(|t| t["run_id"] == run_number)
        .map(|t| t["case_id"].as_u64().unwrap())
        .collect();
    cases.sort();
    assert_eq!(cases, [1, 2, 3]);
    assert_eq!(state["results"].as_object().unwrap().len(), 3);
}
