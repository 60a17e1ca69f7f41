//! Delivery at the server's pace: the binary against sandboxes that model a real server's
//! latency, workers and per-minute budget. The assertions count requests in the sandbox's
//! log (how many were inside the server as each arrived, how many were refused); none of
//! them times the run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use testrail_report::sandbox::{
    DelayFault, ErrorFault, Faults, LoggedRequest, RateLimit, Sandbox, SandboxOptions, Seed,
};

use crate::common::{cmd, json_of, sandbox_with};

/// A sandbox whose demo suite holds cases 1..=`cases`, with these faults from the start.
fn server(cases: usize, faults: Faults) -> Sandbox {
    let mut seed = Seed::demo();
    seed.projects[0].suites[0].sections[0].cases(cases - 12, "bulk");
    sandbox_with(SandboxOptions {
        seed,
        faults,
        ..SandboxOptions::default()
    })
}

/// A JUnit report with one test per case 1..=`n` (every seventh fails).
fn report(dir: &Path, n: usize) -> PathBuf {
    report_with(dir, n, |i| {
        if i % 7 == 0 {
            "<failure message=\"boom\">trace</failure>"
        } else {
            ""
        }
    })
}

/// A JUnit report with one test per case 1..=`n`, test `i` holding `body(i)`.
fn report_with(dir: &Path, n: usize, body: fn(usize) -> &'static str) -> PathBuf {
    let mut xml = String::from("<testsuites><testsuite name=\"s\">\n");
    for i in 1..=n {
        xml.push_str(&format!(
            "<testcase classname=\"c\" name=\"C{i} test {i}\">{}</testcase>\n",
            body(i)
        ));
    }
    xml.push_str("</testsuite></testsuites>\n");
    let path = dir.join("r.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

/// The sandbox's log of result batches, in arrival order.
fn batches(sb: &Sandbox) -> Vec<LoggedRequest> {
    sb.requests()
        .into_iter()
        .filter(|r| r.api_method.as_deref() == Some("add_results_for_cases"))
        .collect()
}

/// Results per case in the server's state.
fn results_per_case(sb: &Sandbox) -> BTreeMap<u64, usize> {
    let state = sb.state();
    let mut per_case = BTreeMap::new();
    for r in state["results"].as_object().unwrap().values() {
        let test = &state["tests"][r["test_id"].to_string()];
        *per_case
            .entry(test["case_id"].as_u64().unwrap())
            .or_insert(0) += 1;
    }
    per_case
}

fn submit(sb: &Sandbox, report: &Path, extra: &[&str]) -> serde_json::Value {
    json_of(
        cmd(sb)
            .args(["submit", "--project-id", "1", "--close-run"])
            .args(extra)
            .arg(report),
    )
}

fn delay(ms: u64) -> Vec<DelayFault> {
    vec![DelayFault { ms, method: None }]
}

#[test]
fn a_server_that_keeps_up_gets_more_batches_at_once() {
    // Every request takes 400 ms and the server works on any number at once: latency stays
    // flat, so the client raises its level beyond where it started.
    let sb = server(
        1000,
        Faults {
            delays: delay(400),
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let s = submit(&sb, &report(dir.path(), 1000), &["--batch-size", "25"]);
    assert_eq!(s["results_posted"], 1000);
    assert_eq!(s["closed"], true);
    let log = batches(&sb);
    assert_eq!(log.len(), 40);
    let most = log.iter().map(|r| r.in_flight).max().unwrap();
    let start = testrail_report::submit::deliver::pace::START;
    let ceiling = testrail_report::submit::deliver::pace::CEILING;
    assert!(most > start && most <= ceiling, "at most {most} in flight");
    // The first wave is the starting level, no more.
    assert!(log[..start].iter().all(|r| r.in_flight <= start), "{log:?}");
    assert!(results_per_case(&sb).values().all(|n| *n == 1));
    assert_eq!(results_per_case(&sb).len(), 1000);
}

#[test]
fn a_server_with_few_workers_gets_fewer_batches_at_once() {
    // Two workers and 4 ms per result: at the starting level most batches queue inside the
    // server, latency climbs, and the client lowers its level.
    let sb = server(
        1000,
        Faults {
            workers: Some(2),
            result_cost_ms: Some(4),
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let s = submit(&sb, &report(dir.path(), 1000), &["--batch-size", "25"]);
    assert_eq!(s["results_posted"], 1000);
    let log = batches(&sb);
    let first = log[..8].iter().map(|r| r.in_flight).max().unwrap();
    let last = log[log.len() - 10..]
        .iter()
        .map(|r| r.in_flight)
        .max()
        .unwrap();
    assert!(first <= 8, "{log:?}");
    assert!(last < first, "still {last} in flight at the end: {log:?}");
    assert_eq!(results_per_case(&sb).len(), 1000);
}

#[test]
fn a_fixed_level_is_never_exceeded() {
    let sb = server(
        500,
        Faults {
            delays: delay(50),
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let s = submit(
        &sb,
        &report(dir.path(), 500),
        &["--batch-size", "25", "--parallel-batches", "3"],
    );
    assert_eq!(s["results_posted"], 500);
    let log = batches(&sb);
    assert_eq!(log.len(), 20);
    assert!(log.iter().all(|r| r.in_flight <= 3), "{log:?}");
    assert_eq!(log.iter().map(|r| r.in_flight).max(), Some(3));
}

#[test]
fn a_known_budget_is_paced_without_a_single_429() {
    // The server allows 10 requests a second; the client is told 480 a minute (8 a second)
    // and has 40 batches to send: the budget decides, and nothing bounces.
    let sb = server(
        1000,
        Faults {
            rate_limit: Some(RateLimit {
                requests: 10,
                window_secs: Some(1),
            }),
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let s = submit(
        &sb,
        &report(dir.path(), 1000),
        &["--batch-size", "25", "--max-requests-per-minute", "480"],
    );
    assert_eq!(s["results_posted"], 1000);
    assert_eq!(s["closed"], true);
    assert_eq!(s["retries"], 0);
    assert!(sb.requests().iter().all(|r| r.status != 429));
    assert!(results_per_case(&sb).values().all(|n| *n == 1));
}

#[test]
fn a_rate_limit_pause_says_what_why_and_how_long_without_verbose() {
    let sb = server(
        100,
        Faults {
            errors: vec![ErrorFault {
                status: 429,
                next: Some(1),
                method: Some("add_results_for_cases".into()),
                retry_after: Some(2),
                ..ErrorFault::default()
            }],
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(&sb)
        .args(["submit", "--project-id", "1", "--close-run"])
        .arg(report(dir.path(), 100))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("waiting ")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("2 s") && lines[0].contains("rate limit") && lines[0].contains("429"),
        "{err}"
    );
    assert!(results_per_case(&sb).values().all(|n| *n == 1));
    assert_eq!(results_per_case(&sb).len(), 100);
}

#[test]
fn the_status_look_up_goes_out_beside_add_run() {
    // Skipped tests need the instance's statuses (a custom "skipped" one, if any), but that
    // look-up cannot fail the submit, so it need not hold up opening the run.
    let sb = server(
        20,
        Faults {
            delays: delay(300),
            ..Faults::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let path = report_with(
        dir.path(),
        20,
        |i| if i % 4 == 0 { "<skipped/>" } else { "" },
    );
    let s = submit(&sb, &path, &[]);
    assert_eq!(s["results_posted"], 20);
    let log = sb.requests();
    let first_two: Vec<_> = log[..2]
        .iter()
        .map(|r| r.api_method.clone().unwrap_or_default())
        .collect();
    assert!(
        first_two.contains(&"get_statuses".to_string())
            && first_two.contains(&"add_run".to_string()),
        "{first_two:?}"
    );
    // The log is in order of answers; the later arrival saw the other inside the server.
    assert_eq!(log[0].in_flight.max(log[1].in_flight), 2, "{log:?}");
    // A bad status name is still refused before anything is written.
    sb.clear_requests();
    let out = cmd(&sb)
        .args(["submit", "--project-id", "1", "--status", "skipped=Nope"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        sb.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        sb.requests()
    );
}
