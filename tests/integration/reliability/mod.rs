//! Issue 22, "nothing lost, nothing leaked": each guarantee against the sandbox with the
//! fault that used to break it (echoing error bodies, off-origin paging links, a server that
//! never answers, 429s under concurrent shards, crashes mid-submit, symlink loops, huge input).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use testrail_report::sandbox::{ErrorFault, Faults, Sandbox, SandboxOptions, Seed};

use crate::common::{cmd, sandbox_with};

mod crash;
mod deadline;
mod huge_texts;
mod journal;
mod leaks;
mod memory;
mod paging;
mod recovery;
mod retry;
mod shards;
mod small;
mod symlinks;
mod the_end;

/// A JUnit report naming `C<id>` for each ID, all passing, written into `dir`.
fn report(dir: &Path, name: &str, ids: impl IntoIterator<Item = u64>) -> PathBuf {
    let cases: String = ids
        .into_iter()
        .map(|id| format!("<testcase classname=\"pkg.S\" name=\"test_C{id}\" time=\"1\"/>\n"))
        .collect();
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("<?xml version=\"1.0\"?>\n<testsuite name=\"s\">\n{cases}</testsuite>\n"),
    )
    .unwrap();
    path
}

/// A sandbox whose project 1 has `cases` cases (C1..), with these faults from the start.
fn with_cases(cases: u64, faults: Faults) -> Sandbox {
    let mut seed = Seed::empty();
    seed.project("Reliability", 1)
        .suite("Main")
        .section("All")
        .cases(cases as usize, "t");
    sandbox_with(SandboxOptions {
        seed,
        faults,
        ..SandboxOptions::default()
    })
}

/// Start the binary in `dir` with a clean environment and the sandbox's credentials; stderr
/// is piped for the caller to read (a plain process: several run at once, or get killed).
fn spawn(sb: &Sandbox, dir: &Path, args: &[&str]) -> std::process::Child {
    use testrail_report::sandbox::{DEFAULT_API_KEY, DEFAULT_USER};
    std::process::Command::new(env!("CARGO_BIN_EXE_testrail-report"))
        .env_clear()
        .env("TESTRAIL_URL", sb.base_url())
        .env("TESTRAIL_USER", DEFAULT_USER)
        .env("TESTRAIL_API_KEY", DEFAULT_API_KEY)
        .env("TESTRAIL_BACKOFF_MS", "20")
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Assert the command succeeded, showing its stderr when it did not.
fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One error rule.
fn error(spec: &str) -> Faults {
    Faults {
        errors: vec![spec.parse::<ErrorFault>().unwrap()],
        ..Faults::default()
    }
}

/// Stdout and stderr together.
fn all_output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// case ID → number of results it holds in `run_id`, from the sandbox's state.
fn results_per_case(sb: &Sandbox, run_id: u64) -> BTreeMap<u64, usize> {
    let state = sb.state();
    let objects = |kind: &str| -> Vec<Value> {
        state[kind]
            .as_object()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    };
    let mut per_test: BTreeMap<u64, usize> = BTreeMap::new();
    for r in objects("results") {
        *per_test.entry(r["test_id"].as_u64().unwrap()).or_default() += 1;
    }
    objects("tests")
        .iter()
        .filter(|t| t["run_id"] == run_id)
        .map(|t| {
            let id = t["id"].as_u64().unwrap();
            (
                t["case_id"].as_u64().unwrap(),
                per_test.get(&id).copied().unwrap_or(0),
            )
        })
        .collect()
}
