//! (6) Symbolic-link loops in a report directory end, and each report counts once.

use super::*;
use crate::common::bare_cmd;

#[cfg(unix)]
#[test]
fn inspect_of_a_directory_with_link_loops_counts_each_test_once() {
    // What broke: `ln -s .. a/b/up; ln -s ../../a a/b/self` made `inspect a` run until killed,
    // and `ln -s . self` counted every test once per trip through the link.
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    std::fs::create_dir_all(a.join("b")).unwrap();
    report(&a.join("b"), "r.xml", [1, 2, 3]);
    symlink("..", a.join("b/up")).unwrap();
    symlink("../../a", a.join("b/self")).unwrap();
    symlink(".", a.join("self")).unwrap();
    let out = bare_cmd()
        .args(["inspect", "--output", "json"])
        .arg(&a)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_ok(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = doc.to_string();
    assert_eq!(doc["files"].as_array().map(Vec::len), Some(1), "{text}");
    assert_eq!(doc["totals"]["tests"], 3, "{text}");
}
