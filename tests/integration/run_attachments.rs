//! `--attach-to-run`: files found and size-checked before the first write, uploaded to the run
//! (or its plan entry) after the results and before the close, listed by the sandbox.

use std::path::Path;

use serde_json::{Value, json};
use testrail_report::exit;
use testrail_report::sandbox::{Sandbox, SandboxOptions, Seed};

use crate::common::{api, cmd, json_of, posts, sandbox, sandbox_with};

fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "r.xml",
        "<testsuite name=\"s\"><testcase classname=\"T\" name=\"a_C1\"/></testsuite>",
    );
    write("report.html", "<html>12345</html>");
    write("unit.log", "log 1");
    write("e2e.log", "log 22");
    dir
}

fn submit(sb: &Sandbox, dir: &Path) -> assert_cmd::Command {
    let mut c = cmd(sb);
    c.current_dir(dir).args(["submit", "r.xml"]);
    c
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn files_are_attached_to_the_run_before_it_is_closed_and_named_in_the_summary() {
    let sb = sandbox();
    let dir = workdir();
    let s = json_of(
        submit(&sb, dir.path())
            .args(["--project-id", "1", "--close-run"])
            .args(["--attach-to-run", "*.log", "--attach-to-run", "report.html"]),
    );
    let run_id = s["run_id"].as_u64().unwrap();
    let attached: Vec<(&str, u64)> = s["run_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["file"].as_str().unwrap(), a["size"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        attached,
        [("e2e.log", 6), ("unit.log", 5), ("report.html", 18)]
    );
    assert!(s["run_attachments"][0]["attachment_id"].is_string(), "{s}");
    assert_eq!(
        posts(&sb),
        [
            "add_run",
            "add_results_for_cases",
            "add_attachment_to_run",
            "add_attachment_to_run",
            "add_attachment_to_run",
            "close_run"
        ]
    );
    let listed = api(&sb, &format!("get_attachments_for_run/{run_id}"), None).json();
    assert_eq!(
        names(&listed["attachments"]),
        ["e2e.log", "unit.log", "report.html"]
    );
    assert_eq!(listed["attachments"][2]["size"], 18);
    // The text summary names them too.
    let text = submit(&sb, dir.path())
        .args(["--project-id", "1", "--attach-to-run", "report.html"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Attached to the run:\n  - report.html (18 bytes)"),
        "{text}"
    );
}

#[test]
fn a_plan_run_gets_its_files_through_the_plan_entry() {
    let mut seed = Seed::demo();
    seed.projects[0].plan(json!({"name": "Release"}));
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let dir = workdir();
    let s = json_of(
        submit(&sb, dir.path())
            .args(["--plan-id", "1", "--suite-id", "1"])
            .args(["--attach-to-run", "report.html"]),
    );
    assert_eq!(s["run_attachments"][0]["file"], "report.html");
    assert!(posts(&sb).contains(&"add_attachment_to_plan_entry".to_string()));
    assert!(!posts(&sb).contains(&"add_attachment_to_run".to_string()));
    let plan = api(&sb, "get_plan/1", None).json();
    let entry = plan["entries"][0]["id"].as_str().unwrap().to_string();
    let listed = api(
        &sb,
        &format!("get_attachments_for_plan_entry/1/{entry}"),
        None,
    )
    .json();
    assert_eq!(names(&listed), ["report.html"]);
}

#[test]
fn a_missing_or_oversized_file_stops_the_submit_before_any_write() {
    let sb = sandbox();
    let dir = workdir();
    let out = submit(&sb, dir.path())
        .args(["--project-id", "1", "--attach-to-run", "coverage/*.txt"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::INPUT), "{stderr}");
    assert!(stderr.contains("coverage/*.txt"), "{stderr}");

    // A sparse file over TestRail's 256 MB limit costs no disk space.
    std::fs::File::create(dir.path().join("huge.zip"))
        .unwrap()
        .set_len(256 * 1024 * 1024 + 1)
        .unwrap();
    let out = submit(&sb, dir.path())
        .args(["--project-id", "1", "--attach-to-run", "huge.zip"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::INPUT), "{stderr}");
    assert!(
        stderr.contains("huge.zip") && stderr.contains("256 MB"),
        "{stderr}"
    );
    assert!(posts(&sb).is_empty(), "{:?}", posts(&sb));
}
