//! (7) `--deadline` bounds the whole command, requests in flight included.

use std::time::{Duration, Instant};

use super::*;
use testrail_report::sandbox::{DelayFault, SandboxOptions};

/// A server that accepts connections and never answers an API call.
fn never_answering() -> Sandbox {
    sandbox_with(SandboxOptions {
        faults: Faults {
            delays: vec![DelayFault {
                ms: 3_600_000,
                method: None,
            }],
            ..Faults::default()
        },
        ..SandboxOptions::default()
    })
}

#[test]
fn a_never_answering_server_is_left_at_the_deadline() {
    // What broke: `--deadline 10` exited after 60 s, because the request in flight ran to
    // its own --timeout.
    let sb = never_answering();
    let dir = tempfile::tempdir().unwrap();
    let xml = report(dir.path(), "r.xml", [1, 2]);
    let runs: [&[&str]; 2] = [
        &["--deadline", "3", "run", "get", "1"],
        &[
            "--deadline",
            "3",
            "submit",
            "--project-id",
            "1",
            xml.to_str().unwrap(),
        ],
    ];
    for args in runs {
        let started = Instant::now();
        let out = cmd(&sb)
            .args(args)
            .current_dir(dir.path())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let took = started.elapsed();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {err}");
        // Generous margin for a loaded CI machine; the old behaviour took 60 s or more.
        assert!(
            took < Duration::from_secs(20),
            "{args:?} took {took:?}: {err}"
        );
        assert!(
            took >= Duration::from_secs(2),
            "{args:?} gave up early: {err}"
        );
    }
}

#[test]
fn without_deadline_each_call_is_cut_at_its_own_budget() {
    // Unset, --deadline is a per-call budget (300 s); the request in flight used to run to
    // its own --timeout past it (372 s with the defaults). Here: a 2 s budget, a 60 s timeout.
    use testrail_report::testrail::{Client, ClientOptions};
    let sb = never_answering();
    let cfg = crate::common::connection(&sb, Duration::from_secs(60));
    let opts = ClientOptions {
        deadline: Duration::from_secs(2),
        backoff_base: Duration::from_millis(10),
        ..ClientOptions::default()
    };
    let client = Client::new(&cfg, &opts).unwrap();
    let started = Instant::now();
    let answer = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(client.get_project(1));
    let took = started.elapsed();
    assert!(answer.is_err());
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(took >= Duration::from_millis(1900), "took {took:?}");
}
