//! `--result-version`: TestRail's `version` result field, from the CI with `auto` (the tag of a
//! tag build, else the short commit) or as given.

use std::path::Path;

use serde_json::Value;
use testrail_report::exit;
use testrail_report::sandbox::Sandbox;

use crate::common::{cmd, json_of, sandbox};

fn submit(sb: &Sandbox, dir: &Path) -> assert_cmd::Command {
    std::fs::write(
        dir.join("r.xml"),
        "<testsuite name=\"s\"><testcase classname=\"T\" name=\"a_C1\"/>\
         <testcase classname=\"T\" name=\"b_C2\"/></testsuite>",
    )
    .unwrap();
    let mut c = cmd(sb);
    c.current_dir(dir)
        .args(["submit", "r.xml", "--project-id", "1"]);
    c
}

/// The `version` of every result in the sandbox.
fn versions(sb: &Sandbox) -> Vec<Value> {
    sb.state()["results"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["version"].clone())
        .collect()
}

#[test]
fn auto_takes_the_tag_of_a_tag_build_else_the_short_commit() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox();
    json_of(
        submit(&sb, dir.path())
            .args(["--result-version", "auto"])
            .env("GITLAB_CI", "true")
            .env("CI_COMMIT_SHA", "89abcdef0123456789")
            .env("CI_COMMIT_SHORT_SHA", "89abcdef"),
    );
    assert_eq!(versions(&sb), ["89abcde", "89abcde"]);

    let sb = sandbox();
    json_of(
        submit(&sb, dir.path())
            .env("TESTRAIL_RESULT_VERSION", "auto")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_REF_TYPE", "tag")
            .env("GITHUB_REF_NAME", "v1.4.2")
            .env("GITHUB_SHA", "0123456789abcdef"),
    );
    assert_eq!(versions(&sb), ["v1.4.2", "v1.4.2"]);
}

#[test]
fn any_other_value_is_used_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox();
    json_of(submit(&sb, dir.path()).args(["--result-version", "2.0-rc1"]));
    assert_eq!(versions(&sb), ["2.0-rc1", "2.0-rc1"]);
}

#[test]
fn auto_outside_a_ci_that_names_its_commit_is_a_usage_error_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox();
    let out = submit(&sb, dir.path())
        .args(["--result-version", "auto"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::USAGE), "{stderr}");
    assert!(stderr.contains("--result-version auto"), "{stderr}");
    let out = submit(&sb, dir.path())
        .args(["--result-version", "1", "--result-field", "version=2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(exit::USAGE));
    assert!(sb.requests().iter().all(|r| r.method != "POST"));
}
