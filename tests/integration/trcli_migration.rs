//! Switching from trcli: its YAML config with project and suite names, `TR_CLI_*` variables,
//! `--assign`, `--refs-action` and step results, end to end against the sandbox.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions, Seed};

use crate::common::{api, bare_cmd, calls, cmd, json_of, sandbox_with};

/// Project "Shop" (1, several suites: "Master" 1 and "Legacy" 2) and a namesake-free
/// "Billing" (2); Master holds cases 1..=3 with automation IDs `shop.Cart.test_<n>`.
fn shop() -> Sandbox {
    let mut seed = Seed::empty();
    seed.users.push(testrail_report::sandbox::SeedUser {
        id: Some(2),
        name: "Tess Ter".into(),
        email: "tess@example.com".into(),
    });
    let shop = seed.project("Shop", 3);
    let section = shop.suite("Master").section("Cart");
    for n in 1..=3 {
        section.case(&format!("test {n}"), Some(&format!("shop.Cart.test_{n}")));
    }
    shop.suite("Legacy").section("Old").case("old", None);
    seed.project("Billing", 1).suite("Master");
    sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A report in trcli's conventions: tests matched by automation ID, step results.
fn report(dir: &Path) -> PathBuf {
    write(
        dir,
        "report.xml",
        r#"<testsuites><testsuite name="Cart">
<testcase classname="shop.Cart" name="test_1" time="1.2"/>
<testcase classname="shop.Cart" name="test_2" time="0">
  <properties>
    <property name="testrail_result_step" value="passed:Open the cart"/>
    <property name="testrail_result_step" value="failed:Check the total"/>
  </properties>
  <failure message="total is 3">trace</failure>
</testcase>
</testsuite></testsuites>"#,
    )
}

fn entities<'a>(state: &'a Value, kind: &str) -> Vec<&'a Value> {
    state[kind]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .collect()
}

fn result_for(sb: &Sandbox, run_id: u64, case_id: u64) -> Value {
    let state = sb.state();
    let test = entities(&state, "tests")
        .into_iter()
        .find(|t| t["run_id"] == run_id && t["case_id"] == case_id)
        .expect("test in run")["id"]
        .clone();
    let results = api(sb, &format!("get_results_for_run/{run_id}"), None).json();
    results["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["test_id"] == test)
        .expect("a result")
        .clone()
}

/// A sandbox with [`shop`], a directory and the [`report`] in it.
struct Job {
    sb: Sandbox,
    dir: tempfile::TempDir,
    report: PathBuf,
}

fn job() -> Job {
    let dir = tempfile::tempdir().unwrap();
    let report = report(dir.path());
    Job {
        sb: shop(),
        dir,
        report,
    }
}

impl Job {
    /// `submit`, connected to the sandbox, run in the job's directory.
    fn submit(&self) -> assert_cmd::Command {
        let mut c = cmd(&self.sb);
        c.current_dir(self.dir.path()).arg("submit");
        c
    }
}

/// Run a command that must fail with `code`; its stderr.
fn refused(cmd: &mut assert_cmd::Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

#[test]
fn a_trcli_config_with_project_and_suite_names_runs_unchanged() {
    let Job { sb, dir, report } = job();
    let config = write(
        dir.path(),
        "config.yml",
        &format!(
            "host: {}\nproject: Shop\nusername: {DEFAULT_USER}\nkey: {DEFAULT_API_KEY}\n\
             title: Nightly from trcli\nsuite_name: Master\nclose_run: true\ncase_matcher: auto\n\
             batch_size: 50\nresult_fields:\n  - version:1.4.2\nfile: {}\n\
             assign_failed_to: tess@example.com\n",
            sb.base_url(),
            report.display()
        ),
    );
    let out = bare_cmd()
        .current_dir(dir.path())
        .args(["submit", "--verbose", "--output", "json", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    // The key read from the file is a secret like any other, even with --verbose.
    assert!(!stdout.contains(DEFAULT_API_KEY) && !stderr.contains(DEFAULT_API_KEY));
    let s: Value = serde_json::from_str(&stdout).unwrap();
    let run_id = s["run_id"].as_u64().unwrap();
    let run = api(&sb, &format!("get_run/{run_id}"), None).json();
    assert_eq!(run["name"], "Nightly from trcli");
    assert_eq!(
        (run["project_id"].clone(), run["suite_id"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(run["is_completed"], true);
    let failed = result_for(&sb, run_id, 2);
    assert_eq!(failed["status_id"], 5);
    assert_eq!(failed["version"], "1.4.2");
    assert_eq!(failed["assignedto_id"], 2);
    assert_eq!(
        failed["custom_step_results"],
        json!([{"content": "Open the cart", "status_id": 1},
               {"content": "Check the total", "status_id": 5}])
    );
    // time="0": no elapsed, as trcli posts it.
    assert_eq!(failed["elapsed"], Value::Null);
    assert_eq!(result_for(&sb, run_id, 1)["elapsed"], "1s");
}

#[test]
fn the_command_line_and_environment_override_the_file() {
    let job = job();
    let config = write(
        job.dir.path(),
        "config.yml",
        "project: Billing\ntitle: From file\nsuite_name: Master\ncase_matcher: auto\nbogus: 1\n",
    );
    let out = job
        .submit()
        .env("TESTRAIL_CONFIG", &config)
        .env("TR_CLI_PROJECT", "Shop")
        .args(["--output", "json", "--run-name", "From the command line"])
        .arg(&job.report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("unknown key(s): bogus"), "{stderr}");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = api(&job.sb, &format!("get_run/{}", s["run_id"]), None).json();
    assert_eq!(run["name"], "From the command line");
    // TR_CLI_PROJECT (the environment) beat the file's `project: Billing`.
    assert_eq!(run["project_id"], 1);
}

#[test]
fn unknown_or_ambiguous_names_fail_before_any_write_listing_close_matches() {
    let job = job();
    let named = |project: &str, suite: &str| {
        let mut c = job.submit();
        c.args(["--project", project, "--suite", suite])
            .arg(&job.report);
        refused(&mut c, 2)
    };
    let stderr = named("shop", "Master");
    assert!(stderr.contains("\"Shop\" (ID 1)"), "{stderr}");
    let stderr = named("Shop", "Mastr");
    assert!(
        stderr.contains("Master") && stderr.contains("Legacy"),
        "{stderr}"
    );
    let posts = job
        .sb
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 0);
}

#[test]
fn assign_gives_failed_results_an_assignee() {
    let job = job();
    let assign = |email: &str| {
        let mut c = job.submit();
        c.args(["--project", "Shop", "--suite", "1"])
            .args(["--case-matcher", "automation-id", "--assign", email])
            .arg(&job.report);
        c
    };
    let s = json_of(&mut assign("tess@example.com"));
    let run_id = s["run_id"].as_u64().unwrap();
    assert_eq!(result_for(&job.sb, run_id, 2)["assignedto_id"], 2);
    assert_eq!(result_for(&job.sb, run_id, 1)["assignedto_id"], Value::Null);
    assert_eq!(calls(&job.sb, "get_user_by_email"), 1);
    let stderr = refused(&mut assign("nobody@example.com"), 2);
    assert!(stderr.contains("nobody@example.com"), "{stderr}");
    assert_eq!(calls(&job.sb, "add_run"), 1);
}

#[test]
fn refs_on_an_existing_run_are_added_by_default_and_can_be_deleted() {
    let job = job();
    let run = api(
        &job.sb,
        "add_run/1",
        Some(json!({"suite_id": 1, "name": "R", "refs": "JIRA-1", "include_all": true})),
    )
    .json();
    let run_id = run["id"].to_string();
    let submit = |extra: &[&str]| {
        json_of(
            job.submit()
                .args(["--run-id", &run_id, "--case-matcher", "automation-id"])
                .args(extra)
                .arg(&job.report),
        )
    };
    let refs = || api(&job.sb, &format!("get_run/{run_id}"), None).json()["refs"].clone();
    submit(&["--refs", "JIRA-2,JIRA-1"]);
    assert_eq!(refs(), "JIRA-1,JIRA-2");
    submit(&["--refs", "JIRA-1", "--refs-action", "delete"]);
    assert_eq!(refs(), "JIRA-2");
    submit(&["--refs", "JIRA-9", "--refs-action", "update"]);
    assert_eq!(refs(), "JIRA-9");
}

#[test]
fn created_cases_take_the_reports_case_fields() {
    let job = job();
    let report = write(
        job.dir.path(),
        "new.xml",
        r#"<testsuite name="New"><testcase classname="shop.New" name="test_new">
<properties>
  <property name="testrail_case_field" value="priority_id:4"/>
  <property name="testrail_case_field" value="refs:JIRA-7"/>
  <property name="testrail_case_field" value="custom_automation_id:shop.custom.key"/>
</properties></testcase></testsuite>"#,
    );
    json_of(
        job.submit()
            .args(["--project", "Shop", "--suite", "Master"])
            .args(["--create-missing-cases", "--section-id", "1"])
            .args(["--case-field", "type_id=3", "--case-field", "priority_id=1"])
            .arg(&report),
    );
    let cases = api(&job.sb, "get_cases/1&suite_id=1", None).json();
    let new = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "test_new")
        .expect("created")
        .clone();
    // The test's own testrail_case_field beats --case-field.
    assert_eq!(new["priority_id"], 4);
    assert_eq!(new["type_id"], 3);
    assert_eq!(new["refs"], "JIRA-7");
    assert_eq!(new["custom_automation_id"], "shop.custom.key");
}

#[test]
fn the_sandbox_checks_step_results_strictly() {
    let sb = shop();
    let run = api(
        &sb,
        "add_run/1",
        Some(json!({"suite_id": 1, "include_all": true})),
    )
    .json();
    let bad = api(
        &sb,
        &format!("add_results_for_cases/{}", run["id"]),
        Some(json!({"results": [{"case_id": 1, "status_id": 1,
                                 "custom_step_results": [{"content": "x", "status_id": 99}]}]})),
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .contains(":results.custom_step_results"),
        "{}",
        bad.json()
    );
    let fields = api(&sb, "get_result_fields", None).json();
    assert!(
        fields
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["system_name"] == "custom_step_results" && f["type_id"] == 11)
    );
}

#[test]
fn connection_settings_in_the_file_reach_every_command_that_connects() {
    // The connection options live in each connecting subcommand (`run list`, `plan list`),
    // not at the top: the file still finds them there.
    let Job { sb, dir, .. } = job();
    for (name, key) in [("ours.yml", "api-key"), ("trcli.yml", "key")] {
        let config = write(
            dir.path(),
            name,
            &format!(
                "url: {}\nuser: {DEFAULT_USER}\n{key}: {DEFAULT_API_KEY}\n",
                sb.base_url()
            ),
        );
        for command in [&["run", "list"][..], &["plan", "list"]] {
            let out = bare_cmd()
                .args(["--config"])
                .arg(&config)
                .args(command)
                .args(["--project-id", "1"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{name} {command:?}: {stderr}");
        }
    }
    // Without the file the same command has no address to go to.
    let out = bare_cmd()
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
