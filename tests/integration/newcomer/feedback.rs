//! Point 1: a wrong address fails at once with the fix, TLS to a plain-HTTP server says so,
//! long waits say what they wait for, and long work shows progress (or nothing, with -q).

use std::net::TcpListener;
use std::time::{Duration, Instant};

use testrail_report::sandbox::{ErrorFault, Faults, SandboxOptions, Seed};

use super::*;
use crate::common::FakeServer;

/// The binary with the real retry policy (1 s backoff, 5 retries): before the fix, a refused
/// connection took about 26 s of silence to fail.
fn real_backoff() -> assert_cmd::Command {
    let mut c = bare_cmd();
    c.env_remove("TESTRAIL_BACKOFF_MS")
        .env("TESTRAIL_USER", "u")
        .env("TESTRAIL_API_KEY", "k");
    c
}

/// A port nothing listens on (bound once, then released).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Run `run get 1` against `url` expecting the unreachable exit code within `limit`; stderr.
fn fails_fast(url: &str, limit: Duration) -> String {
    let started = Instant::now();
    let out = real_backoff()
        .env("TESTRAIL_URL", url)
        .args(["run", "get", "1", "--timeout", "5"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(started.elapsed() < limit, "{err}");
    err
}

#[test]
fn a_refused_connection_fails_at_once_with_the_fix() {
    let port = closed_port();
    let err = fails_fast(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(5));
    assert!(
        err.contains("after 2 attempt(s)")
            && err.contains("nothing accepts connections")
            && err.contains("--url / TESTRAIL_URL"),
        "{err}"
    );
}

#[test]
fn a_refused_proxy_is_named_as_the_proxy() {
    let port = closed_port();
    let mut c = real_backoff();
    c.env("TESTRAIL_PROXY", format!("http://127.0.0.1:{port}"));
    let out = c
        .env("TESTRAIL_URL", "https://testrail.example/")
        .args(["run", "get", "1"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("cannot connect through --proxy / TESTRAIL_PROXY") && err.contains("after 2"),
        "{err}"
    );
}

#[test]
fn an_unknown_host_fails_at_once_with_the_fix() {
    // `.invalid` never resolves (RFC 2606); the resolver may take a moment to say so.
    let err = fails_fast("https://testrail.invalid/", Duration::from_secs(15));
    assert!(
        err.contains("cannot find the host testrail.invalid") && err.contains("--url"),
        "{err}"
    );
}

#[test]
fn https_to_a_plain_http_server_says_to_use_http() {
    let server = FakeServer::start(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
    );
    let err = fails_fast(
        &server.url.replace("http://", "https://"),
        Duration::from_secs(5),
    );
    assert!(
        err.contains("the server speaks plain HTTP") && err.contains("use http://"),
        "{err}"
    );
    assert!(
        err.contains("after 1 attempt(s)"),
        "retrying cannot help: {err}"
    );
}

fn rate_limit_once(retry_after: u64) -> Faults {
    Faults {
        errors: vec![ErrorFault {
            status: 429,
            next: Some(1),
            method: Some("get_runs".into()),
            retry_after: Some(retry_after),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    }
}

#[test]
fn a_wait_of_two_seconds_says_what_why_and_how_long_unless_quiet() {
    let sb = sandbox();
    sb.set_faults(rate_limit_once(2));
    let out = cmd(&sb)
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let waits: Vec<&str> = err.lines().filter(|l| l.starts_with("waiting")).collect();
    assert_eq!(waits.len(), 1, "{err}");
    assert!(
        waits[0].starts_with("waiting 2 s: ")
            && waits[0].contains("HTTP 429")
            && waits[0].contains("Retry-After: 2"),
        "{err}"
    );

    sb.set_faults(rate_limit_once(2));
    let out = cmd(&sb)
        .args(["-q", "run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "--quiet prints no waits");

    // A short wait is not worth a line.
    sb.set_faults(rate_limit_once(1));
    let out = cmd(&sb)
        .args(["run", "list", "--project-id", "1"])
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("waiting"), "{}", stderr(&out));
}

/// An empty single-suite project with one section, for case creation.
fn empty_project() -> SandboxOptions {
    let mut seed = Seed::empty();
    seed.project("Fresh", 1).suite("Master").section("Imported");
    SandboxOptions {
        seed,
        ..SandboxOptions::default()
    }
}

#[test]
fn case_creation_result_posting_and_paging_show_progress_in_logs() {
    let sb = sandbox_with(empty_project());
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..30).map(|n| format!("test_{n}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let report = junit(dir.path(), &names);
    let submit = |extra: &[&str]| {
        cmd(&sb)
            .current_dir(dir.path())
            // Show every update at once, as a long submit would every ten seconds.
            .env("TESTRAIL_PROGRESS_MS", "0")
            .args(["submit", "--project-id", "1", "--create-missing-cases"])
            .args(["--section-id", "1", "--batch-size", "10"])
            .args(extra)
            .arg(&report)
            .output()
            .unwrap()
    };
    let out = submit(&[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let creating: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("Creating cases: "))
        .collect();
    assert!(creating.len() >= 30, "{err}");
    assert!(creating.iter().any(|l| l.contains("30/30 (100%)")), "{err}");
    // Delivery reports each batch with an estimate of the time left.
    assert!(
        err.lines()
            .any(|l| l.contains("30 of 30 result(s) accepted")),
        "{err}"
    );
    assert!(err.contains("Reading cases: "), "{err}");
    assert!(!err.contains('\r'), "no carriage returns in a log: {err:?}");

    let out = submit(&["--quiet"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "--quiet prints no progress");
    assert!(stdout(&out).contains("R2"), "{}", stdout(&out));
}
