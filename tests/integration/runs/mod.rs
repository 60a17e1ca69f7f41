//! `testrail-report run ...` against the sandbox: every command, paging, filters, URL forms,
//! TestRail's errors, the transport policy under injected faults, and secret hygiene.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use testrail_report::sandbox::{
    DEFAULT_USER, DropFault, ErrorFault, Faults, RetryFormat, Sandbox, SandboxOptions, Seed,
};

use crate::common::{FakeServer, bare_cmd, calls, cmd, json_of, paths, sandbox, sandbox_with};

mod commands;
mod connection;
mod faults;
mod listing;
mod secrets;
mod tls;

/// The case IDs a run holds, from the sandbox's own state.
fn cases_in(sb: &Sandbox, run_id: u64) -> BTreeSet<u64> {
    let state = sb.state();
    entities(&state, "tests")
        .filter(|t| t["run_id"] == run_id)
        .map(|t| t["case_id"].as_u64().unwrap())
        .collect()
}

/// A run as the sandbox stores it, if it exists.
fn stored_run(sb: &Sandbox, run_id: u64) -> Option<Value> {
    let state = sb.state();
    entities(&state, "runs")
        .find(|r| r["id"] == run_id)
        .cloned()
}

/// The objects of one kind in a state dump (stored as an ID-keyed map).
fn entities<'a>(state: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> {
    state[kind].as_object().into_iter().flat_map(|m| m.values())
}

fn id_of(v: &Value) -> u64 {
    v["id"].as_u64().expect("an id")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The demo project plus `n` runs of one case each.
fn many_runs(n: usize) -> SandboxOptions {
    let mut seed = Seed::demo();
    let project = &mut seed.projects[0];
    for i in 1..=n {
        project.run(json!({"name": format!("R{i}"), "include_all": false, "case_ids": [1]}));
    }
    SandboxOptions {
        seed,
        ..SandboxOptions::default()
    }
}

/// An error fault for the next `next` calls (of `method`, or of every method).
fn fault(status: u16, next: u64, format: RetryFormat, method: Option<&str>) -> Faults {
    Faults {
        errors: vec![ErrorFault {
            status,
            next: Some(next),
            retry_after: Some(1),
            retry_format: format,
            method: method.map(str::to_string),
            ..ErrorFault::default()
        }],
        ..Faults::default()
    }
}
