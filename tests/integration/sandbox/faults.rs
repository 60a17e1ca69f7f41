//! Fault injection and the control endpoint.

use super::{assert_error, objects, run_with};
use crate::common::{api, basic_auth, http, sandbox};
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime};
use testrail_report::sandbox::{
    DEFAULT_API_KEY, DEFAULT_USER, DelayFault, DropFault, ErrorFault, Faults, RateLimit,
    RetryFormat,
};

fn errors(rules: Vec<ErrorFault>) -> Faults {
    Faults {
        errors: rules,
        ..Faults::default()
    }
}

#[test]
fn every_nth_call_gets_429_with_retry_after_in_each_form() {
    let sb = sandbox();
    sb.set_faults(errors(vec!["429:every=2:retry-after=2".parse().unwrap()]));
    assert_eq!(api(&sb, "get_project/1", None).status, 200);
    let limited = api(&sb, "get_project/1", None);
    assert_error(&limited, 429, "API rate limit reached");
    assert_eq!(limited.header("retry-after"), Some("2"));
    assert_eq!(api(&sb, "get_project/1", None).status, 200);

    let date = ErrorFault {
        status: 429,
        next: Some(1),
        retry_after: Some(3),
        retry_format: RetryFormat::HttpDate,
        ..ErrorFault::default()
    };
    sb.set_faults(errors(vec![date]));
    let limited = api(&sb, "get_project/1", None);
    let when = httpdate::parse_http_date(limited.header("retry-after").unwrap()).unwrap();
    assert!(when > SystemTime::now(), "the date lies ahead");

    sb.set_faults(errors(vec!["429:next=1:retry-after=none".parse().unwrap()]));
    let limited = api(&sb, "get_project/1", None);
    assert_eq!((limited.status, limited.header("retry-after")), (429, None));
}

#[test]
fn scripted_server_errors_hit_only_their_method_and_change_nothing() {
    let sb = sandbox();
    sb.set_faults(errors(vec!["503:next=2:method=add_run".parse().unwrap()]));
    assert_eq!(api(&sb, "get_project/1", None).status, 200);
    for _ in 0..2 {
        let refused = api(&sb, "add_run/1", Some(json!({})));
        assert_eq!(refused.status, 503);
        assert_eq!(
            refused.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
    assert_eq!(api(&sb, "add_run/1", Some(json!({}))).status, 200);
    assert_eq!(objects(&sb.state(), "runs").count(), 1);
    sb.set_faults(errors(vec![
        "409:next=1".parse().unwrap(),
        "500:next=1".parse().unwrap(),
    ]));
    assert_error(
        &api(&sb, "get_run/1", None),
        409,
        "Account is undergoing daily maintenance.",
    );
    let internal = api(&sb, "get_run/1", None);
    assert_eq!(internal.status, 500);
    assert!(internal.json()["error"].is_string());
}

#[test]
fn the_rate_limit_refuses_calls_beyond_the_window() {
    let sb = sandbox();
    sb.set_faults(Faults {
        rate_limit: Some(RateLimit {
            requests: 3,
            window_secs: Some(60),
        }),
        ..Faults::default()
    });
    for _ in 0..3 {
        assert_eq!(api(&sb, "get_project/1", None).status, 200);
    }
    let limited = api(&sb, "get_project/1", None);
    assert_eq!(limited.status, 429);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
}

#[test]
fn a_dropped_write_is_applied_but_never_answered() {
    let sb = sandbox();
    let run = run_with(&sb, &[1, 2]);
    sb.set_faults(Faults {
        drops: vec![DropFault {
            method: Some("add_results_for_cases".into()),
            next: 1,
        }],
        ..Faults::default()
    });
    let auth = basic_auth(DEFAULT_USER, DEFAULT_API_KEY);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let target = format!("/index.php?/api/v2/add_results_for_cases/{run}");
    let body = json!({"results": [{"case_id": 1, "status_id": 1}]}).to_string();
    let answer = http(sb.addr(), "POST", &target, &headers, body.as_bytes());
    assert!(
        answer.is_err(),
        "expected a dropped connection, got {answer:?}"
    );
    assert_eq!(
        objects(&sb.state(), "results").count(),
        1,
        "the write was applied"
    );
    let logged = sb.requests().pop().unwrap();
    assert!(logged.dropped);
    assert_eq!(logged.status, 200);
    let again = http(sb.addr(), "POST", &target, &headers, body.as_bytes()).unwrap();
    assert_eq!(again.status, 200, "only the next write is dropped");
}

#[test]
fn delays_hold_back_only_their_method() {
    let sb = sandbox();
    sb.set_faults(Faults {
        delays: vec![DelayFault {
            ms: 150,
            method: Some("get_run".into()),
        }],
        ..Faults::default()
    });
    run_with(&sb, &[1]);
    let started = Instant::now();
    assert_eq!(api(&sb, "get_run/1", None).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

fn control(sb: &testrail_report::sandbox::Sandbox, method: &str, route: &str, body: &str) -> Value {
    let target = format!("/__sandbox/{route}");
    let headers = [("Content-Type", "application/json")];
    let answer = http(sb.addr(), method, &target, &headers, body.as_bytes()).unwrap();
    assert_eq!(answer.status, 200, "{method} {route}: {}", answer.body);
    answer.json()
}

#[test]
fn the_control_endpoint_sets_faults_and_shows_the_log_and_state_without_auth() {
    let sb = sandbox();
    control(
        &sb,
        "POST",
        "faults",
        r#"{"errors": [{"status": 502, "next": 1, "method": "get_run"}]}"#,
    );
    let run = run_with(&sb, &[1]);
    assert_eq!(api(&sb, &format!("get_run/{run}"), None).status, 502);
    assert_eq!(api(&sb, &format!("get_run/{run}"), None).status, 200);
    let faults = control(&sb, "GET", "faults", "");
    assert_eq!(faults["errors"][0]["next"], 0);
    assert_eq!(faults["errors"][0]["seen"], 2);
    let log = control(&sb, "GET", "requests", "");
    let run_body_size = json!({"name": "r", "include_all": false, "case_ids": [1]})
        .to_string()
        .len();
    assert_eq!(
        log[0],
        json!({"method": "POST", "api_method": "add_run", "path": "/index.php?/api/v2/add_run/1",
               "status": 200, "body_size": run_body_size, "injected": false, "dropped": false,
               "in_flight": 1})
    );
    assert_eq!(log[1]["injected"], true);
    assert_eq!(log.as_array().unwrap().len(), 3);
    let state = control(&sb, "GET", "state", "");
    assert_eq!(state["runs"]["1"]["name"], "r");
    assert_eq!(state["cases"].as_object().unwrap().len(), 12);
    let refused = http(
        sb.addr(),
        "POST",
        "/__sandbox/faults",
        &[],
        b"{\"bogus\": 1}",
    )
    .unwrap();
    assert_eq!(refused.status, 400);
    control(&sb, "POST", "reset", "");
    assert!(sb.state()["runs"].as_object().unwrap().is_empty());
    assert!(sb.requests().is_empty());
}
