//! (10) Case IDs outside TestRail's range are named and never sent; NUL never reaches a comment.

use super::*;
use crate::common::{paths, sandbox};

#[test]
fn out_of_range_case_ids_are_warned_about_and_never_sent() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("r.xml");
    // Raw NUL bytes, as a crashed process's output leaves them (`&#0;` is replaced on reading).
    std::fs::write(
        &xml,
        "<testsuite name=\"s\">\
         <testcase name=\"ok_C1\"><failure message=\"a\0b\">x\0y</failure></testcase>\
         <testcase name=\"huge_C18446744073709551615\"/>\
         <testcase name=\"zero_C0 and C-5\"/>\
         </testsuite>",
    )
    .unwrap();
    let out = cmd(&sb)
        .args(["submit", "--project-id", "1"])
        .arg(&xml)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("C18446744073709551615 is not a TestRail case ID"),
        "{err}"
    );
    assert!(err.contains("C0, C-5 are not TestRail case IDs"), "{err}");
    let state = sb.state();
    let tests: Vec<&Value> = state["tests"].as_object().unwrap().values().collect();
    let cases: Vec<u64> = tests
        .iter()
        .map(|t| t["case_id"].as_u64().unwrap())
        .collect();
    assert_eq!(cases, [1], "only C1 is in the run");
    let results: Vec<&Value> = state["results"].as_object().unwrap().values().collect();
    assert_eq!(results.len(), 1);
    let comment = results[0]["comment"].as_str().unwrap();
    assert!(
        !comment.contains('\0') && comment.contains("ab") && comment.contains("xy"),
        "{comment:?}"
    );
    for path in paths(&sb, "add_run") {
        assert!(!path.contains("18446744073709551615"), "{path}");
    }
}
