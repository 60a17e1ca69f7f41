//! A multi-suite project without `--suite-id`, beyond case IDs in names: the report's own
//! `testrail_suite_id` (which spares look-ups and is checked against TestRail), the dry run's
//! plan, `--strict` and `--case-matcher automation-id` across every suite, and
//! `--attach-to-run` on every suite's run.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use testrail_report::exit;
use testrail_report::sandbox::{Sandbox, SandboxOptions, Seed};

use crate::common::{api, calls, cmd, json_of, paths, posts, sandbox_with};

/// Demo project 1 (cases 1-12) and project 2 "Multi" with suites A (S2: cases 13, 14),
/// B (S3: 15, 16) and C (S4: 17, 18); automation IDs `a.1`, `a.2`, `b.1`, … .
fn three_suites() -> Sandbox {
    let mut seed = Seed::demo();
    let project = seed.project("Multi", 3);
    project.suite("A").section("S").cases(2, "a");
    project.suite("B").section("S").cases(2, "b");
    project.suite("C").section("S").cases(2, "c");
    sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
}

fn write(dir: &Path, xml: &str) -> PathBuf {
    let path = dir.join("r.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

fn submit(sb: &Sandbox, dir: &Path) -> assert_cmd::Command {
    let mut c = cmd(sb);
    c.current_dir(dir)
        .args(["submit", "r.xml", "--run-name", "Nightly"]);
    c
}

/// Run expecting exit `code`; its stderr.
fn fails(c: &mut assert_cmd::Command, code: i32) -> String {
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

/// suite → case IDs of each run of `plan_id`.
fn entries(sb: &Sandbox, plan_id: u64) -> Vec<(u64, Vec<u64>)> {
    let state = sb.state();
    let plan = api(sb, &format!("get_plan/{plan_id}"), None).json();
    plan["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let run = e["runs"][0]["id"].as_u64().unwrap();
            let mut cases: Vec<u64> = state["tests"]
                .as_object()
                .unwrap()
                .values()
                .filter(|t| t["run_id"] == run)
                .map(|t| t["case_id"].as_u64().unwrap())
                .collect();
            cases.sort_unstable();
            (e["suite_id"].as_u64().unwrap(), cases)
        })
        .collect()
}

fn hinted(suites: &[(&str, &str)]) -> String {
    let mut xml = String::from("<testsuites>");
    for (hint, cases) in suites {
        let props = match *hint {
            "" => String::new(),
            h => format!(
                "<properties><property name=\"testrail_suite_id\" value=\"{h}\"/></properties>"
            ),
        };
        xml.push_str(&format!(
            "<testsuite name=\"s{hint}\">{props}{cases}</testsuite>"
        ));
    }
    xml + "</testsuites>"
}

#[test]
fn hinted_suites_spare_the_look_up_of_the_other_suites() {
    let sb = three_suites();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &hinted(&[
            ("3", "<testcase classname=\"b\" name=\"one_C15\"/>"),
            (
                "S4",
                "<testcase classname=\"c\" name=\"two_C17\"><failure/></testcase>",
            ),
            // No hint: found in S3, which is read anyway to check C15's hint.
            ("", "<testcase classname=\"b\" name=\"three_C16\"/>"),
        ]),
    );
    let s = json_of(submit(&sb, dir.path()).args(["--project-id", "2"]));
    assert_eq!(s["results_posted"], 3);
    let plan_id = s["plan_id"].as_u64().unwrap();
    assert_eq!(entries(&sb, plan_id), [(3, vec![15, 16]), (4, vec![17])]);
    // Suite A (S2) holds none of the cases and was never read.
    let read = paths(&sb, "get_cases");
    assert_eq!(read.len(), 2, "{read:?}");
    assert!(read.iter().all(|p| !p.contains("suite_id=2")), "{read:?}");
}

#[test]
fn a_hint_testrail_contradicts_stops_the_submit_before_any_write() {
    let sb = three_suites();
    let dir = tempfile::tempdir().unwrap();
    // Our fixture puts C16 (suite B, S3) in S2 by its testcase's own property.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/junit/suite-hints.xml");
    std::fs::copy(fixture, dir.path().join("r.xml")).unwrap();
    let stderr = fails(
        submit(&sb, dir.path()).args(["--project-id", "2"]),
        exit::INPUT,
    );
    assert!(
        stderr.contains("C16 is in suite S3 \"B\", not S2 \"A\"")
            && stderr.contains("cart.Remove.remove_C16")
            && stderr.contains("nothing was written"),
        "{stderr}"
    );
    // The refused add_run (suite_id required) was the only POST; nothing was created.
    assert_eq!(posts(&sb), ["add_run"]);
    assert!(sb.state()["plans"].as_object().unwrap().is_empty());

    // A hint naming a suite the project does not have is refused the same way.
    write(
        dir.path(),
        &hinted(&[("9", "<testcase classname=\"b\" name=\"x_C15\"/>")]),
    );
    let stderr = fails(
        submit(&sb, dir.path()).args(["--project-id", "2"]),
        exit::INPUT,
    );
    assert!(
        stderr.contains("names S9") && stderr.contains("S2 \"A\", S3 \"B\", S4 \"C\""),
        "{stderr}"
    );
}

#[test]
fn a_hint_that_disagrees_with_suite_id_is_a_usage_error() {
    let sb = three_suites();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &hinted(&[
            ("2", "<testcase classname=\"a\" name=\"x_C13\"/>"),
            ("3", "<testcase classname=\"b\" name=\"y_C15\"/>"),
        ]),
    );
    let stderr = fails(
        submit(&sb, dir.path()).args(["--project-id", "2", "--suite-id", "2"]),
        exit::USAGE,
    );
    assert!(
        stderr.contains("--suite-id 2") && stderr.contains("C15 in S3 (test \"b.y_C15\")"),
        "{stderr}"
    );
    assert!(posts(&sb).is_empty());
    // Hints that agree change nothing: one run in the named suite.
    write(
        dir.path(),
        &hinted(&[("S2", "<testcase classname=\"a\" name=\"x_C13\"/>")]),
    );
    let s = json_of(submit(&sb, dir.path()).args(["--project-id", "2", "--suite-id", "2"]));
    assert!(s.get("plan_id").is_none(), "{s}");
    assert_eq!(calls(&sb, "get_cases"), 0);
}

const SPREAD: &str = "<testsuite name=\"s\">\
    <testcase classname=\"a\" name=\"1\"/>\
    <testcase classname=\"a\" name=\"2\"><failure/></testcase>\
    <testcase classname=\"c\" name=\"1\"/>\
    </testsuite>";

#[test]
fn a_dry_run_that_reads_the_server_shows_the_plan_it_would_make() {
    let sb = three_suites();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "<testsuite name=\"s\"><testcase classname=\"a\" name=\"x_C13\"/>\
         <testcase classname=\"a\" name=\"y_C14\"><failure/></testcase>\
         <testcase classname=\"c\" name=\"z_C17\"/><testcase name=\"w_C99\"/></testsuite>",
    );
    // `--project Multi` (a name) makes the dry run read the server.
    let s = json_of(submit(&sb, dir.path()).args(["--project", "Multi", "--dry-run"]));
    let run = &s["run"];
    assert_eq!(run["add_plan"], 2);
    assert_eq!(run["body"]["name"], "Nightly");
    let shown: Vec<Value> = run["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            json!([
                e["suite_id"],
                e["body"]["case_ids"],
                e["results"],
                e["statuses"]
            ])
        })
        .collect();
    assert_eq!(
        shown,
        [
            json!([2, [13, 14], 2, {"passed": 1, "failed": 1}]),
            json!([4, [17], 1, {"passed": 1}])
        ]
    );
    assert_eq!(run["not_in_any_suite"], json!([99]));
    let out = submit(&sb, dir.path())
        .args(["--project", "Multi", "--dry-run"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Would create plan \"Nightly\" in project 2, one entry per suite:")
            && text.contains("  S2: 2 case(s) (C13, C14); 2 result(s): failed 1, passed 1")
            && text.contains("  S4: 1 case(s) (C17); 1 result(s): passed 1")
            && text.contains("  in no suite (not posted): C99"),
        "{text}"
    );
    assert!(posts(&sb).is_empty(), "a dry run writes nothing");
}

#[test]
fn automation_ids_and_strict_checks_span_every_suite() {
    let sb = three_suites();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SPREAD);
    let s = json_of(submit(&sb, dir.path()).args([
        "--project-id",
        "2",
        "--case-matcher",
        "automation-id",
        "--strict",
    ]));
    assert_eq!(s["results_posted"], 3);
    let plan_id = s["plan_id"].as_u64().unwrap();
    assert_eq!(entries(&sb, plan_id), [(2, vec![13, 14]), (4, vec![17])]);

    // --strict with case IDs: a case in no suite stops the submit before any write.
    write(
        dir.path(),
        "<testsuite name=\"s\"><testcase classname=\"a\" name=\"x_C13\"/>\
         <testcase classname=\"b\" name=\"y_C15\"/><testcase classname=\"z\" name=\"z_C99\"/>\
         </testsuite>",
    );
    let before = posts(&sb).len();
    let stderr = fails(
        submit(&sb, dir.path()).args(["--project-id", "2", "--strict"]),
        exit::INPUT,
    );
    assert!(stderr.contains("does not know C99"), "{stderr}");
    assert_eq!(posts(&sb).len(), before);
    // Every suite was read, page by page, once.
    assert!(
        ["suite_id=2", "suite_id=3", "suite_id=4"]
            .iter()
            .all(|s| paths(&sb, "get_cases").iter().any(|p| p.contains(s))),
        "{:?}",
        paths(&sb, "get_cases")
    );
}

#[test]
fn run_files_are_attached_to_every_suite_s_run() {
    let sb = three_suites();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SPREAD);
    std::fs::write(dir.path().join("report.html"), "<html/>").unwrap();
    let s = json_of(submit(&sb, dir.path()).args([
        "--project-id",
        "2",
        "--case-matcher",
        "automation-id",
        "--attach-to-run",
        "report.html",
        "--close-run",
    ]));
    let plan_id = s["plan_id"].as_u64().unwrap();
    let runs: Vec<u64> = s["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_u64().unwrap())
        .collect();
    let attached: Vec<u64> = s["run_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert_eq!(a["file"], "report.html");
            a["run_id"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(attached, runs);
    let plan = api(&sb, &format!("get_plan/{plan_id}"), None).json();
    for entry in plan["entries"].as_array().unwrap() {
        let entry_id = entry["id"].as_str().unwrap();
        let list = api(
            &sb,
            &format!("get_attachments_for_plan_entry/{plan_id}/{entry_id}"),
            None,
        )
        .json();
        assert_eq!(list[0]["name"], "report.html", "{list}");
    }
    assert_eq!(plan["is_completed"], true, "closed after the uploads");
    let text = String::from_utf8_lossy(
        &submit(&sb, dir.path())
            .args(["--project-id", "2", "--case-matcher", "automation-id"])
            .args(["--attach-to-run", "report.html"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        text.contains("Attached to each run:") && text.contains("report.html (7 bytes) to R"),
        "{text}"
    );
    assert!(text.contains("one run per suite:\n  - S2: run R"), "{text}");
}

#[test]
fn inspect_shows_the_suite_a_report_names() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/junit/suite-hints.xml");
    let doc = json_of(crate::common::bare_cmd().arg("inspect").arg(&fixture));
    let suites: Vec<(String, Value)> = doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["suite_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        suites,
        [
            ("valid_C13".to_string(), json!(2)),
            ("invalid_C14".to_string(), json!(2)),
            ("one_C15".to_string(), json!(3)),
            ("remove_C16".to_string(), json!(2)),
            ("plain_C1".to_string(), Value::Null),
        ]
    );
}

#[test]
fn a_test_that_names_its_suite_matches_an_automation_id_in_that_suite() {
    // Suites A and B both have a case with automation ID `login`: 13 in A (S2), 14 in B (S3).
    let mut seed = Seed::demo();
    let project = seed.project("Multi", 3);
    project.suite("A").section("S").case("login", Some("login"));
    project.suite("B").section("S").case("login", Some("login"));
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let report = |hint: &str| {
        hinted(&[(
            hint,
            "<testcase classname=\"t\" name=\"x\"><properties>\
             <property name=\"custom_automation_id\" value=\"login\"/></properties></testcase>",
        )])
    };
    write(dir.path(), &report("S3"));
    let out = submit(&sb, dir.path())
        .args(["--project-id", "2", "--case-matcher", "automation-id"])
        .args(["--output", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("several cases"), "the hint settles it: {err}");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sb.state()["runs"][s["run_id"].as_u64().unwrap().to_string()];
    assert_eq!(run["suite_id"], 3, "{run}");
    // Without the hint, the lowest case ID wins, with a warning.
    write(dir.path(), &report(""));
    let out = submit(&sb, dir.path())
        .args(["--project-id", "2", "--case-matcher", "automation-id"])
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`login` is used by several cases"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sb.state()["runs"][s["run_id"].as_u64().unwrap().to_string()];
    assert_eq!(run["suite_id"], 2, "{run}");
}
