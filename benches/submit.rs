//! Submit benchmark: the pipeline's own cost, and a whole submit against the sandbox.
//! Run with `cargo bench --bench submit`.
//!
//! 1. Planning (no network): 10k and 100k generated testcases (10% failing with 2 KiB stack
//!    traces, 5% skipped, every tenth case named by two tests) grouped per case, turned into
//!    results (statuses, comments, elapsed, fields) and split into batches. Best of three.
//! 2. End to end: 5,000 testcases (4,500 results) submitted to an in-process sandbox and the run
//!    closed, counting API calls: 1 get_statuses (there are skipped tests) + 1 add_run + 18
//!    batches + 1 close_run = 21.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use testrail_report::config::ConnectionConfig;
use testrail_report::report::{Format, Outcome, Record, RecordKind, Report, TestCase, Text};
use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER, Sandbox, SandboxOptions, Seed};
use testrail_report::secret::Secret;
use testrail_report::submit::deliver::batch::{DEFAULT_BATCH_SIZE, MAX_BATCH_BYTES, batches};
use testrail_report::submit::deliver::target::TargetSpec;
use testrail_report::submit::execute::submit;
use testrail_report::submit::options::SubmitOptions;
use testrail_report::submit::plan::aggregate::group_indices;
use testrail_report::submit::plan::comment::CommentOptions;
use testrail_report::submit::plan::results::{ResultOptions, plan_and_release};
use testrail_report::submit::plan::status::StatusOverrides;
use testrail_report::testrail::{Client, ClientOptions, NewRun};

fn main() {
    println!(
        "{:<10} {:>8} {:>8} {:>10} {:>10}",
        "planning", "tests", "cases", "best ms", "batches"
    );
    for n in [10_000, 100_000] {
        planning(n);
    }
    end_to_end(5_000);
}

/// `n` testcases mapped to about `0.9 n` cases.
fn tests(n: usize) -> Vec<(TestCase, u64)> {
    let file: Arc<Path> = Arc::from(Path::new("bench.xml"));
    let suite: Arc<[String]> = Arc::from(vec!["bench".to_string()]);
    let trace = "    at com.example.Thing.method(Thing.java:42)\n".repeat(48);
    (0..n)
        .map(|i| {
            let (outcome, records) = match i % 20 {
                0 | 1 => (
                    Outcome::Failed,
                    vec![Record {
                        kind: RecordKind::Failure,
                        kind_name: Some("AssertionError".into()),
                        message: Some(format!("expected {i} but was {}", i + 1)),
                        body: Text {
                            text: trace.clone(),
                            truncated: false,
                        },
                    }],
                ),
                2 => (Outcome::Skipped, Vec::new()),
                _ => (Outcome::Passed, Vec::new()),
            };
            let case = if i % 10 == 9 { i as u64 } else { i as u64 + 1 };
            let test = TestCase {
                outcome,
                time: Some(0.01 * (i % 300) as f64),
                records,
                ..TestCase::new(
                    file.clone(),
                    suite.clone(),
                    "com.example.BenchTest".into(),
                    format!("test_{i}_C{case}"),
                )
            };
            (test, case)
        })
        .collect()
}

fn planning(n: usize) {
    let data = tests(n);
    let opts = ResultOptions {
        status: StatusOverrides::default().resolve(None).unwrap(),
        comment: CommentOptions {
            job_url: Some("https://ci.example/job/1".into()),
            ..CommentOptions::default()
        },
        elapsed_ms: false,
        fields: vec!["version=1.4.2".parse().unwrap()],
        assignees: Vec::new(),
    };
    let (mut best, mut cases, mut n_batches) = (Duration::MAX, 0, 0);
    let mapped: Vec<Vec<u64>> = data.iter().map(|(_, c)| vec![*c]).collect();
    for _ in 0..3 {
        // The pipeline's own path: planning releases texts, so each round gets fresh reports.
        let mut reports = [Report {
            path: Arc::from(Path::new("bench.xml")),
            format: Format::Junit,
            tests: data.iter().map(|(t, _)| t.clone()).collect(),
            warnings: Vec::new(),
        }];
        let start = Instant::now();
        let members = group_indices(&mapped);
        let plan = plan_and_release(&mut reports, &members, &opts).unwrap();
        let entries: Vec<_> = plan.results.iter().map(|r| &r.entry).collect();
        let b = batches(&entries, DEFAULT_BATCH_SIZE, MAX_BATCH_BYTES);
        best = best.min(start.elapsed());
        (cases, n_batches) = (members.len(), b.len());
    }
    println!(
        "{:<10} {:>8} {:>8} {:>10.1} {:>10}",
        "",
        n,
        cases,
        best.as_secs_f64() * 1e3,
        n_batches
    );
}

fn end_to_end(n: usize) {
    let mut seed = Seed::empty();
    seed.custom_status(6, "skipped");
    seed.project("Bench", 1)
        .suite("Main")
        .section("All")
        .cases(n, "t");
    let sandbox = Sandbox::spawn(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
    .unwrap();
    let data: Vec<TestCase> = tests(n).into_iter().map(|(t, _)| t).collect();
    let mut report = Report {
        path: Arc::from(Path::new("bench.xml")),
        format: Format::Junit,
        tests: data,
        warnings: Vec::new(),
    };
    let cfg = ConnectionConfig {
        url: sandbox.base_url(),
        user: DEFAULT_USER.into(),
        api_key: Secret::new(DEFAULT_API_KEY),
        timeout: Duration::from_secs(60),
        ca_cert: None,
        insecure: false,
        proxy: None,
    };
    let client = Client::new(&cfg, &ClientOptions::default()).unwrap();
    let mut opts = SubmitOptions::new(TargetSpec::New {
        project_id: 1,
        run: NewRun {
            name: Some("bench".into()),
            ..NewRun::default()
        },
    });
    opts.close_run = true;
    let case_of = |t: &TestCase| -> Vec<u64> {
        let digits = t.name.rsplit('C').next().unwrap_or("");
        digits.parse().into_iter().collect()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let done = runtime
        .block_on(submit(
            Some(&client),
            std::slice::from_mut(&mut report),
            &case_of,
            &opts,
        ))
        .unwrap();
    let wall = start.elapsed().as_secs_f64();
    let s = &done.summary;
    println!(
        "\nend to end: {} results into run R{} (closed: {}), {} API calls, {} retries, {wall:.2} s",
        s.results_posted,
        s.run_id.unwrap_or(0),
        s.closed,
        s.api_calls,
        s.retries
    );
}
