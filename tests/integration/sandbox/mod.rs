//! The sandbox itself, over the wire: TestRail's URL scheme, auth, errors, run and result
//! semantics, pagination, faults, the control endpoint and the binary.

mod binary;
mod faults;
mod plans;
mod protocol;
mod results;
mod runs;

use crate::common::{Answer, api};
use serde_json::{Value, json};
use testrail_report::sandbox::Sandbox;

/// Assert a TestRail error answer: status and exact `error` text.
fn assert_error(answer: &Answer, status: u16, message: &str) {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    assert_eq!(answer.json(), json!({ "error": message }));
}

/// Create a run in the demo project with exactly these cases; returns its ID.
fn run_with(sb: &Sandbox, case_ids: &[u64]) -> u64 {
    let answer = api(
        sb,
        "add_run/1",
        Some(json!({"name": "r", "include_all": false, "case_ids": case_ids})),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["id"].as_u64().unwrap()
}

/// (case_id, status_id) of each test in a run, from the server's state.
fn tests_of(sb: &Sandbox, run_id: u64) -> Vec<(u64, u64)> {
    let state = sb.state();
    let mut tests: Vec<(u64, u64)> = objects(&state, "tests")
        .filter(|t| t["run_id"] == run_id)
        .map(|t| {
            (
                t["case_id"].as_u64().unwrap(),
                t["status_id"].as_u64().unwrap(),
            )
        })
        .collect();
    tests.sort();
    tests
}

/// The entities of one kind in a state dump (an ID-keyed object).
fn objects<'a>(state: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> {
    state[kind].as_object().into_iter().flat_map(|m| m.values())
}
