//! (9) Recovering from a dropped results write costs reads of that batch, not of the run.

use super::*;
use testrail_report::sandbox::DropFault;

use crate::common::calls;

#[test]
fn dropped_results_writes_are_checked_without_rereading_the_whole_run() {
    // What broke: each drop re-read every test and every result of the run (21 drops at
    // 20,000 results cost 2,700 reads).
    const N: u64 = 2000;
    const DROPS: u64 = 4;
    let sb = with_cases(
        N,
        Faults {
            drops: vec![DropFault {
                method: Some("add_results_for_cases".into()),
                next: DROPS,
            }],
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=N);
    let out = cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--project-id", "1", "--parallel-batches", "1"])
        .arg(&xml)
        .output()
        .unwrap();
    assert_ok(&out);
    let per_case = results_per_case(&sb, 1);
    assert_eq!(per_case.len(), N as usize);
    assert!(
        per_case.values().all(|n| *n == 1),
        "a result twice or missing"
    );
    let (tests, results) = (calls(&sb, "get_tests"), calls(&sb, "get_results_for_run"));
    eprintln!("{DROPS} drops at {N} results: {tests} get_tests + {results} get_results_for_run");
    // The run's tests once (8 pages of 250), then a page of newest results per drop.
    let pages = N.div_ceil(250) as usize;
    assert!(tests <= pages, "{tests} get_tests pages");
    assert!(
        results <= 2 * DROPS as usize,
        "{results} get_results_for_run pages"
    );
}
