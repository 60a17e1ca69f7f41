//! `testrail-report rerun`: read a run's tests with the chosen statuses (`get_tests` with
//! `status_id`, every page), find for each the names `submit` kept in its latest result's first
//! comment line (`get_results_for_run`), and print the selector that re-runs exactly them.
//!
//! A test without such a line (reported by another tool, or never reported) cannot be named;
//! it is listed on stderr and left out rather than guessed from its case title.

mod selectors;

use std::collections::HashMap;

use crate::cli::GlobalArgs;
use crate::cli::rerun::RerunArgs;
use crate::error::usage;
use crate::submit::plan::test_names;
use crate::testrail::{Client, Status};

use super::run::{api, show::write_out};
use selectors::{RerunTest, render};

/// Run `rerun`; returns the exit code.
pub fn execute(global: &GlobalArgs, args: &RerunArgs) -> anyhow::Result<i32> {
    let client = super::connect(&args.remote, global)?;
    let tests = super::block_on(collect(&client, args))??;
    write_out(&render(args.format, &tests))?;
    Ok(crate::exit::SUCCESS)
}

async fn collect(client: &Client, args: &RerunArgs) -> anyhow::Result<Vec<RerunTest>> {
    let statuses = client.get_statuses().await.map_err(api)?;
    let status_ids = status_ids(&args.status, &statuses)?;
    let run_id = args.run_id;
    let tests = client
        .get_tests_with_status(run_id, &status_ids)
        .await
        .map_err(api)?;
    if tests.is_empty() {
        eprintln!(
            "Run R{run_id} has no test with status {}; nothing to re-run",
            args.status.join(", ")
        );
        return Ok(Vec::new());
    }
    // Newest first, so the first named result of a test is its latest.
    let mut names: HashMap<u64, Vec<(String, String)>> = HashMap::new();
    for result in client.get_results_for_run(run_id).await.map_err(api)? {
        if names.contains_key(&result.test_id) {
            continue;
        }
        if let Some(pairs) = result.comment.as_deref().and_then(test_names::parse) {
            names.insert(result.test_id, pairs);
        }
    }
    let mut out = Vec::new();
    let mut unnamed = Vec::new();
    for test in &tests {
        match names.get(&test.id) {
            Some(pairs) => out.extend(pairs.iter().map(|(classname, name)| RerunTest {
                case_id: test.case_id,
                test_id: test.id,
                status_id: test.status_id,
                classname: classname.clone(),
                name: name.clone(),
            })),
            None => unnamed.push(format!("C{}", test.case_id)),
        }
    }
    crate::progress::note(&format!(
        "Run R{run_id}: {} case(s) with status {}, {} test(s) to re-run",
        tests.len(),
        args.status.join(", "),
        out.len()
    ));
    if !unnamed.is_empty() {
        eprintln!(
            "warning: {} has no result from testrail-report naming its tests (never reported, \
             or reported by another tool); left out",
            unnamed.join(", ")
        );
    }
    Ok(out)
}

/// Status names, labels or IDs → IDs, against the instance's statuses.
fn status_ids(wanted: &[String], statuses: &[Status]) -> anyhow::Result<Vec<u64>> {
    let mut ids = Vec::new();
    for w in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let found = statuses.iter().find(|s| {
            s.id.to_string() == w
                || s.name.eq_ignore_ascii_case(w)
                || s.label.eq_ignore_ascii_case(w)
        });
        match found {
            Some(s) if !ids.contains(&s.id) => ids.push(s.id),
            Some(_) => {}
            None => {
                let known: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
                return Err(usage(format!(
                    "--status: TestRail has no status \"{w}\" (known: {})",
                    known.join(", ")
                )));
            }
        }
    }
    if ids.is_empty() {
        return Err(usage("--status: name at least one status, e.g. failed"));
    }
    Ok(ids)
}
