//! A run: its name, state and status chart, then every test with its latest result — status,
//! comment, elapsed time and step results — as a tester checking a submit would look for them.

use super::layout::{chart, esc, page, status_cell};
use crate::sandbox::store::{Store, TestResult};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The run page, or `None` for an unknown run.
pub fn view(store: &Store, base: &str, run_id: u64) -> Option<String> {
    let run = store.runs.get(&run_id)?;
    let tests: Vec<_> = store.tests_of_run(run_id).collect();
    let mut counts = BTreeMap::new();
    for test in &tests {
        *counts.entry(test.status_id).or_insert(0u64) += 1;
    }
    let latest = latest_results(store, &tests.iter().map(|t| t.id).collect::<Vec<_>>());
    let mut rows = String::new();
    for test in &tests {
        let title = store
            .cases
            .get(&test.case_id)
            .map_or("(deleted case)", |c| c.title.as_str());
        let result = latest.get(&test.id).copied();
        let _ = write!(
            rows,
            "<tr class=\"test\" id=\"T{tid}\"><td>T{tid}</td><td>C{cid}</td><td>{title}</td>\
             <td class=\"status\">{status}</td><td>{elapsed}</td><td>{comment}{steps}</td></tr>",
            tid = test.id,
            cid = test.case_id,
            title = esc(title),
            status = status_cell(store, test.status_id),
            elapsed = esc(result.and_then(|r| r.elapsed.as_deref()).unwrap_or("")),
            comment = result
                .and_then(|r| r.comment.as_deref())
                .map(|c| format!("<pre class=\"comment\">{}</pre>", esc(c)))
                .unwrap_or_default(),
            steps = result.map(|r| steps(store, r)).unwrap_or_default(),
        );
    }
    let project = store
        .projects
        .get(&run.project_id)
        .map(|p| {
            format!(
                "<a href=\"index.php?/projects/overview/{}\">{}</a>",
                p.id,
                esc(&p.name)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<p>{project} &middot; Run R{id} &middot; <strong class=\"state\">{state}</strong>\
         {description}</p>{chart}\
         <table><tr><th>ID</th><th>Case</th><th>Title</th><th>Status</th><th>Elapsed</th>\
         <th>Latest result</th></tr>{rows}</table>",
        id = run.id,
        state = if run.is_completed {
            "Completed"
        } else {
            "Active"
        },
        description = run
            .description
            .as_deref()
            .map(|d| format!("<br>{}", esc(d)))
            .unwrap_or_default(),
        chart = chart(store, &counts),
    );
    Some(page(base, &run.name, &body))
}

/// The newest result of each of these tests (results are numbered in the order posted).
fn latest_results<'a>(store: &'a Store, test_ids: &[u64]) -> HashMap<u64, &'a TestResult> {
    let wanted: std::collections::HashSet<u64> = test_ids.iter().copied().collect();
    let mut latest = HashMap::new();
    for result in store.results.values() {
        if wanted.contains(&result.test_id) {
            latest.insert(result.test_id, result);
        }
    }
    latest
}

/// The result's step results (`custom_step_results`), as a list with each step's status.
fn steps(store: &Store, result: &TestResult) -> String {
    let Some(Value::Array(steps)) = result.extra.get("custom_step_results") else {
        return String::new();
    };
    let mut items = String::new();
    for step in steps {
        let content = step.get("content").and_then(Value::as_str).unwrap_or("");
        let status = step.get("status_id").and_then(Value::as_u64).unwrap_or(3);
        let _ = write!(
            items,
            "<li>{} &mdash; {}</li>",
            status_cell(store, status),
            esc(content)
        );
    }
    format!("<ol class=\"steps\">{items}</ol>")
}
