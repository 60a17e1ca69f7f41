//! (4) After `kill -9` mid-submit, `--resume` finishes in the same run: 0 lost, 0 duplicated.

use super::*;
use serde_json::json;
use testrail_report::sandbox::DelayFault;

use crate::common::calls;

const N: u64 = 60;

#[cfg(unix)]
#[test]
fn kill_9_mid_submit_then_resume_posts_each_result_exactly_once() {
    // What broke: the resume file was written only on SIGTERM, Ctrl-C or a failed batch, so
    // after kill -9 the only retries posted everything again or made a second run.
    let sb = with_cases(
        N,
        Faults {
            delays: vec![DelayFault {
                ms: 150,
                method: Some("add_results_for_cases".into()),
            }],
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=N);
    let args = [
        "submit",
        "--project-id",
        "1",
        "--close-run",
        "--batch-size",
        "5",
    ];
    let xml_arg = xml.to_str().unwrap();
    let mut child = spawn(
        &sb,
        dir.path(),
        &[&args[..], &["--parallel-batches", "2", xml_arg]].concat(),
    );
    // Kill once some batches landed and others are in flight.
    let started = std::time::Instant::now();
    while calls(&sb, "add_results_for_cases") < 4 && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no handler runs, nothing is flushed on the way out.
    child.wait().unwrap();
    let before = results_per_case(&sb, 1)
        .values()
        .filter(|n| **n > 0)
        .count();
    assert!(
        before > 0 && before < N as usize,
        "{before} results before the kill"
    );

    let journal = dir.path().join("testrail-unsent-1.json");
    assert!(journal.is_file(), "no journal after kill -9");
    sb.set_faults(Faults::default());
    let out = cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--resume", "testrail-unsent-1.json"])
        .output()
        .unwrap();
    assert_ok(&out);

    let per_case = results_per_case(&sb, 1);
    assert_eq!(per_case.len(), N as usize, "one run holding every case");
    let wrong: Vec<_> = per_case.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        wrong.is_empty(),
        "cases without exactly one result: {wrong:?}"
    );
    let state = sb.state();
    assert_eq!(state["runs"].as_object().unwrap().len(), 1, "no second run");
    assert_eq!(state["runs"]["1"]["is_completed"], json!(true));
    eprintln!("{before} of {N} results had landed before kill -9; --resume posted the rest");
}

#[test]
fn submitting_again_into_a_run_with_a_journal_says_how_to_avoid_duplicates() {
    let sb = crate::common::sandbox();
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", [1]);
    std::fs::write(dir.path().join("testrail-unsent-7.json"), "{}").unwrap();
    let out = cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--run-id", "7", "--dry-run"])
        .arg(&xml)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("testrail-report submit --resume testrail-unsent-7.json"),
        "{err}"
    );
}
