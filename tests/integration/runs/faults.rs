//! The transport policy under injected faults: 429 in every form, 409/5xx, writes with an unknown outcome, the per-minute limit.

use super::*;

// ---- transport policy under faults ----

#[test]
fn rate_limits_are_waited_out_in_every_retry_after_form() {
    let sb = sandbox();
    for format in [
        RetryFormat::Seconds,
        RetryFormat::HttpDate,
        RetryFormat::Missing,
    ] {
        sb.set_faults(fault(429, 2, format, Some("get_runs")));
        sb.clear_requests();
        let out = cmd(&sb)
            .args(["--verbose", "run", "list", "--project-id", "1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{format:?}: {}", stderr_of(&out));
        assert_eq!(calls(&sb, "get_runs"), 3, "{format:?}");
        let err = stderr_of(&out);
        let expected = match format {
            RetryFormat::Missing => "no Retry-After",
            _ => "Retry-After: ",
        };
        assert_eq!(err.matches("retrying GET").count(), 2, "{err}");
        assert!(err.contains(expected), "{format:?}: {err}");
    }
}

#[test]
fn maintenance_and_server_errors_are_retried_with_backoff() {
    let sb = sandbox();
    for status in [409, 500, 502, 503, 504] {
        sb.set_faults(fault(status, 2, RetryFormat::Seconds, Some("get_run")));
        sb.clear_requests();
        let out = cmd(&sb)
            .args(["--verbose", "run", "get", "1"])
            .output()
            .unwrap();
        // Run 1 does not exist: after the retries TestRail's own 400 comes through.
        assert_eq!(out.status.code(), Some(4), "{status}: {}", stderr_of(&out));
        assert_eq!(calls(&sb, "get_run"), 3, "{status}");
        assert!(
            stderr_of(&out).contains(&format!("HTTP {status}")),
            "{status}"
        );
    }
    // Out of retries: exit 5 and a message naming the settings.
    sb.set_faults(fault(503, 10, RetryFormat::Seconds, Some("get_run")));
    sb.clear_requests();
    let out = cmd(&sb)
        .args(["--retries", "2", "run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(calls(&sb, "get_run"), 3);
    assert!(stderr_of(&out).contains("--retries"), "{}", stderr_of(&out));
}

#[test]
fn a_post_refused_with_503_is_resent_but_one_with_500_is_checked_first() {
    let sb = sandbox();
    sb.set_faults(fault(503, 1, RetryFormat::Seconds, Some("add_run")));
    let run = json_of(cmd(&sb).args([
        "run",
        "create",
        "--project-id",
        "1",
        "--name",
        "once",
        "--case-ids",
        "1",
    ]));
    assert_eq!(calls(&sb, "add_run"), 2);
    assert!(stored_run(&sb, id_of(&run)).is_some());

    // A 500 may come after the server acted: the run is read before close_run is sent again.
    sb.set_faults(fault(500, 1, RetryFormat::Seconds, Some("close_run")));
    sb.clear_requests();
    let out = cmd(&sb)
        .args(["run", "close", &id_of(&run).to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("outcome of POST close_run/") && err.contains("checking the run"),
        "{err}"
    );
    let order: Vec<_> = sb
        .requests()
        .iter()
        .filter_map(|r| r.api_method.clone())
        .collect();
    assert_eq!(order, ["close_run", "get_run", "close_run"]);
    assert_eq!(stored_run(&sb, id_of(&run)).unwrap()["is_completed"], true);
}

fn drop_next(method: &str) -> Faults {
    Faults {
        drops: vec![DropFault {
            method: Some(method.into()),
            next: 1,
        }],
        ..Faults::default()
    }
}

#[test]
fn dropped_answers_to_close_update_and_delete_are_checked_not_repeated_blindly() {
    let sb = sandbox();
    let run = json_of(cmd(&sb).args(["run", "create", "--project-id", "1", "--case-ids", "1"]));
    let id = id_of(&run).to_string();

    // update_run is idempotent: sent once more.
    sb.set_faults(drop_next("update_run"));
    let out = cmd(&sb)
        .args(["run", "update", &id, "--name", "renamed"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(calls(&sb, "update_run"), 2);
    assert_eq!(stored_run(&sb, id_of(&run)).unwrap()["name"], "renamed");

    // close_run was applied: found closed, not sent again.
    sb.set_faults(drop_next("close_run"));
    let out = cmd(&sb).args(["run", "close", &id]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("closed after all"));
    assert_eq!(calls(&sb, "close_run"), 1);

    // delete_run was applied: the run is gone, no second delete.
    sb.set_faults(drop_next("delete_run"));
    let out = cmd(&sb)
        .args(["run", "delete", &id, "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("deleted after all"));
    assert_eq!(calls(&sb, "delete_run"), 1);
    assert!(stored_run(&sb, id_of(&run)).is_none());
}

#[test]
fn add_run_with_a_dropped_answer_is_found_not_created_twice() {
    let sb = sandbox();
    sb.set_faults(drop_next("add_run"));
    let out = cmd(&sb)
        .args([
            "run",
            "create",
            "--project-id",
            "1",
            "--name",
            "dropped",
            "--case-ids",
            "1,2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(calls(&sb, "add_run"), 1);
    let named: Vec<_> = entities(&sb.state(), "runs")
        .filter(|r| r["name"] == "dropped")
        .cloned()
        .collect();
    assert_eq!(named.len(), 1, "exactly one run");
    assert!(stderr_of(&out).contains("created after all"));
}

#[test]
fn requests_are_spread_under_a_per_minute_limit() {
    let sb = sandbox_with(many_runs(260));
    let started = std::time::Instant::now();
    json_of(cmd(&sb).args([
        "--max-requests-per-minute",
        "600",
        "run",
        "list",
        "--project-id",
        "1",
    ]));
    // Two pages at 600/min: the second starts at least 100 ms after the first.
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));
}

#[test]
fn the_deadline_ends_retrying_before_the_retries_run_out() {
    let sb = sandbox();
    sb.set_faults(fault(503, 50, RetryFormat::Seconds, Some("get_run")));
    let out = cmd(&sb)
        .env("TESTRAIL_BACKOFF_MS", "300")
        .args(["--deadline", "1", "--retries", "20", "run", "get", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = stderr_of(&out);
    assert!(err.contains("would pass the 1 s deadline"), "{err}");
    // 300 ms, then 600 ms: a third wait (1.2 s) would cross the deadline.
    assert!(
        (2..=3).contains(&calls(&sb, "get_run")),
        "{}",
        calls(&sb, "get_run")
    );
}
