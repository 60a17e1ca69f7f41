//! `testrail-report inspect` as a user runs it: no server, no credentials.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/junit")
        .join(name);
    path.display().to_string()
}

/// The binary with no TestRail settings from the environment: inspect must not need them.
fn inspect() -> Command {
    let mut cmd = Command::cargo_bin("testrail-report").unwrap();
    for (key, _) in std::env::vars() {
        if key.starts_with("TESTRAIL_") {
            cmd.env_remove(key);
        }
    }
    cmd.arg("inspect");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn text_output_counts_maps_and_lists_duplicates() {
    let text = stdout(
        inspect()
            .arg(fixture("pytest.xml"))
            .arg(fixture("cypress.xml"))
            .arg(fixture("pytest.xml")),
    );
    assert!(
        text.contains("pytest.xml (junit): 5 tests: 2 passed, 1 failed, 1 error, 1 skipped"),
        "{text}"
    );
    assert!(
        text.contains("total: 2 file(s), 7 tests: 3 passed, 2 failed, 1 error, 1 skipped"),
        "{text}"
    );
    assert!(
        text.contains("mapped to case IDs: 4, unmapped: 3"),
        "{text}"
    );
    assert!(
        text.contains("unmapped tests (3):\n  tests.test_api.test_delete_user"),
        "{text}"
    );
    // The same file named twice is read once, so no case ID is claimed twice.
    assert!(!text.contains("claimed by several tests"), "{text}");
}

#[test]
fn text_output_lists_case_ids_claimed_twice() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("dup.xml");
    let xml = r#"<testsuite><testcase classname="a" name="C7 one"/><testcase classname="a" name="two [C7]"/></testsuite>"#;
    std::fs::write(&report, xml).unwrap();
    let text = stdout(inspect().arg(&report));
    assert!(
        text.contains("case IDs claimed by several tests (1):\n  C7: a.C7 one, a.two [C7]"),
        "{text}"
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = stdout(
        inspect()
            .args(["--output", "json"])
            .arg(fixture("surefire-rerun.xml"))
            .arg(fixture("testcases-under-testsuites.xml")),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let totals = &doc["totals"];
    for (key, want) in [
        ("tests", 6),
        ("passed", 3),
        ("failed", 2),
        ("error", 0),
        ("skipped", 1),
        ("flaky", 1),
        ("mapped", 2),
        ("unmapped", 4),
    ] {
        assert_eq!(totals[key], want, "totals.{key}: {totals}");
    }
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert!(
        files[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("surefire-rerun.xml")
    );
    assert_eq!(files[0]["tests"], 4);
    assert_eq!(files[0]["format"], "junit");
    let flaky = &doc["tests"][1];
    assert_eq!(flaky["name"], "removesItem");
    assert_eq!(flaky["outcome"], "passed");
    assert_eq!(flaky["retries"], 2);
    assert_eq!(flaky["time"], 0.103);
    assert_eq!(flaky["suite"], "com.example.CartTest");
    // `totalsC42`: no boundary before the C, so no ID.
    assert_eq!(doc["tests"][2]["case_ids"], serde_json::json!([]));
    assert_eq!(doc["tests"][4]["case_ids"], serde_json::json!([5]));
    assert!(doc["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn mapping_options_come_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.csv");
    std::fs::write(&map, "key,case_ids\nexample.com/shop/cart.TestAdd,C5 C6\n").unwrap();
    let out = stdout(
        inspect()
            .args(["--output", "json"])
            .env("TESTRAIL_CASE_MAP", &map)
            .env("TESTRAIL_CASE_PATTERN", r"TestTotal/C(\d+)_")
            .arg(fixture("go-junit-report.xml")),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["tests"][0]["case_ids"], serde_json::json!([5, 6]));
    assert_eq!(doc["tests"][1]["case_ids"], serde_json::json!([12]));
    assert_eq!(doc["totals"]["unmapped"], 2);
}

#[test]
fn reports_from_the_environment_accept_lists_and_globs() {
    let list = format!("{},\n{}", fixture("gradle.xml"), fixture("jest.*"));
    let text = stdout(inspect().env("TESTRAIL_REPORTS", list));
    assert!(text.contains("total: 2 file(s), 6 tests"), "{text}");
}

#[test]
fn a_malformed_report_exits_3_with_file_line_and_column() {
    let assert = inspect()
        .arg(fixture("malformed-mismatch.xml"))
        .arg(fixture("gradle.xml"))
        .assert()
        .code(3);
    let out = assert.get_output();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("malformed-mismatch.xml:4:30:"), "{err}");
    assert!(err.contains("--skip-invalid-reports"), "{err}");
}

#[test]
fn skip_invalid_reports_continues_with_a_warning() {
    let text = stdout(
        inspect()
            .arg("--skip-invalid-reports")
            .arg(fixture("not-junit-cobertura.xml"))
            .arg(fixture("gradle.xml")),
    );
    assert!(text.contains("total: 1 file(s), 3 tests"), "{text}");
    assert!(text.contains("Cobertura"), "{text}");
}

#[test]
fn a_pattern_matching_nothing_exits_3_unless_allowed() {
    let missing = fixture("nothing-*.xml");
    let assert = inspect()
        .arg(&missing)
        .arg(fixture("gradle.xml"))
        .assert()
        .code(3);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains(&missing), "{err}");
    let text = stdout(
        inspect()
            .arg("--allow-missing-reports")
            .arg(&missing)
            .arg(fixture("gradle.xml")),
    );
    assert!(text.contains("no report matches"), "{text}");
}

#[test]
fn no_reports_at_all_is_a_usage_error() {
    inspect().assert().code(2);
}
