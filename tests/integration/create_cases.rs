//! `submit --create-missing-cases` against the sandbox: sections and cases created for
//! unmapped tests, found again (not duplicated) on a re-run with and without the project's
//! automation-ID field, long titles, failures part way, dry runs, and the hint without the flag.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use testrail_report::sandbox::{DropFault, ErrorFault, Faults, Sandbox, SandboxOptions, Seed};

use crate::common::{api, calls, cmd, json_of, sandbox, sandbox_with};

/// A single-suite project (1, suite 1) with no cases and one empty section `Imported` (1);
/// `automation_field` says whether the instance has the `custom_automation_id` case field.
fn empty_project(automation_field: bool) -> Sandbox {
    let mut seed = Seed::empty();
    seed.project("Fresh", 1).suite("Master").section("Imported");
    if !automation_field {
        seed.case_fields = Some(Vec::new());
    }
    sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
}

/// `suites` testsuites of `per_suite` testcases each; every 7th test fails.
fn big_report(dir: &Path, suites: usize, per_suite: usize) -> PathBuf {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<testsuites>\n");
    for s in 0..suites {
        xml.push_str(&format!("<testsuite name=\"suite_{s}\">\n"));
        for n in 0..per_suite {
            let inner = if (s * per_suite + n) % 7 == 0 {
                "<failure message=\"expected 1\">trace</failure>"
            } else {
                ""
            };
            xml.push_str(&format!(
                "<testcase classname=\"pkg.suite_{s}.Tests\" name=\"test_{n}\" time=\"0.5\">{inner}</testcase>\n"
            ));
        }
        xml.push_str("</testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    write(dir, "big.xml", &xml)
}

fn write(dir: &Path, name: &str, xml: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    path
}

fn submit(sb: &Sandbox) -> assert_cmd::Command {
    let mut c = cmd(sb);
    c.current_dir(std::env::temp_dir())
        .args(["submit", "--project-id", "1"]);
    c
}

fn entities(sb: &Sandbox, kind: &str) -> Vec<Value> {
    let state = sb.state();
    state[kind]
        .as_object()
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default()
}

/// case ID → status of each test in a run.
fn run_statuses(sb: &Sandbox, run_id: u64) -> BTreeMap<u64, u64> {
    entities(sb, "tests")
        .iter()
        .filter(|t| t["run_id"] == run_id)
        .map(|t| {
            (
                t["case_id"].as_u64().unwrap(),
                t["status_id"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn case_ids(sb: &Sandbox) -> BTreeSet<u64> {
    entities(sb, "cases")
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect()
}

fn adds(sb: &Sandbox) -> usize {
    calls(sb, "add_case") + calls(sb, "add_section")
}

#[test]
fn thousand_unmapped_tests_get_ten_sections_and_a_thousand_cases_once() {
    let sb = empty_project(true);
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 10, 100);
    let first = json_of(
        submit(&sb)
            .args(["--create-missing-cases", "--sections-from", "suites"])
            .arg(&r),
    );

    let sections = entities(&sb, "sections");
    let names: BTreeSet<&str> = sections
        .iter()
        .filter(|s| s["parent_id"].is_null() && s["name"] != "Imported")
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(names.contains("suite_3"));
    let cases = entities(&sb, "cases");
    assert_eq!(cases.len(), 1000);
    let autos: BTreeSet<&str> = cases
        .iter()
        .map(|c| c["custom_automation_id"].as_str().unwrap())
        .collect();
    assert_eq!(autos.len(), 1000);
    assert!(autos.contains("pkg.suite_9.Tests.test_99"));
    // Each case sits in the section of its testsuite.
    let section_of: BTreeMap<u64, &str> = sections
        .iter()
        .map(|s| (s["id"].as_u64().unwrap(), s["name"].as_str().unwrap()))
        .collect();
    for c in &cases {
        let auto = c["custom_automation_id"].as_str().unwrap();
        let section = section_of[&c["section_id"].as_u64().unwrap()];
        assert!(
            auto.starts_with(&format!("pkg.{section}.")),
            "{auto} in {section}"
        );
        assert_eq!(c["title"], auto.rsplit('.').next().unwrap());
    }

    let run = first["run_id"].as_u64().unwrap();
    let statuses = run_statuses(&sb, run);
    assert_eq!(
        statuses.keys().copied().collect::<BTreeSet<_>>(),
        case_ids(&sb)
    );
    assert_eq!(statuses.values().filter(|&&s| s == 5).count(), 143);
    assert_eq!(statuses.values().filter(|&&s| s == 1).count(), 857);
    assert_eq!(first["results_posted"], 1000);
    assert_eq!(first["unmapped"].as_array().unwrap().len(), 0);
    assert_eq!(first["case_creation"]["mode"], "created");
    assert_eq!(
        first["case_creation"]["cases"].as_array().unwrap().len(),
        1000
    );
    // The cost: the downloads, one add per section and case, the run, and 8 batches of 125
    // (a small submit spreads over the server's workers).
    assert_eq!(calls(&sb, "get_case_fields"), 1);
    assert_eq!(calls(&sb, "get_cases"), 1);
    assert_eq!(calls(&sb, "get_sections"), 1);
    assert_eq!(calls(&sb, "add_section"), 10);
    assert_eq!(calls(&sb, "add_case"), 1000);
    assert_eq!(calls(&sb, "add_run"), 1);
    assert_eq!(calls(&sb, "add_results_for_cases"), 8);
    assert_eq!(first["api_calls"], 1022);

    sb.clear_requests();
    let second = json_of(
        submit(&sb)
            .args(["--create-missing-cases", "--sections-from", "suites"])
            .arg(&r),
    );
    assert_eq!(adds(&sb), 0, "a re-run creates nothing");
    assert_eq!(entities(&sb, "cases").len(), 1000);
    assert_eq!(second["case_creation"]["found"], 1000);
    let run2 = second["run_id"].as_u64().unwrap();
    assert_ne!(run, run2);
    assert_eq!(run_statuses(&sb, run2), statuses);
    // 1,000 cases are four pages of 250.
    assert_eq!(calls(&sb, "get_cases"), 4);
    // The look-ups, the four case pages and the run, then 8 result batches of 125.
    assert_eq!(second["api_calls"], 1 + 4 + 1 + 1 + 8);
}

#[test]
fn without_the_automation_field_cases_are_found_by_title_in_nested_sections() {
    let sb = empty_project(false);
    let dir = tempfile::tempdir().unwrap();
    let r = write(
        dir.path(),
        "nested.xml",
        "<testsuites><testsuite name=\"api\"><testsuite name=\"v2\">\
           <testcase classname=\"api.v2\" name=\"lists users\"/>\
           <testcase classname=\"api.v2\" name=\"creates a user\"><failure message=\"409\"/></testcase>\
         </testsuite>\
           <testcase classname=\"api\" name=\"lists users\"/>\
         </testsuite></testsuites>",
    );
    let args = [
        "--create-missing-cases",
        "--sections-from",
        "suites",
        "--section-id",
        "1",
    ];
    let first = json_of(submit(&sb).args(args).arg(&r));
    let sections = entities(&sb, "sections");
    let api_section = sections.iter().find(|s| s["name"] == "api").unwrap();
    let v2 = sections.iter().find(|s| s["name"] == "v2").unwrap();
    assert_eq!(api_section["parent_id"], 1);
    assert_eq!(api_section["depth"], 1);
    assert_eq!(v2["parent_id"], api_section["id"]);
    assert_eq!(v2["depth"], 2);
    let cases = entities(&sb, "cases");
    assert_eq!(cases.len(), 3, "same title in two sections: two cases");
    assert!(cases.iter().all(|c| c["custom_automation_id"].is_null()));
    // Like TestRail, a project without the field neither stores nor returns it.
    let listed = api(&sb, "get_cases/1", None).json();
    assert!(listed["cases"][0].get("custom_automation_id").is_none());
    let body = serde_json::json!({"title": "t", "custom_automation_id": "a.b"});
    let added = api(&sb, "add_case/1", Some(body)).json();
    assert!(added.get("custom_automation_id").is_none(), "{added}");
    assert!(
        entities(&sb, "cases")
            .iter()
            .all(|c| c["custom_automation_id"].is_null())
    );
    let statuses = run_statuses(&sb, first["run_id"].as_u64().unwrap());
    assert_eq!(statuses.len(), 3);
    assert_eq!(statuses.values().filter(|&&s| s == 5).count(), 1);
    let paths: Vec<&str> = first["case_creation"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(paths, ["Imported > api", "Imported > api > v2"]);

    sb.clear_requests();
    let second = json_of(submit(&sb).args(args).arg(&r));
    assert_eq!(adds(&sb), 0);
    assert_eq!(entities(&sb, "cases").len(), 4);
    assert_eq!(
        run_statuses(&sb, second["run_id"].as_u64().unwrap()),
        statuses
    );
}

#[test]
fn titles_over_250_characters_are_cut_at_a_word_boundary_and_found_again() {
    let long = format!("checks that{}", " the quick brown fox jumps".repeat(20));
    for field in [true, false] {
        let sb = empty_project(field);
        let dir = tempfile::tempdir().unwrap();
        let r = write(
            dir.path(),
            "long.xml",
            &format!(
                "<testsuite name=\"s\"><testcase classname=\"pkg.Long\" name=\"{long}\"/></testsuite>"
            ),
        );
        // The environment variables work like the flags.
        for _ in 0..2 {
            json_of(
                submit(&sb)
                    .env("TESTRAIL_CREATE_MISSING_CASES", "true")
                    .env("TESTRAIL_SECTION_ID", "1")
                    .arg(&r),
            );
        }
        let cases = entities(&sb, "cases");
        assert_eq!(cases.len(), 1, "field {field}: created once");
        let title = cases[0]["title"].as_str().unwrap();
        assert!(title.chars().count() <= 250, "{}", title.chars().count());
        let kept = title.strip_suffix('…').expect("marked as cut");
        assert!(long.starts_with(kept), "{title}");
        assert_eq!(&long[kept.len()..kept.len() + 1], " ", "cut before a space");
        if field {
            assert_eq!(cases[0]["custom_automation_id"], format!("pkg.Long.{long}"));
        }
    }
}

/// A 500 on the 120th add_case: what was created stays, no run is opened, exit 6; the same
/// command then finishes the job without creating anything twice.
#[test]
fn a_failure_mid_creation_keeps_what_was_created_and_a_rerun_finishes_without_duplicates() {
    let sb = empty_project(true);
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 3, 100);
    sb.set_faults(Faults {
        errors: vec![ErrorFault {
            status: 500,
            every: Some(120),
            method: Some("add_case".into()),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    });
    let args = ["--create-missing-cases", "--sections-from", "suites"];
    let out = submit(&sb).args(args).arg(&r).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("created 3 of 3 section(s)"), "{stderr}");
    assert!(stderr.contains("run the same command again"), "{stderr}");
    assert_eq!(calls(&sb, "add_run"), 0);
    let kept = entities(&sb, "cases").len();
    // The 119 before the failure, plus whatever was in flight: creation stopped, and the
    // message counts exactly the cases that exist.
    assert!((119..300).contains(&kept), "{kept} cases kept");
    assert!(
        stderr.contains(&format!("and {kept} of 300 case(s)")),
        "{kept}: {stderr}"
    );

    sb.set_faults(Faults::default());
    let s = json_of(submit(&sb).args(args).arg(&r));
    let cases = entities(&sb, "cases");
    let autos: BTreeSet<&str> = cases
        .iter()
        .map(|c| c["custom_automation_id"].as_str().unwrap())
        .collect();
    assert_eq!((cases.len(), autos.len()), (300, 300), "no duplicates");
    assert_eq!(entities(&sb, "sections").len(), 1 + 3);
    assert_eq!(s["case_creation"]["found"].as_u64().unwrap() as usize, kept);
    assert_eq!(run_statuses(&sb, s["run_id"].as_u64().unwrap()).len(), 300);
}

/// A dropped connection after TestRail created the case (the client cannot know it did):
/// without the automation-ID field the re-run finds it by title in its section.
#[test]
fn a_dropped_add_case_is_found_by_title_on_the_rerun() {
    let sb = empty_project(false);
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 2, 20);
    sb.set_faults(Faults {
        drops: vec![DropFault {
            method: Some("add_case".into()),
            next: 1,
        }],
        ..Faults::default()
    });
    let args = ["--create-missing-cases", "--sections-from", "suites"];
    let out = submit(&sb).args(args).arg(&r).output().unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert!(!entities(&sb, "cases").is_empty());
    let s = json_of(submit(&sb).args(args).arg(&r));
    let cases = entities(&sb, "cases");
    let keys: BTreeSet<(u64, &str)> = cases
        .iter()
        .map(|c| {
            (
                c["section_id"].as_u64().unwrap(),
                c["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!((cases.len(), keys.len()), (40, 40), "no duplicates");
    assert_eq!(run_statuses(&sb, s["run_id"].as_u64().unwrap()).len(), 40);
}

#[test]
fn dry_run_lists_sections_and_cases_and_creates_nothing() {
    let sb = empty_project(true);
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 2, 3);
    let s = json_of(
        submit(&sb)
            .args(["--dry-run", "--create-missing-cases"])
            .env("TESTRAIL_SECTIONS_FROM", "suites")
            .arg(&r),
    );
    let c = &s["case_creation"];
    assert_eq!(c["mode"], "dry-run");
    assert_eq!(c["sections"], serde_json::json!(["suite_0", "suite_1"]));
    let cases = c["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    assert_eq!(cases[4]["title"], "test_1");
    assert_eq!(cases[4]["section"], "suite_1");
    assert_eq!(cases[4]["automation_id"], "pkg.suite_1.Tests.test_1");
    assert!(cases[4]["case_id"].is_null());
    assert_eq!(s["unmapped"].as_array().unwrap().len(), 0);
    let methods: Vec<String> = sb
        .requests()
        .iter()
        .filter_map(|r| r.api_method.clone())
        .collect();
    assert!(methods.iter().all(|m| m.starts_with("get_")), "{methods:?}");
    assert!(entities(&sb, "cases").is_empty());

    let text = submit(&sb)
        .args([
            "--dry-run",
            "--create-missing-cases",
            "--sections-from",
            "suites",
        ])
        .arg(&r)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("Would create 2 section(s) and 6 case(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  case \"test_2\" in suite_1\n"),
        "{stdout}"
    );
}

#[test]
fn without_the_flag_the_summary_says_how_many_could_be_created_and_how() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let r = write(
        dir.path(),
        "mixed.xml",
        "<testsuite name=\"s\"><testcase classname=\"a\" name=\"login_C1\"/>\
         <testcase classname=\"a\" name=\"new one\"/><testcase classname=\"a\" name=\"new two\"/></testsuite>",
    );
    let s = json_of(submit(&sb).arg(&r));
    assert_eq!(s["case_creation"]["mode"], "off");
    assert_eq!(s["case_creation"]["missing"], 2);
    assert_eq!(calls(&sb, "get_case_fields"), 0);
    let out = submit(&sb).arg(&r).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2 unmapped test(s) could get new cases: add --create-missing-cases"),
        "{stdout}"
    );

    let bad = submit(&sb)
        .arg("--create-missing-cases")
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--sections-from suites"));
}

/// A multi-suite project: cases go to the suite of --suite-id (its section), and without
/// --suite-id the error names the option before anything is written.
#[test]
fn multi_suite_projects_create_in_the_given_suite() {
    let mut seed = Seed::empty();
    let project = seed.project("Multi", 3);
    project.suite("Web").section("Web cases");
    project.suite("Mobile").section("Mobile cases");
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 1, 5);
    let out = submit(&sb)
        .args(["--create-missing-cases", "--section-id", "2"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--suite-id"));
    assert_eq!(adds(&sb), 0);

    let wrong = submit(&sb)
        .args([
            "--suite-id",
            "1",
            "--create-missing-cases",
            "--section-id",
            "2",
        ])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--section-id 2 is not a section"));

    let s = json_of(
        submit(&sb)
            .args([
                "--suite-id",
                "2",
                "--create-missing-cases",
                "--section-id",
                "2",
            ])
            .arg(&r),
    );
    let cases = entities(&sb, "cases");
    assert_eq!(cases.len(), 5);
    assert!(
        cases
            .iter()
            .all(|c| c["suite_id"] == 2 && c["section_id"] == 2)
    );
    let run = entities(&sb, "runs")
        .into_iter()
        .find(|x| x["id"] == s["run_id"])
        .unwrap();
    assert_eq!(run["suite_id"], 2);
    assert_eq!(run_statuses(&sb, s["run_id"].as_u64().unwrap()).len(), 5);
}

/// With `--case-matcher automation-id`, the one download of the suite's cases both matches
/// the tests that have cases and tells which need one.
#[test]
fn automation_id_matching_and_creation_share_one_download() {
    let mut seed = Seed::empty();
    seed.project("Half", 1)
        .suite("Master")
        .section("Existing")
        .case("old test_0", Some("pkg.suite_0.Tests.test_0"))
        .case("old test_1", Some("pkg.suite_0.Tests.test_1"));
    let sb = sandbox_with(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 1, 4);
    let s = json_of(
        submit(&sb)
            .args(["--case-matcher", "automation-id", "--create-missing-cases"])
            .args(["--sections-from", "suites"])
            .arg(&r),
    );
    assert_eq!(calls(&sb, "get_cases"), 1);
    assert_eq!(calls(&sb, "add_case"), 2);
    assert_eq!(s["case_creation"]["found"], 2);
    let statuses = run_statuses(&sb, s["run_id"].as_u64().unwrap());
    assert_eq!(statuses.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
}

/// `--run-id`: the new cases join the existing run's selection and get their results.
#[test]
fn new_cases_join_an_existing_run() {
    let sb = empty_project(true);
    let run = api(
        &sb,
        "add_run/1",
        Some(serde_json::json!({"name": "nightly", "include_all": false, "case_ids": []})),
    )
    .json();
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 2, 3);
    let run_id = run["id"].as_u64().unwrap();
    let s = json_of(
        cmd(&sb)
            .current_dir(std::env::temp_dir())
            .args(["submit", "--run-id", &run_id.to_string()])
            .args(["--create-missing-cases", "--sections-from", "suites"])
            .arg(&r),
    );
    assert_eq!(s["run_id"], run_id);
    assert_eq!(run_statuses(&sb, run_id).len(), 6);
    assert_eq!(entities(&sb, "cases").len(), 6);
}

/// `--strict` still means nothing is created when the report names an unknown case.
#[test]
fn strict_checks_case_ids_before_creating_anything() {
    let sb = empty_project(true);
    let dir = tempfile::tempdir().unwrap();
    let r = write(
        dir.path(),
        "strict.xml",
        "<testsuite name=\"s\"><testcase classname=\"a\" name=\"known_C999\"/>\
         <testcase classname=\"a\" name=\"brand new\"/></testsuite>",
    );
    let out = submit(&sb)
        .args(["--strict", "--create-missing-cases", "--section-id", "1"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("C999"));
    assert_eq!(adds(&sb), 0);
}

/// 429s during creation are waited out (TestRail refused those calls, so they are re-sent)
/// and every case is created exactly once.
#[test]
fn rate_limited_creation_waits_and_creates_each_case_once() {
    let sb = empty_project(true);
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 2, 30);
    sb.set_faults(Faults {
        errors: vec![ErrorFault {
            status: 429,
            every: Some(25),
            method: Some("add_case".into()),
            retry_after: Some(1),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    });
    let s = json_of(
        submit(&sb)
            .args(["--create-missing-cases", "--sections-from", "suites"])
            .arg(&r),
    );
    assert!(s["retries"].as_u64().unwrap() >= 2, "{s}");
    let cases = entities(&sb, "cases");
    let autos: BTreeSet<&str> = cases
        .iter()
        .map(|c| c["custom_automation_id"].as_str().unwrap())
        .collect();
    assert_eq!((cases.len(), autos.len()), (60, 60));
    assert_eq!(run_statuses(&sb, s["run_id"].as_u64().unwrap()).len(), 60);
}

/// `--plan-id`: the project comes from the plan, and the new entry holds the new cases.
#[test]
fn new_cases_go_into_a_plan_entry() {
    let sb = empty_project(false);
    let plan = api(
        &sb,
        "add_plan/1",
        Some(serde_json::json!({"name": "release"})),
    )
    .json();
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 1, 4);
    let s = json_of(
        cmd(&sb)
            .current_dir(std::env::temp_dir())
            .args(["submit", "--plan-id", &plan["id"].to_string()])
            .args(["--create-missing-cases", "--section-id", "1"])
            .arg(&r),
    );
    let run = entities(&sb, "runs")
        .into_iter()
        .find(|x| x["id"] == s["run_id"])
        .unwrap();
    assert_eq!(run["plan_id"], plan["id"]);
    assert_eq!(run_statuses(&sb, s["run_id"].as_u64().unwrap()).len(), 4);
    assert_eq!(entities(&sb, "cases").len(), 4);
}

/// More than one page of sections (TestRail pages at 250): the re-run reads them all and
/// creates none again.
#[test]
fn sections_beyond_the_first_page_are_found_again() {
    let sb = empty_project(true);
    let dir = tempfile::tempdir().unwrap();
    let r = big_report(dir.path(), 260, 1);
    let args = ["--create-missing-cases", "--sections-from", "suites"];
    json_of(submit(&sb).args(args).arg(&r));
    assert_eq!(calls(&sb, "add_section"), 260);
    sb.clear_requests();
    json_of(submit(&sb).args(args).arg(&r));
    assert_eq!(adds(&sb), 0);
    assert_eq!(calls(&sb, "get_sections"), 2);
    assert_eq!(entities(&sb, "sections").len(), 261);
}
