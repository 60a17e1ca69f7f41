//! Printing plans: a plan with its entries and runs, or a table of plans.

use std::fmt::Write as _;

use crate::commands::run::show::write_out;
use crate::testrail::{Plan, Run};
use crate::timestamp::format_utc;

/// Print one plan with its entries and their runs.
pub fn write_plan(plan: &Plan) -> anyhow::Result<()> {
    write_out(&summary(plan))
}

/// A plan as text: its state and counters, then each entry with its runs.
pub fn summary(plan: &Plan) -> String {
    let mut text = format!(
        "Plan {}: {}\n  project {}, milestone {}, {}\n  tests: passed {}, failed {}, untested {}\n",
        plan.id,
        plan.name,
        opt(plan.project_id),
        opt(plan.milestone_id),
        state(plan.is_completed, plan.completed_on),
        plan.passed_count,
        plan.failed_count,
        plan.untested_count,
    );
    if let Some(url) = &plan.url {
        let _ = writeln!(text, "  {url}");
    }
    if plan.entries.is_empty() {
        text.push_str("  no entries\n");
    }
    for entry in &plan.entries {
        let _ = writeln!(
            text,
            "  Entry \"{}\" (suite {}, {} run(s)) {}",
            entry.name,
            opt(entry.suite_id),
            entry.runs.len(),
            entry.id
        );
        for run in &entry.runs {
            let _ = writeln!(text, "    {}", run_line(run));
        }
    }
    text
}

/// `R7 [Chrome, Linux] active, tests 3: passed 1, failed 1`
pub fn run_line(run: &Run) -> String {
    let config = run
        .extra
        .get("config")
        .and_then(|c| c.as_str())
        .filter(|c| !c.is_empty())
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    format!(
        "R{}{config} {}, tests {}: passed {}, failed {}, untested {}",
        run.id,
        state(run.is_completed, run.completed_on),
        run.test_count(),
        run.passed_count,
        run.failed_count,
        run.untested_count
    )
}

/// Print plans as a table, newest first as TestRail lists them.
pub fn table(plans: &[Plan]) -> anyhow::Result<()> {
    let mut text = format!(
        "{:>8}  {:<9}  {:<16}  {:>6}  {:>6}  {:>8}  {}\n",
        "ID", "STATE", "CREATED (UTC)", "PASSED", "FAILED", "UNTESTED", "NAME"
    );
    for p in plans {
        let state = if p.is_completed {
            "completed"
        } else {
            "active"
        };
        let created = p.created_on.map_or("-".to_string(), format_utc);
        let _ = writeln!(
            text,
            "{:>8}  {:<9}  {:<16}  {:>6}  {:>6}  {:>8}  {}",
            p.id, state, created, p.passed_count, p.failed_count, p.untested_count, p.name
        );
    }
    let _ = writeln!(text, "{} plan(s)", plans.len());
    write_out(&text)
}

fn state(completed: bool, on: Option<i64>) -> String {
    match (completed, on) {
        (true, Some(t)) => format!("completed {}", format_utc(t)),
        (true, None) => "completed".to_string(),
        (false, _) => "active".to_string(),
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or("-".to_string(), |v| v.to_string())
}
