//! The dashboard (every project), a project's overview and its runs list.

use super::layout::{chart, esc, page};
use crate::sandbox::store::{Run, Store};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Every project, linking to its overview.
pub fn dashboard(store: &Store, base: &str) -> String {
    let mut rows = String::new();
    for p in store.projects.values() {
        let open = store
            .runs
            .values()
            .filter(|r| r.project_id == p.id && !r.is_completed)
            .count();
        let _ = write!(
            rows,
            "<tr><td><a href=\"index.php?/projects/overview/{id}\">{name}</a></td>\
             <td>{open} active run(s)</td><td><a href=\"index.php?/runs/overview/{id}\">Test runs</a></td></tr>",
            id = p.id,
            name = esc(&p.name),
        );
    }
    page(
        base,
        "Dashboard",
        &format!("<table><tr><th>Project</th><th>Runs</th><th></th></tr>{rows}</table>"),
    )
}

/// A project's overview: its suites and its runs, newest first.
pub fn overview(store: &Store, base: &str, project_id: u64) -> Option<String> {
    let project = store.projects.get(&project_id)?;
    let suites: Vec<String> = store
        .suites
        .values()
        .filter(|s| s.project_id == project_id)
        .map(|s| format!("S{} {}", s.id, esc(&s.name)))
        .collect();
    let body = format!(
        "<p>Project P{id}. Suites: {suites}.</p><h2>Test runs</h2>{runs}",
        id = project.id,
        suites = if suites.is_empty() {
            "none".into()
        } else {
            suites.join(", ")
        },
        runs = runs_table(store, project_id),
    );
    Some(page(base, &project.name, &body))
}

/// A project's runs list (TestRail's "Test Runs & Results").
pub fn runs(store: &Store, base: &str, project_id: u64) -> Option<String> {
    let project = store.projects.get(&project_id)?;
    let body = format!(
        "<p><a href=\"index.php?/projects/overview/{id}\">{name}</a></p>{runs}",
        id = project.id,
        name = esc(&project.name),
        runs = runs_table(store, project_id),
    );
    Some(page(base, "Test Runs & Results", &body))
}

/// One row per run of the project, newest first, with its chart.
fn runs_table(store: &Store, project_id: u64) -> String {
    let mut runs: Vec<&Run> = store
        .runs
        .values()
        .filter(|r| r.project_id == project_id)
        .collect();
    runs.sort_by_key(|r| std::cmp::Reverse(r.id));
    if runs.is_empty() {
        return "<p>No test runs yet.</p>".into();
    }
    let mut rows = String::new();
    for run in runs {
        let mut counts = BTreeMap::new();
        for test in store.tests_of_run(run.id) {
            *counts.entry(test.status_id).or_insert(0u64) += 1;
        }
        let plan = run
            .plan_id
            .map(|p| format!(" (plan P{p})"))
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr><td><a href=\"index.php?/runs/view/{id}\">R{id} {name}</a>{plan}</td>\
             <td>{state}</td><td>{chart}</td></tr>",
            id = run.id,
            name = esc(&run.name),
            state = if run.is_completed {
                "Completed"
            } else {
                "Active"
            },
            chart = chart(store, &counts),
        );
    }
    format!("<table><tr><th>Run</th><th>State</th><th>Results</th></tr>{rows}</table>")
}
