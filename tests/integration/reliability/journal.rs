//! (4) The journal from the first write: `kill -9` before the run is recorded, in the middle
//! of the batches, or between a plan's entries, and `--resume` finishes with 0 lost and 0
//! duplicated, reading only what it cannot know.

use std::time::{Duration, Instant};

use super::*;
use serde_json::json;
use testrail_report::sandbox::{DelayFault, DropFault};

use crate::common::{calls, multi_suite};

/// Wait (at most 30 s) until `ready` holds.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed().as_secs() < 30,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Once `ready` holds (and `settle_ms` later), kill the child with SIGKILL: no handler runs,
/// nothing is flushed on the way out.
fn kill_9_when(
    child: &mut std::process::Child,
    what: &str,
    settle_ms: u64,
    ready: impl Fn() -> bool,
) {
    wait_for(what, ready);
    std::thread::sleep(Duration::from_millis(settle_ms));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The one journal in `dir`.
fn journal_in(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("testrail-unsent-") && name.ends_with(".json")
        })
        .collect();
    assert_eq!(found.len(), 1, "one journal: {found:?}");
    found.into_iter().next().unwrap()
}

/// `submit --resume FILE` in `dir`; answers the output and the requests it made.
fn resume(sb: &Sandbox, dir: &Path, file: &Path) -> (std::process::Output, Vec<String>) {
    let before = sb.requests().len();
    let out = crate::common::cmd(sb)
        .current_dir(dir)
        .arg("submit")
        .arg("--resume")
        .arg(file)
        .output()
        .unwrap();
    let made = sb.requests()[before..]
        .iter()
        .filter_map(|r| r.api_method.clone())
        .collect();
    (out, made)
}

/// `--resume` succeeds, saying it found what the stopped submit had made; answers its stderr.
fn resume_finding(sb: &Sandbox, dir: &Path, file: &Path) -> String {
    let (out, _) = resume(sb, dir, file);
    assert_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.contains("was created before the submit stopped"),
        "{stderr}"
    );
    stderr
}

/// Every case of `run_id` holds exactly one result, and there are `n` of them.
fn one_result_each(sb: &Sandbox, run_id: u64, n: usize) {
    let per_case = results_per_case(sb, run_id);
    assert_eq!(per_case.len(), n, "the run holds every case");
    let wrong: Vec<_> = per_case.iter().filter(|(_, k)| **k != 1).collect();
    assert!(
        wrong.is_empty(),
        "cases without exactly one result: {wrong:?}"
    );
}

fn delay(method: &str, ms: u64) -> Faults {
    Faults {
        delays: vec![DelayFault {
            ms,
            method: Some(method.into()),
        }],
        ..Faults::default()
    }
}

#[cfg(unix)]
#[test]
fn kill_9_while_add_run_waits_then_resume_makes_or_finds_one_run() {
    // What broke: the journal was written only once the run existed, so a crash while
    // add_run was under way left nothing, and the only retry made a second run.
    let sb = with_cases(20, delay("add_run", 1500));
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=20);
    let mut child = spawn(
        &sb,
        dir.path(),
        &[
            "submit",
            "--project-id",
            "1",
            "--close-run",
            xml.to_str().unwrap(),
        ],
    );
    // The journal is on disk before add_run is sent; kill while add_run waits for its answer.
    kill_9_when(&mut child, "the journal", 300, || {
        std::fs::read_dir(dir.path()).unwrap().count() > 1
    });
    let journal = journal_in(dir.path());
    assert_eq!(calls(&sb, "add_results_for_cases"), 0);
    // Whether the server went on to make the run or not, resume must end with one run.
    std::thread::sleep(Duration::from_millis(1500));
    let made = sb.state()["runs"].as_object().unwrap().len();
    sb.set_faults(Faults::default());
    let (out, _) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    let state = sb.state();
    assert_eq!(state["runs"].as_object().unwrap().len(), 1, "one run");
    eprintln!("the killed add_run made {made} run(s); resume ended with one");
    one_result_each(&sb, 1, 20);
    assert_eq!(state["runs"]["1"]["is_completed"], json!(true));
    assert!(!journal.exists(), "removed after a complete success");
}

#[cfg(unix)]
#[test]
fn kill_9_after_add_run_before_its_record_then_resume_finds_the_run() {
    // add_run is applied but its answer is lost; while the submit looks for the run it made
    // (get_current_user held back), it is killed: the run exists, the journal does not name it.
    let sb = with_cases(
        20,
        Faults {
            drops: vec![DropFault {
                method: Some("add_run".into()),
                next: 1,
            }],
            ..delay("get_current_user", 5000)
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=20);
    let mut child = spawn(
        &sb,
        dir.path(),
        &["submit", "--project-id", "1", xml.to_str().unwrap()],
    );
    kill_9_when(&mut child, "add_run", 200, || calls(&sb, "add_run") == 1);
    let journal = journal_in(dir.path());
    let text = std::fs::read_to_string(&journal).unwrap();
    let records: Vec<&str> = text.lines().skip(1).collect();
    assert!(
        records.is_empty(),
        "the run is not recorded yet: {records:?}"
    );
    sb.set_faults(Faults::default());
    let stderr = resume_finding(&sb, dir.path(), &journal);
    assert!(stderr.contains("run R1 was created"), "{stderr}");
    assert_eq!(calls(&sb, "add_run"), 1, "no second run");
    one_result_each(&sb, 1, 20);
    assert!(stderr.contains("removed"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn kill_9_mid_submit_then_resume_checks_only_the_batches_without_an_answer() {
    const N: u64 = 2000;
    let sb = with_cases(N, delay("add_results_for_cases", 100));
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=N);
    let mut child = spawn(
        &sb,
        dir.path(),
        &[
            "submit",
            "--project-id",
            "1",
            "--batch-size",
            "50",
            "--parallel-batches",
            "2",
            xml.to_str().unwrap(),
        ],
    );
    kill_9_when(&mut child, "20 batches", 0, || {
        calls(&sb, "add_results_for_cases") >= 20
    });
    let landed: usize = results_per_case(&sb, 1).values().sum();
    let journal = journal_in(dir.path());
    sb.set_faults(Faults::default());
    let (out, made) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    one_result_each(&sb, 1, N as usize);
    let count = |m: &str| made.iter().filter(|x| *x == m).count();
    let (tests, results) = (count("get_tests"), count("get_results_for_run"));
    // The acknowledged batches cost no read at all; the run's test map is read once and only
    // the newest results, back to the last answer before the unanswered batches were sent.
    assert!(
        results <= 1,
        "{results} get_results_for_run pages for {landed} results"
    );
    assert!(
        tests <= (N as usize).div_ceil(250),
        "{tests} get_tests pages"
    );
    eprintln!(
        "{landed} of {N} results had landed; resume read {tests} get_tests and {results} \
         get_results_for_run page(s)"
    );
}

#[test]
fn resume_leaves_its_file_while_anything_remains_and_removes_it_when_done() {
    let sb = with_cases(4, error("500:every=1:method=add_results_for_cases"));
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=4);
    let out = crate::common::cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--project-id", "1"])
        .arg(&xml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(testrail_report::exit::PARTIAL));
    let journal = dir.path().join("testrail-unsent-1.json");
    // Still failing: the file stays, updated, and says so.
    let (out, _) = resume(&sb, dir.path(), &journal);
    assert_eq!(out.status.code(), Some(testrail_report::exit::PARTIAL));
    assert!(journal.is_file(), "kept while results remain");
    sb.set_faults(Faults::default());
    let (out, made) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let removed = format!("removed {}", journal.display());
    assert_eq!(stderr.matches(&removed).count(), 1, "{stderr}");
    assert!(!journal.exists());
    one_result_each(&sb, 1, 4);
    assert_eq!(
        made.iter()
            .filter(|m| *m == "add_results_for_cases")
            .count(),
        1
    );
}

#[cfg(unix)]
#[test]
fn kill_9_between_a_plans_entries_then_resume_fills_every_suite_and_closes_the_plan() {
    // Suite A's entry and results are in; suite B's add_plan_entry is held back when the
    // submit is killed. Resume makes (or finds) B's entry, posts its results, closes the plan.
    let sb = sandbox_with(multi_suite());
    let dir = two_suites_report();
    let entries_before = calls(&sb, "add_plan_entry");
    sb.set_faults(delay("add_plan_entry", 1500));
    // The first entry waits too: let it through, then kill while the second waits.
    let mut child = spawn(
        &sb,
        dir.path(),
        &["submit", "--project-id", "2", "--close-run", "r.xml"],
    );
    kill_9_when(&mut child, "suite A's results", 300, || {
        calls(&sb, "add_results_for_cases") == 1
    });
    assert_eq!(calls(&sb, "add_plan_entry") - entries_before, 1);
    std::thread::sleep(Duration::from_millis(1500));
    sb.set_faults(Faults::default());
    let journal = journal_in(dir.path());
    let (out, _) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    one_closed_plan_holding_both_suites(&sb);
    assert!(!journal.exists());
}

/// A report naming two cases of each of project 2's suites, in a fresh directory.
fn two_suites_report() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cases = "<testcase classname=\"a\" name=\"one_C13\"/>\
        <testcase classname=\"a\" name=\"two_C14\"/>\
        <testcase classname=\"b\" name=\"three_C15\"/>\
        <testcase classname=\"b\" name=\"four_C16\"/>";
    std::fs::write(
        dir.path().join("r.xml"),
        format!("<testsuite>{cases}</testsuite>"),
    )
    .unwrap();
    dir
}

/// Project 2 has one plan, closed, with one run per suite holding one result per case.
fn one_closed_plan_holding_both_suites(sb: &Sandbox) {
    let state = sb.state();
    let plans: Vec<&Value> = state["plans"]
        .as_object()
        .unwrap()
        .values()
        .filter(|p| p["project_id"] == 2)
        .collect();
    assert_eq!(plans.len(), 1, "one plan: {plans:?}");
    assert_eq!(plans[0]["is_completed"], json!(true), "the plan is closed");
    let runs: Vec<u64> = state["runs"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["plan_id"] == plans[0]["id"])
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(runs.len(), 2, "one run per suite: {runs:?}");
    for run in runs {
        one_result_each(sb, run, 2);
    }
}

#[cfg(unix)]
#[test]
fn kill_9_while_add_plan_waits_then_resume_makes_the_plan_and_its_entries() {
    let sb = sandbox_with(multi_suite());
    let dir = two_suites_report();
    sb.set_faults(delay("add_plan", 1500));
    let mut child = spawn(
        &sb,
        dir.path(),
        &["submit", "--project-id", "2", "--close-run", "r.xml"],
    );
    kill_9_when(&mut child, "the suites' cases", 300, || {
        calls(&sb, "get_cases") == 2
    });
    std::thread::sleep(Duration::from_millis(1500));
    sb.set_faults(Faults::default());
    let journal = journal_in(dir.path());
    let (out, _) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    one_closed_plan_holding_both_suites(&sb);
    assert!(!journal.exists());
}

#[test]
fn an_add_plan_whose_answer_was_lost_is_found_by_resume_not_made_again() {
    let sb = sandbox_with(multi_suite());
    let dir = two_suites_report();
    sb.set_faults(Faults {
        drops: vec![DropFault {
            method: Some("add_plan".into()),
            next: 1,
        }],
        ..Faults::default()
    });
    let out = crate::common::cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--project-id", "2", "--close-run", "r.xml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("finish with:\n  testrail-report submit --resume testrail-unsent-"),
        "{stderr}"
    );
    let journal = journal_in(dir.path());
    resume_finding(&sb, dir.path(), &journal);
    assert_eq!(calls(&sb, "add_plan"), 1, "no second plan");
    one_closed_plan_holding_both_suites(&sb);
}

#[cfg(unix)]
#[test]
fn kill_9_after_add_plan_entry_before_its_record_then_resume_finds_the_entry() {
    // --plan-id without --suite-id (the project's only suite): the entry is made, its answer
    // dropped, and the submit killed while it reads the plan to find it (each read of the
    // plan waits 2 s: the first, before the entry, is let through).
    let sb = with_cases(6, Faults::default());
    let plan = crate::common::json_of(crate::common::cmd(&sb).args([
        "plan",
        "create",
        "--project-id",
        "1",
        "--name",
        "Release",
    ]));
    let plan_id = plan["id"].as_u64().unwrap().to_string();
    sb.set_faults(Faults {
        drops: vec![DropFault {
            method: Some("add_plan_entry".into()),
            next: 1,
        }],
        ..delay("get_plan", 2000)
    });
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=6);
    let args = ["submit", "--plan-id", &plan_id, "--close-plan"];
    let mut child = spawn(
        &sb,
        dir.path(),
        &[&args[..], &[xml.to_str().unwrap()]].concat(),
    );
    kill_9_when(&mut child, "add_plan_entry", 200, || {
        calls(&sb, "add_plan_entry") == 1
    });
    sb.set_faults(Faults::default());
    let journal = journal_in(dir.path());
    let (out, _) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    assert_eq!(calls(&sb, "add_plan_entry"), 1, "no second entry");
    let state = sb.state();
    let runs: Vec<u64> = state["runs"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    one_result_each(&sb, runs[0], 6);
    assert_eq!(state["plans"][&plan_id]["is_completed"], json!(true));
}

#[cfg(unix)]
#[test]
fn kill_9_mid_submit_into_an_existing_run_then_resume_finishes_it() {
    // Issue 22's case: `submit --run-id R` killed mid-way; the journal (named with the
    // process ID, beside other shards' journals) lets --resume finish without duplicates.
    let sb = with_cases(300, Faults::default());
    let created = crate::common::json_of(crate::common::cmd(&sb).args([
        "run",
        "create",
        "--project-id",
        "1",
        "--include-all",
    ]));
    let run_id = created["id"].as_u64().unwrap();
    sb.set_faults(delay("add_results_for_cases", 100));
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=300);
    let run = run_id.to_string();
    let args = ["submit", "--run-id", &run, "--batch-size", "20"];
    let mut child = spawn(
        &sb,
        dir.path(),
        &[
            &args[..],
            &["--parallel-batches", "2", xml.to_str().unwrap()],
        ]
        .concat(),
    );
    kill_9_when(&mut child, "5 batches", 0, || {
        calls(&sb, "add_results_for_cases") >= 5
    });
    sb.set_faults(Faults::default());
    let journal = journal_in(dir.path());
    let name = journal.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("testrail-unsent-{run_id}-")),
        "{name}"
    );
    let (out, _) = resume(&sb, dir.path(), &journal);
    assert_ok(&out);
    one_result_each(&sb, run_id, 300);
    assert!(!journal.exists());
}
