//! (4) The obvious retry is safe: after `kill -9`, running the same command again in a fresh
//! workspace (no journal) finishes the job — one run, one result per case — whether the
//! submit creates its run or names one with `--run-id`; a different report into the same run
//! is still posted in full, and a fresh submit pays nothing for the check.

use super::*;
use serde_json::json;
use testrail_report::sandbox::DelayFault;

use crate::common::{api, calls, json_of};

const N: u64 = 60;

/// Small batches, two at a time: the kill lands with some batches in and some out.
const PACED: &[&str] = &["--batch-size", "5", "--parallel-batches", "2"];

/// A sandbox of N cases whose `add_results_for_cases` answers slowly, so a kill lands mid-way.
fn slow() -> Sandbox {
    with_cases(
        N,
        Faults {
            delays: vec![DelayFault {
                ms: 150,
                method: Some("add_results_for_cases".into()),
            }],
            ..Faults::default()
        },
    )
}

/// Start `args` in `dir`, kill it with SIGKILL once some batches landed, and remove every
/// journal it left: the retry runs in a fresh workspace. Returns how many cases of `run_id`
/// had a result at the kill.
#[cfg(unix)]
fn kill_mid_way(sb: &Sandbox, dir: &Path, args: &[&str], run_id: u64) -> usize {
    let mut child = spawn(sb, dir, args);
    let started = std::time::Instant::now();
    while calls(sb, "add_results_for_cases") < 4 && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Batches the server was still working on when the client died land all the same.
    std::thread::sleep(std::time::Duration::from_millis(500));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("testrail-unsent") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let landed = results_per_case(sb, run_id)
        .values()
        .filter(|n| **n > 0)
        .count();
    assert!(
        landed > 0 && landed < N as usize,
        "{landed} results before the kill"
    );
    sb.set_faults(Faults::default());
    sb.clear_requests();
    landed
}

/// The same command again in `dir` (where no journal is left), with `extra` options.
#[cfg(unix)]
fn run_again(sb: &Sandbox, dir: &Path, args: &[&str], extra: &[&str]) -> std::process::Output {
    let out = crate::common::cmd(sb)
        .current_dir(dir)
        .args(args)
        .args(extra)
        .output()
        .unwrap();
    assert_ok(&out);
    out
}

/// Every case of `run_id` holds exactly one result.
fn one_result_each(sb: &Sandbox, run_id: u64) {
    let per_case = results_per_case(sb, run_id);
    assert_eq!(per_case.len(), N as usize, "the run holds every case");
    let wrong: Vec<_> = per_case.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        wrong.is_empty(),
        "cases without exactly one result: {wrong:?}"
    );
}

fn runs(sb: &Sandbox) -> usize {
    sb.state()["runs"].as_object().map_or(0, |m| m.len())
}

#[cfg(unix)]
#[test]
fn rerunning_a_killed_submit_without_its_journal_finishes_the_run_it_made() {
    // What broke: a plain rerun after kill -9 made a second run beside the open, half-filled one.
    let sb = slow();
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=N);
    let args = [
        &[
            "submit",
            "--project-id",
            "1",
            "--run-name",
            "Nightly #7",
            "--close-run",
            xml.to_str().unwrap(),
        ][..],
        PACED,
    ]
    .concat();
    let landed = kill_mid_way(&sb, dir.path(), &args, 1);
    let out = run_again(&sb, dir.path(), &args, &["--output", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Reusing run R1 (Nightly #7)"), "{err}");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["run_id"], 1);
    assert_eq!(s["already_posted"], landed);
    assert_eq!(s["results_posted"], N - landed as u64);
    assert_eq!(runs(&sb), 1, "no second run");
    one_result_each(&sb, 1);
    assert_eq!(sb.state()["runs"]["1"]["is_completed"], json!(true));
    // What finding the run cost: get_runs, get_current_user, the results (one page), the
    // tests to map them to cases; then get_run and get_tests to open it.
    assert_eq!(calls(&sb, "get_runs"), 1);
    assert_eq!(calls(&sb, "get_current_user"), 1);
    assert_eq!(calls(&sb, "get_results_for_run"), 1);
    assert_eq!(calls(&sb, "add_run"), 0);
    eprintln!("{landed} of {N} results had landed before kill -9; the rerun posted the rest");
}

/// A `submit --run-id` into a run of every case, killed mid-way, its journal gone.
#[cfg(unix)]
struct Killed {
    sb: Sandbox,
    dir: tempfile::TempDir,
    run_id: u64,
    args: Vec<String>,
    landed: usize,
}

#[cfg(unix)]
fn killed_into_a_run(include_all: bool) -> Killed {
    let sb = slow();
    let cases: Vec<u64> = (1..=N).collect();
    let run = api(
        &sb,
        "add_run/1",
        Some(json!({"name": "Shared", "include_all": include_all, "case_ids": cases})),
    );
    let run_id = run.json()["id"].as_u64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=N);
    let submit = [
        "submit",
        "--run-id",
        &run_id.to_string(),
        xml.to_str().unwrap(),
    ]
    .map(String::from);
    let args: Vec<String> = submit
        .into_iter()
        .chain(PACED.iter().map(|a| a.to_string()))
        .collect();
    let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
    let landed = kill_mid_way(&sb, dir.path(), &borrowed, run_id);
    Killed {
        sb,
        dir,
        run_id,
        args,
        landed,
    }
}

#[cfg(unix)]
#[test]
fn rerunning_a_killed_submit_into_a_run_id_posts_only_what_is_missing() {
    // What broke: `submit --run-id R` after kill -9 posted every result a second time.
    for include_all in [false, true] {
        let Killed {
            sb,
            dir,
            run_id,
            args,
            landed,
        } = killed_into_a_run(include_all);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_again(&sb, dir.path(), &args, &["--summary-json", "summary.json"]);
        let file = std::fs::read_to_string(dir.path().join("summary.json")).unwrap();
        let summary: Value = serde_json::from_str(&file).unwrap();
        assert_eq!(summary["already_posted"], landed);
        assert_eq!(summary["results_posted"], N - landed as u64);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!(
                "{landed} result(s) already in R{run_id} from this report: skipped"
            )),
            "{text}"
        );
        one_result_each(&sb, run_id);
        assert_eq!(runs(&sb), 1);
        assert_eq!(calls(&sb, "get_results_for_run"), 1, "one page of results");
        eprintln!("include_all {include_all}: {landed} of {N} landed before kill -9");
    }
}

#[cfg(unix)]
#[test]
fn rerunning_a_killed_submit_into_a_plan_finishes_the_entry_it_added() {
    let sb = slow();
    let plan = api(&sb, "add_plan/1", Some(json!({"name": "Release 1.0"})));
    let plan_id = plan.json()["id"].as_u64().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=N);
    let args = [
        &[
            "submit",
            "--plan-id",
            &plan_id,
            "--run-name",
            "Nightly #7",
            xml.to_str().unwrap(),
        ][..],
        PACED,
    ]
    .concat();
    // The entry's run is the sandbox's first run.
    let landed = kill_mid_way(&sb, dir.path(), &args, 1);
    let out = run_again(&sb, dir.path(), &args, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Reusing run R1 (Nightly #7)"), "{err}");
    let entries = api(&sb, &format!("get_plan/{plan_id}"), None).json()["entries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 1, "no second entry");
    one_result_each(&sb, 1);
    eprintln!("plan: {landed} of {N} landed before kill -9");
}

#[test]
fn a_fresh_submit_pays_no_call_for_the_check() {
    let sb = with_cases(N, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=10);
    // A fresh shard into a run of its own cases, then into a run holding every case.
    for include_all in [false, true] {
        let run = api(
            &sb,
            "add_run/1",
            Some(json!({"include_all": include_all, "case_ids": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})),
        );
        let run_id = run.json()["id"].as_u64().unwrap().to_string();
        sb.clear_requests();
        let s = json_of(
            crate::common::cmd(&sb)
                .args(["submit", "--run-id", &run_id])
                .arg(&xml),
        );
        assert_eq!(s["already_posted"], 0);
        assert_eq!(calls(&sb, "get_results_for_run"), 0);
        // Opening a run of listed cases reads its tests anyway; one holding all does not.
        assert_eq!(calls(&sb, "get_tests"), usize::from(!include_all));
    }
    // A new run with a name a retry would repeat: one get_runs, nothing else.
    sb.clear_requests();
    let s = json_of(
        crate::common::cmd(&sb)
            .args(["submit", "--project-id", "1", "--run-name", "Nightly"])
            .arg(&xml),
    );
    assert_eq!(s["api_calls"], 1 + 1 + 1, "get_runs, add_run, one batch");
    assert_eq!(calls(&sb, "get_runs"), 1);
    // A name with the time in it (no --run-name, no CI), or --new-run: no look-up at all.
    for extra in [&[][..], &["--run-name", "Nightly", "--new-run"][..]] {
        sb.clear_requests();
        crate::common::cmd(&sb)
            .args(["submit", "--project-id", "1"])
            .args(extra)
            .arg(&xml)
            .assert()
            .success();
        assert_eq!(calls(&sb, "get_runs"), 0, "{extra:?}");
    }
    assert_eq!(runs(&sb), 5, "--new-run made a run of its own");
}

#[test]
fn a_different_report_into_the_same_run_is_posted_in_full() {
    // The `rerun` recipe: run the failures again, report them into the same run.
    let sb = with_cases(N, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let failing = dir.path().join("first.xml");
    std::fs::write(
        &failing,
        "<testsuite name=\"s\"><testcase classname=\"pkg.S\" name=\"test_C1\"/>\
         <testcase classname=\"pkg.S\" name=\"test_C2\"><failure message=\"no\"/></testcase>\
         <testcase classname=\"pkg.S\" name=\"test_C3\"><failure message=\"no\"/></testcase>\
         </testsuite>",
    )
    .unwrap();
    let first = json_of(
        crate::common::cmd(&sb)
            .args(["submit", "--project-id", "1", "--run-name", "Nightly"])
            .arg(&failing),
    );
    let run_id = first["run_id"].as_u64().unwrap().to_string();
    let again = report(dir.path(), "again.xml", [2, 3]);
    let submit_again = || {
        json_of(
            crate::common::cmd(&sb)
                .args(["submit", "--run-id", &run_id])
                .arg(&again),
        )
    };
    let second = submit_again();
    assert_eq!(second["results_posted"], 2);
    assert_eq!(second["already_posted"], 0);
    assert_ne!(second["report_id"], first["report_id"]);
    // The same second report once more: nothing new to post.
    let third = submit_again();
    assert_eq!(third["results_posted"], 0);
    assert_eq!(third["already_posted"], 2);
    let per_case = results_per_case(&sb, 1);
    assert_eq!(per_case, BTreeMap::from([(1, 1), (2, 2), (3, 2)]));
    // A plain rerun of the same name with a report that run holds nothing of: a new run.
    let other = json_of(
        crate::common::cmd(&sb)
            .args(["submit", "--project-id", "1", "--run-name", "Nightly"])
            .arg(report(dir.path(), "other.xml", [4])),
    );
    assert_eq!(other["run_id"], 2);
}

#[test]
fn a_ci_retry_with_another_job_link_is_the_same_report() {
    // GitLab's retried job has a new CI_JOB_URL (in every comment) but the same run name.
    let sb = with_cases(N, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", 1..=5);
    let attempt = |job: &str| {
        json_of(
            crate::common::cmd(&sb)
                .env("CI", "true")
                .env("GITLAB_CI", "true")
                .env("CI_PROJECT_NAME", "shop")
                .env("CI_PIPELINE_IID", "12")
                .env("CI_JOB_URL", format!("https://gitlab.example/jobs/{job}"))
                .args(["submit", "--project-id", "1"])
                .arg(&xml),
        )
    };
    let first = attempt("100");
    let retry = attempt("101");
    assert_eq!(retry["run_id"], first["run_id"]);
    assert_eq!(retry["report_id"], first["report_id"]);
    assert_eq!(retry["already_posted"], 5);
    assert_eq!(retry["results_posted"], 0);
    assert_eq!(runs(&sb), 1);
}

#[cfg(unix)]
#[test]
fn a_retry_that_fails_too_leaves_a_resume_file_that_skips_what_the_first_attempt_posted() {
    // The retry skips what the killed attempt posted; its own journal must say so, or a
    // --resume after the retry fails would post those results a second time.
    let Killed {
        sb,
        dir,
        run_id,
        args,
        landed,
    } = killed_into_a_run(false);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.set_faults(Faults {
        errors: vec![ErrorFault {
            status: 503,
            every: Some(1),
            method: Some("add_results_for_cases".into()),
            ..Default::default()
        }],
        ..Faults::default()
    });
    let failed = crate::common::cmd(&sb)
        .current_dir(dir.path())
        .args(&args)
        .args(["--retries", "0", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(6), "{failed:?}");
    let s: Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(s["already_posted"], landed);
    let file = dir.path().join(s["resume_file"].as_str().unwrap());
    sb.set_faults(Faults::default());
    let out = crate::common::cmd(&sb)
        .current_dir(dir.path())
        .args(["submit", "--resume", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ok(&out);
    one_result_each(&sb, run_id);
}
